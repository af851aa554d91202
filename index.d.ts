/* The SessionData family: the same shapes as @auth0/nextjs-auth0 v4 (`@auth0/nextjs-auth0/types`). */

export interface ActClaim {
  /** The subject identifier of the acting party. */
  sub: string
  /** Nested actor claim representing a delegation chain. */
  act?: ActClaim
  [key: string]: unknown
}

export interface User {
  sub: string
  name?: string
  nickname?: string
  given_name?: string
  family_name?: string
  picture?: string
  email?: string
  email_verified?: boolean
  org_id?: string
  act?: ActClaim
  session_expiry?: number
  'urn:auth0:my_org_current_user_permissions'?: string[]
  [key: string]: any
}

export interface TokenSet {
  accessToken: string
  idToken?: string
  scope?: string
  requestedScope?: string
  refreshToken?: string
  expiresAt: number
  audience?: string
  token_type?: string
}

export interface AccessTokenSet {
  accessToken: string
  scope?: string
  requestedScope?: string
  audience: string
  expiresAt: number
  token_type?: string
}

export interface ConnectionTokenSet {
  accessToken: string
  scope?: string
  expiresAt: number
  connection: string
  loginHint?: string
  [key: string]: unknown
}

export interface MCDMetadata {
  domain: string
  issuer: string
}

export interface SessionData {
  user: User
  tokenSet: TokenSet
  accessTokens?: AccessTokenSet[]
  internal: {
    sid: string
    createdAt: number
    mcd?: MCDMetadata
    sessionExpiresAt?: number
  }
  connectionTokenSets?: ConnectionTokenSet[]
  [key: string]: unknown
}

/* jose's shapes, as the drop-in decrypt takes and returns them. (The options and results of this library are
   generated from their `#[napi(object)]` definitions in `src/`, below this header.) */

/**
 * The SDK's `decrypt` options (jose's `JWTDecryptOptions`). `currentDate` is honoured and `clockTolerance`
 * is accepted but, as in the SDK, always 15 s. The other jose options are not implemented: passing one
 * rejects with `ERR_JOSE_NOT_SUPPORTED` rather than returning a session you believe was checked.
 */
export interface DecryptOptions {
  clockTolerance?: string | number
  /** Judge `exp`/`nbf` at this moment instead of now. */
  currentDate?: Date
  audience?: string | string[]
  issuer?: string | string[]
  subject?: string
  typ?: string
  maxTokenAge?: string | number
  requiredClaims?: string[]
  keyManagementAlgorithms?: string[]
  contentEncryptionAlgorithms?: string[]
  crit?: { [parameter: string]: boolean }
  maxPBES2Count?: number
  maxDecompressedLength?: number
}

/** The registered JWT claims, as jose types a payload. */
export interface JwtClaims {
  iss?: string
  sub?: string
  aud?: string | string[]
  jti?: string
  nbf?: number
  exp?: number
  iat?: number
  [claim: string]: unknown
}

/** A protected header this library reads: always `dir` + `A256GCM`, plus whatever else was added. */
export interface JweProtectedHeader {
  alg: 'dir'
  enc: 'A256GCM'
  [parameter: string]: unknown
}

export interface DecryptResult<T> {
  payload: T & JwtClaims
  protectedHeader: JweProtectedHeader
}

/** Errors thrown (or rejected) by this library carry a string `code`. */
export type SessionSealErrorCode =
  | 'ERR_JWE_INVALID'
  | 'ERR_JWE_DECRYPTION_FAILED'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_CLAIM_VALIDATION_FAILED'
  | 'ERR_JWT_INVALID'
  | 'ERR_JOSE_NOT_SUPPORTED'
  | 'ERR_JOSE_ALG_NOT_ALLOWED'
  | 'ERR_INPUT_TOO_LARGE'
  | 'ERR_SECRET_INVALID'
  | 'ERR_SESSION_INVALID'
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_INVALID_ARG_VALUE'
  | 'ERR_NOT_AUTHENTICATED'
  | 'session_domain_mismatch'
  | 'ERR_SESSION_TOO_LARGE'
  | 'ERR_SESSION_SEAL_INTERNAL'

/* The cookie layer: SessionCookies and its helpers. */

/** One cookie of a request, as `getAll()` lists it. */
export interface RequestCookie {
  name: string
  value: string
}

/**
 * A request's cookies: a `Cookie` header (values are URI-decoded as Next.js does); a `name → value` object
 * (e.g. the Pages Router's `req.cookies`, values taken as they are); a `{ name, value }` list; or anything with
 * `getAll()` (`await cookies()`, `NextRequest.cookies`). `null`/`undefined` mean no cookies. A Promise (a
 * forgotten `await`) or a request itself is refused with `ERR_INVALID_ARG_TYPE`.
 */
export type CookieInput =
  | string
  | { readonly [name: string]: string | undefined }
  | ReadonlyArray<RequestCookie>
  | { getAll(): RequestCookie[] }
  | null
  | undefined

/**
 * How a session is checked before it is sealed. `"sdk"` (the default) refuses only what breaks the SDK when it
 * reads the session back (no `user` object, no `internal.createdAt` number, `accessTokens` or
 * `connectionTokenSets` that are not arrays of objects), so whatever `read`/`unseal` return and the SDK
 * itself writes is taken; `"strict"` (or `true`) checks the SDK's SessionData types in full, as
 * `validateSession` does; `false` seals any JSON object.
 */
export type Validation = 'sdk' | 'strict' | boolean

/** The attributes of one `Set-Cookie`; pass them to Next.js as `res.cookies.set(c.name, c.value, c.options)`. */
export interface SetCookieOptions {
  /** Always `true` for the session stores' cookies. */
  httpOnly: boolean
  sameSite?: 'lax' | 'strict' | 'none'
  secure: boolean
  path: string
  domain?: string
  /** Seconds. `0` deletes the cookie; absent for a browser-session (`transient`) cookie. */
  maxAge?: number
}

/** One entry of a `Set-Cookie` list: a value to set, or a deletion (`value: ''`, `maxAge: 0`). */
export interface SetCookie {
  name: string
  value: string
  options: SetCookieOptions
}

/** What `SessionCookies.inspect` finds in a cookie jar. */
export interface Inspection {
  /** The cookie family read: the configured name (`__session`) or the v3 `appSession`. */
  cookie: string
  /** The chunk cookies joined, in order; empty when the cookie is not chunked. */
  chunks: string[]
  /** `name=value` bytes of the session cookie(s), as the SDK counts them. */
  bytes: number
  /** `bytes >= 4096`, the SDK's warning threshold. */
  overBudget: boolean
  /** How many `__FC_i` connection-token cookies the jar holds. */
  connectionCookies: number
  /** Absent when the cookie does not open (see `error`). */
  format?: 'v4' | 'v3-legacy' | 'stateful-id' | 'v3-signed-id'
  /** Which secret opened it: 0 is the newest. */
  keyIndex?: number
  protectedHeader?: Record<string, unknown>
  payload?: Record<string, unknown>
  /** The session as the SDK's store returns it (v3 converted); `null` for id cookies. */
  session?: SessionData | null
  /** Why the cookie does not open. */
  error?: { code: SessionSealErrorCode; message: string }
}

/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/** Seals and unseals session cookies with keys derived once. All calls are synchronous. */
export declare class SessionCipher {
  constructor(options: SessionCipherOptions)
  /**
   * Checks (by default, what the SDK needs; `validate: "strict"`, its types in full) and seals a session;
   * `expiresAt` (seconds since the epoch) becomes `exp`.
   */
  seal(session: SessionData, expiresAt: number, options?: SealOptions): string
  /** Seals any JSON object (e.g. the stateful `{ id }`), unvalidated. */
  sealPayload(payload: Record<string, unknown>, expiresAt: number): string
  /** The session in a cookie as the SDK hands it to the app (v3 converted), or `null` for a bad cookie. */
  unseal(cookieValue: string, options?: ReadOptions): SessionData | null
  /** Decrypts and checks a cookie, throwing a coded error for anything wrong. */
  open(cookieValue: string, options?: ReadOptions): OpenResult
}

/** The cookie layer of the SDK's session stores: reads a request's cookies, plans the `Set-Cookie` list. */
export declare class SessionCookies {
  constructor(options: SessionCookiesOptions)
  /**
   * The session as the SDK's stateless store reads it (chunks joined, v3 converted, `__FC_i`
   * connection token sets added), or `null`; like `auth0.getSession()`, `null` once the IdP session
   * ceiling (`internal.sessionExpiresAt`, 30 s early) is reached. Bad or expired cookies never throw.
   */
  read(cookies: CookieInput, options?: ReadOptions): SessionData | null
  /**
   * What the session cookie of a jar is made of (for debugging and the `session-seal inspect` command):
   * the cookie and its chunks, their size, the format, which secret opened it, the payload and the
   * session — or the coded error that keeps it shut. `null` when the jar holds no session cookie.
   */
  inspect(cookies: CookieInput, options?: ReadOptions): Inspection | null
  /**
   * The `Set-Cookie` list the SDK's stateless store writes for `session`, given the request's cookies.
   * A session over a size limit (more than one cookie, a cookie over 4096 bytes, headers over 8 KB or
   * 16 KB) gets a process warning once per cause, or with `oversize: "throw"` throws
   * `ERR_SESSION_TOO_LARGE`; so do `writeWithBudget` and `updateSession`.
   */
  write(session: SessionData, cookies: CookieInput, options?: WriteOptions): SetCookie[]
  /**
   * `write`, plus the size budget: the bytes set for the session (`name=value` summed, as the SDK
   * counts), whether that reaches the SDK's 4096-byte warning, connection-token cookies over 4096
   * bytes, and the request's `Cookie` header after the write (for read-after-write in middleware).
   */
  writeWithBudget(session: SessionData, cookies: CookieInput, options?: WriteOptions): WriteResult
  /** The deletions the SDK's stateless store emits to sign out. */
  clear(cookies: CookieInput): SetCookie[]
  /**
   * `auth0.getSession()` in one call: the session as `read` gives it (the IdP ceiling applied), or
   * `null`; a session created for another custom domain than `auth0Domain` throws the SDK's
   * `SessionDomainMismatchError` (`code: "session_domain_mismatch"`). A stateful session's `{ id }`
   * cookie is no session here (`null`, with a one-time process warning): see `lookupSession`.
   */
  getSession(cookies: CookieInput, options?: ReadOptions): SessionData | null
  /**
   * `auth0.updateSession(session)` in one call, the jar read once: the current session as `getSession`
   * reads it (none throws `ERR_NOT_AUTHENTICATED`), `session` written with its `internal` kept from it;
   * returns the `Set-Cookie` list, the request's cookies after the write and the session written.
   */
  updateSession(cookies: CookieInput, session: SessionData, options?: WriteOptions): SessionUpdate
  /**
   * The deletions that sign out (the SDK store's `delete`): `clear` under the name of the SDK call it
   * replaces.
   */
  deleteSession(cookies: CookieInput): SetCookie[]
  /**
   * Stateful sessions (`auth0.getSession()`/`updateSession()` over the app's `SessionDataStore`), the
   * jar read once: the id to fetch from the store, and the steps that judge what it returned and plan
   * an update (`SessionLookup`).
   */
  lookupSession(cookies: CookieInput, options?: ReadOptions): SessionLookup
  /**
   * Stateful sign-out in one call (the SDK's stateful store's `delete`): the `Set-Cookie` deletions, and
   * the store call that deletes the session the v4 cookie names.
   */
  deleteStoredSession(cookies: CookieInput, options?: ReadOptions): StoredSessionDelete
  /**
   * Stateful sessions: the id in the session cookie (a v4 JWE of `{ id }`, or a v3 signed
   * `appSession` cookie), or `null`.
   */
  readSessionId(cookies: CookieInput, options?: ReadOptions): string | null
  /**
   * Stateful sessions: the cookie for session `id` (`null`: a new random id), with the rolling
   * `maxAge` from `createdAt`; returns the id and the `Set-Cookie` list.
   */
  writeSessionId(id: string | null, createdAt: number, cookies: CookieInput, options?: ReadOptions): SessionIdWriteResult
  /**
   * Stateful sessions: the deletions the SDK's stateful store emits, and the id to remove from the
   * store (`null` when the cookie does not hold one).
   */
  clearSessionId(cookies: CookieInput, options?: ReadOptions): SessionIdClearResult
  /** `sizeReport` with this store's cookie name and attributes. */
  sizeReport(session: SessionData, options?: ReadOptions): SizeReport
}

/**
 * A request's stateful session, from `SessionCookies.lookupSession(cookies)`: the jar read once, the id to
 * fetch, then one call to judge what the store gave and (for an update) one to plan the write.
 */
export declare class SessionLookup {
  /**
   * The id to fetch: `await store.get(id)`. `null` when the request holds no stateful session (then
   * pass `null` on).
   */
  get id(): string | null
  /**
   * `auth0.getSession()` on what `store.get(id)` resolved to: a v3 app's stored session converted, `null`
   * past the IdP ceiling (and the stored session deleted, in the background), another custom domain's
   * session refused with the SDK's `SessionDomainMismatchError`.
   */
  getSession(stored: SessionData | null | undefined): StoredSessionRead
  /**
   * `auth0.updateSession()` after `getSession`: `session` with the current session's `internal` (none
   * throws `ERR_NOT_AUTHENTICATED`), the store calls the SDK's stateful store makes (its id kept from
   * the v4 cookie, else a new one), the rolled `{ id }` cookie and the request's cookies after it.
   */
  updateSession(session: SessionData, options?: StoredUpdateOptions | undefined | null): StoredSessionUpdate
}

/** Seals session values for a server-side store, bound to their session id; derives its keys once. */
export declare class StoreCipher {
  constructor(options: StoreCipherOptions)
  /**
   * Validates and seals `session` for `id`, ending when the session ends (absolute duration, inactivity,
   * the IdP's ceiling), with the TTL and the index entries to store it with.
   */
  seal(id: string, session: SessionData, options?: ReadOptions): StoreSealResult
  /**
   * Opens a value read under `id`, throwing a coded error for a value that is altered, bound to another id,
   * sealed under no listed secret, or past its end; with what to write back when an older secret opened
   * it.
   */
  open(id: string, value: string, options?: ReadOptions): StoreOpenResult
  /** The index entries of the value stored under `id` (to remove with it); none when it does not open. */
  entriesOf(id: string, value: string): Array<StoreIndexEntry>
  /** The index tag of `value` under every secret, newest first (`kind`: "sub", "sid" or "iss"). */
  indexTags(kind: 'sub' | 'sid' | 'iss', value: string): Array<string>
  /** The index a back-channel logout with these claims reads; `null` when it has neither `sub` nor `sid`. */
  logoutIndex(claims: { sub?: string; sid?: string; iss?: string }): StoreLogoutIndex | null
  /** The sessions the logout removes among `members`, read from its index's tag under secret `keyIndex`. */
  logoutTargets(claims: { sub?: string; sid?: string; iss?: string }, keyIndex: number, members: string[]): Array<StoreTarget>
  /** Every session `members` of the index `index`/`tag` point at, with all its entries. */
  linkedEntries(index: 'sub' | 'sid', tag: string, members: string[]): Array<StoreTarget>
  /**
   * What a listing of `sub`'s sessions shows of the values read for `ids` (`values[i]` for `ids[i]`):
   * each live one of that user, once, most recently written first.
   */
  list(sub: string, ids: string[], values: string[], options?: ReadOptions): Array<StoreListedSession>
}

/** Options of `planChunkedCookie`: the stores' defaults where absent. */
export interface ChunkedCookieOptions {
  /** Default `true`. */
  httpOnly?: boolean
  /** Default `"lax"`. */
  sameSite?: 'lax' | 'strict' | 'none'
  /** Default `false`. */
  secure?: boolean
  /** Default `"/"`. */
  path?: string
  domain?: string
  maxAge?: number
  /** Drops `maxAge`. */
  transient?: boolean
}

/** What `planChunkedCookie` plans. */
export interface ChunkedCookiePlan {
  cookies: SetCookie[]
  /** `name=value` bytes set, summed over the chunks. */
  bytes: number
  /** The request's `Cookie` header after the write. */
  requestCookieHeader: string
}

/** Connection token sets live in `__FC_0`, `__FC_1`, … */
export declare const CONNECTION_COOKIE_PREFIX: string

/** The SDK warns when one `__FC_i` cookie's `Set-Cookie` line reaches this many bytes. */
export declare const CONNECTION_COOKIE_WARN_BYTES: number

/**
 * The SDK's `decrypt(cookieValue, secret, options?, throwOnJWEErrors?)`: `{ payload, protectedHeader }`,
 * or `null` when the cookie is malformed, undecryptable or expired (jose's `ERR_JWE_INVALID`,
 * `ERR_JWE_DECRYPTION_FAILED`, `ERR_JWT_EXPIRED`); other failures reject, as the SDK's do. The clock
 * tolerance is the SDK's 15 s.
 */
export declare function decrypt<T = SessionData>(cookieValue: string, secret: string | string[], options?: DecryptOptions, throwOnJWEErrors?: boolean): Promise<DecryptResult<T> | null>

/** The stores' default `absoluteDuration`, in seconds (3 days). */
export declare const DEFAULT_ABSOLUTE_DURATION: number

/** The SDK's slack for `exp` and `nbf`, in seconds (the default `clockTolerance`). */
export declare const DEFAULT_CLOCK_TOLERANCE: number

/** The v4 session cookie's default name (`cookieName`). */
export declare const DEFAULT_COOKIE_NAME: string

/** The stores' default `inactivityDuration`, in seconds (1 day). */
export declare const DEFAULT_INACTIVITY_DURATION: number

/** Cookie values longer than this are refused before any work (the default `maxCookieBytes`). */
export declare const DEFAULT_MAX_COOKIE_BYTES: number

/**
 * The SDK's `encrypt(payload, secret, expiration, additionalHeaders?)`: a JWE of `{ ...payload, exp }`
 * under `{ enc: "A256GCM", alg: "dir", ...additionalHeaders }`.
 */
export declare function encrypt(payload: Record<string, unknown>, secret: string | string[], expiration: number | Date, additionalHeaders?: Record<string, unknown>): Promise<string>

/**
 * The SDK's `generateSessionCookie` (`@auth0/nextjs-auth0/testing`): a session cookie valid for one
 * hour, `internal` defaulting to `{ sid: "auth0-sid", createdAt: now }`.
 */
export declare function generateSessionCookie(session: Partial<SessionData>, config: GenerateSessionCookieConfig): Promise<string>

/** The configuration of `generateSessionCookie` and `generateStatefulSessionCookie`. */
export interface GenerateSessionCookieConfig {
  /** The same secret as the SDK's configuration. */
  secret: string | string[]
  /** Epoch seconds to generate at (default: now). */
  now?: number
}

/** The stateful counterpart of `generateSessionCookie`: a session cookie holding `{ id }` for one hour. */
export declare function generateStatefulSessionCookie(id: string, config: GenerateSessionCookieConfig): Promise<string>

/** The v3 session cookie's name; its chunks are `appSession.0`, `appSession.1`, … */
export declare const LEGACY_COOKIE_NAME: string

/** One limit, and whether the session's cookies pass it. */
export interface LimitCheck {
  /**
   * `"cookie"`: 4096 bytes per cookie (what browsers guarantee; why the SDK chunks). `"proxy"`: a
   * proxy's 8 KB header limit. `"node"`: Node's 16 KB default max header size.
   */
  name: 'cookie' | 'proxy' | 'node'
  /** The limit in bytes. */
  limit: number
  /**
   * What is held to it: the largest `Set-Cookie` line for `"cookie"`; for the header limits the larger
   * of the request's `Cookie` header and the response's `Set-Cookie` headers.
   */
  measured: number
  /** `measured <= limit`. */
  passes: boolean
  /** The limit in words. */
  description: string
}

/** A cookie value longer than this (UTF-8 bytes) is written in chunks of this many characters. */
export declare const MAX_CHUNK_SIZE: number

/** Cookie jars larger than this are refused before any work. */
export declare const MAX_JAR_BYTES: number

/** The most secrets a key ring takes. */
export declare const MAX_SECRETS: number

/** One member of a session and its bytes. */
export interface MemberSize {
  /** `tokenSet`, `user.groups`: where the member is. */
  path: string
  /** Its `"name":value` bytes in the session's JSON as the SDK serializes it (`JSON.stringify`, UTF-8). */
  bytes: number
}

/** What `open` finds in a cookie that passes every check. */
export interface OpenResult {
  payload: Record<string, unknown>
  protectedHeader: JweProtectedHeader
  /** Which secret opened the cookie: 0 is the newest. Re-seal when it is not 0. */
  keyIndex: number
}

/**
 * The SDK's `setChunkedCookie` on its own: the `Set-Cookie` list for writing `value` under `name` (in
 * chunks when longer than a cookie holds), given the request's cookies; for values sealed elsewhere.
 */
export declare function planChunkedCookie(name: string, value: string, options: ChunkedCookieOptions, cookies: CookieInput): ChunkedCookiePlan

/** The options of a read: its moment. */
export interface ReadOptions {
  /** The current time in seconds since the epoch (default: the system clock); milliseconds are refused. */
  now?: number
}

/**
 * For session-seal's adapters (`session-seal/next`): throws the coded error for `value`, which `call` was
 * given where it takes a `request`, a `response`, a `sessionStore` or an `options` object. Worded here
 * with every other message about JavaScript values, so an adapter words none.
 */
export declare function refuseArgument(what: 'request' | 'response' | 'sessionStore' | 'options', call: string, value: unknown): never

/** Options of `seal`. */
export interface SealOptions {
  /** Default `"sdk"`: refuse only what breaks the SDK. `"strict"`: the SessionData types in full. */
  validate?: Validation
}

/**
 * A `Set-Cookie` header line for one entry, exactly as the SDK's `ResponseCookies` writes it
 * (`Expires` is `now + maxAge`; `now` defaults to the system clock).
 */
export declare function serializeSetCookie(cookie: SetCookie, options?: ReadOptions): string

/** The SDK warns when the session cookie(s) reach this many bytes (`name=value` summed). */
export declare const SESSION_SIZE_WARN_BYTES: number

/** Options of `new SessionCipher`. */
export interface SessionCipherOptions {
  /** The secret (AUTH0_SECRET), or a list: the first seals, every one unseals (rotation). */
  secret: string | string[]
  /** Seconds of slack for `exp` and `nbf`. Default 15, as the SDK. */
  clockTolerance?: number
  /** Cookie values longer than this are refused before any work. Default 65536. */
  maxCookieBytes?: number
}

/** `cookieOptions` of `new SessionCookies`. */
export interface SessionCookieOptions {
  /** The SDK's spelling of `cookieName`. */
  name?: string
  /** Default `"lax"`. */
  sameSite?: 'lax' | 'strict' | 'none'
  /** Default `false`. */
  secure?: boolean
  /** Default `"/"`. */
  path?: string
  domain?: string
  /** Browser-session cookies: the session cookie gets no `maxAge`. */
  transient?: boolean
}

/** Options of `new SessionCookies`. */
export interface SessionCookiesOptions {
  /** The secret (AUTH0_SECRET), or a list: the first seals, every one unseals (rotation). */
  secret: string | string[]
  /** Seconds of slack for `exp` and `nbf`. Default 15, as the SDK. */
  clockTolerance?: number
  /** Cookie values (a joined chunked cookie included) longer than this are not read. Default 65536. */
  maxCookieBytes?: number
  /** Default `true`: each write extends the session by `inactivityDuration`, up to `absoluteDuration`. */
  rolling?: boolean
  /** Seconds from `internal.createdAt`. Default 259200 (3 days). */
  absoluteDuration?: number
  /** Seconds. Default 86400 (1 day). */
  inactivityDuration?: number
  /** Default `"__session"`. */
  cookieName?: string
  cookieOptions?: SessionCookieOptions
  /**
   * The app's Auth0 domain (`AUTH0_DOMAIN`, the SDK's `domain`): `getSession` and `updateSession`
   * refuse a session created for another custom domain (`internal.mcd.domain`), as the SDK does.
   */
  auth0Domain?: string
  /**
   * What a write over a size limit (more than one cookie, a cookie over 4096 bytes, headers over 8 KB or
   * 16 KB) does. Default `"warn"`: a process warning once per cause; `"throw"`: `ERR_SESSION_TOO_LARGE`,
   * nothing written.
   */
  oversize?: 'warn' | 'throw'
}

/** What `clearSessionId` deletes. */
export interface SessionIdClearResult {
  /** The id in the v4 session cookie, to delete from your store; `null` when there is none. */
  id: string | null
  cookies: SetCookie[]
}

/** What `writeSessionId` writes. */
export interface SessionIdWriteResult {
  /** The session id the cookie holds: the one given, or a new one (32 hex characters). */
  id: string
  cookies: SetCookie[]
}

/** What `updateSession` wrote, in one crossing with the jar read once. */
export interface SessionUpdate {
  /** The `Set-Cookie` list, in the SDK's order: apply it to the response. */
  cookies: SetCookie[]
  /**
   * The request's cookies after the write, as the SDK leaves them for read-after-write (proxy.ts): set
   * each on the request's cookie jar, and delete the names it holds that are not here.
   */
  requestCookies: RequestCookie[]
  /**
   * The same cookies as a `Cookie` header (values encoded as Next.js's `RequestCookies` writes them): a
   * Node.js request's `headers.cookie` after the write.
   */
  requestCookieHeader: string
  /** The session written: `session` with `internal` kept from the current session, as the SDK stores it. */
  session: SessionData
  /** Bytes of the session cookie(s) set, `name=value` summed in UTF-8 (what the SDK's `setChunkedCookie` returns). */
  bytes: number
  /** `bytes >= 4096`: the SDK's threshold for its "431 Request Header Fields Too Large" warning. */
  overBudget: boolean
  /** `__FC_i` cookies whose `Set-Cookie` line is 4096 bytes or more (the SDK warns for each). */
  oversizedCookies: Array<string>
}

/**
 * What `session` costs as the SDK's stateless store writes it with its default cookie settings: bytes
 * per member and per `user` claim, the sealed cookie's length, the chunks, and the limits it passes.
 * Needs no secret (the length of a seal does not depend on the key); the session must be one the store
 * writes (`ERR_SESSION_INVALID` otherwise).
 */
export declare function sizeReport(session: SessionData, options?: ReadOptions): SizeReport

/**
 * Where a session's bytes go and what its cookies cost on the wire, measured on a real seal and the
 * `Set-Cookie` list the SDK's stateless store would write for it.
 */
export interface SizeReport {
  /** The session's JSON bytes. */
  sessionBytes: number
  /** Each top-level member (`user`, `tokenSet`, `internal`, …), in the session's order. */
  members: Array<MemberSize>
  /** Each claim of `user` (`user.sub`, `user.groups`, …), in its order. */
  userClaims: Array<MemberSize>
  /** The three largest members by path: the members of each object member, the others whole. */
  largest: Array<MemberSize>
  /** The sealed session cookie's length (the JWE), before chunking. */
  sealedBytes: number
  /** The cookies it takes: 1, or its `__session__N` chunks (3500 characters each). */
  chunks: number
  /** `name=value` of the session cookie(s) summed: the SDK's measure (it warns from 4096). */
  cookieBytes: number
  /** `__FC_i` cookies (connection token sets). */
  connectionCookies: number
  /** The largest `Set-Cookie` line among the cookies set. */
  largestCookieBytes: number
  /** The `Cookie` header the browser sends back with these cookies (`cookie: …\r\n`). */
  requestHeaderBytes: number
  /** The response's `Set-Cookie` headers (`set-cookie: …\r\n` each), deletions of stale chunks included. */
  responseHeaderBytes: number
  /** Each limit, smallest first. */
  limits: Array<LimitCheck>
}

/** The most index members, or listed sessions, one `StoreCipher` call takes. */
export declare const STORE_MAX_BATCH: number

/** Session ids longer than this (UTF-8 bytes) are refused before any work. */
export declare const STORE_MAX_ID_BYTES: number

/**
 * One call of the app's `SessionDataStore`, to make as planned: `store[method](id)`, with the planned
 * session as the second argument of `set` and `update`.
 */
export interface StoreCall {
  method: 'get' | 'set' | 'update' | 'delete'
  id: string
  /**
   * Nothing more is called, and no cookie set, unless this call resolves to something truthy (the
   * session is still stored: a sign-out landing meanwhile wins).
   */
  required: boolean
  /**
   * Housekeeping nothing waits for: make the call without awaiting it, and log a failure after this
   * text (never throw it).
   */
  background?: string
}

/** Options of `StoreCipher`, the sealing of `session-seal/redis`. */
export interface StoreCipherOptions {
  /** The secret, or a list: the first seals, every one opens. Keys of their own are derived from it. */
  secret: string | string[]
  /**
   * Seconds from `internal.createdAt` a session lives at most: the SDK's `session.absoluteDuration`.
   * Default 259200 (3 days).
   */
  absoluteDuration?: number
  /**
   * Seconds of inactivity after which a rolling session ends: the SDK's `session.inactivityDuration`.
   * Default 86400 (1 day).
   */
  inactivityDuration?: number
  /** The SDK's `session.rolling` (default `true`): each write extends the session by `inactivityDuration`. */
  rolling?: boolean
}

/** What `SessionCookies.deleteStoredSession` planned: make the store calls, then apply the list. */
export interface StoredSessionDelete {
  /** The stored session's deletion, when the cookie names one. */
  storeCalls: Array<StoreCall>
  /** The `Set-Cookie` deletions. */
  cookies: SetCookie[]
}

/** What `SessionLookup.getSession` judged. */
export interface StoredSessionRead {
  /** The session, as `auth0.getSession()` returns it; `null` for none. */
  session: SessionData | null
  /**
   * The store calls to make (the stored session deleted in the background when it is past its IdP
   * ceiling).
   */
  storeCalls: Array<StoreCall>
}

/** What `SessionLookup.updateSession` planned: make the store calls, then apply the lists. */
export interface StoredSessionUpdate {
  /** The session to store: yours, its `internal` kept from the current session. */
  session: SessionData
  /** In order; a `required` one that finds nothing ends the update there. */
  storeCalls: Array<StoreCall>
  /** The `Set-Cookie` list (the rolled `{ id }` cookie, a v3 `appSession` deleted), for the response. */
  cookies: SetCookie[]
  /**
   * The request's cookies after the write, for read-after-write: set each on the request's cookie jar,
   * and delete the names it holds that are not here.
   */
  requestCookies: RequestCookie[]
  /**
   * The same cookies as a `Cookie` header (values encoded as Next.js's `RequestCookies` writes them): a
   * Node.js request's `headers.cookie` after the write.
   */
  requestCookieHeader: string
}

/** Options of `SessionLookup.updateSession`. */
export interface StoredUpdateOptions {
  /**
   * Whether the store has the optional `update(id, session)`: it is then used, as the SDK uses it, to
   * write only while the session is stored. Default `false`: `get`, then `set`.
   */
  storeHasUpdate?: boolean
  /** The current time in seconds since the epoch (default: the system clock); milliseconds are refused. */
  now?: number
  /** Default `"sdk"`: refuse only what breaks the SDK. `"strict"`: the SessionData types in full. */
  validate?: Validation
}

/** One entry of a logout index: the index (`index` and `tag`) and the member it holds. */
export interface StoreIndexEntry {
  /** `'sub'`: the sessions of one subject; `'sid'`: the sessions of one IdP session. */
  index: 'sub' | 'sid'
  /** The index's keyed tag (22 base64url characters). */
  tag: string
  member: string
}

/** One of a user's sessions as a listing shows it: never its id, never its tokens. */
export interface StoreListedSession {
  sid?: string
  createdAt?: number
  expiresAt: number
  updatedAt?: number
}

/** The index a back-channel logout reads, with its tag under each secret, newest first. */
export interface StoreLogoutIndex {
  index: 'sub' | 'sid'
  tags: Array<string>
}

/** A stored value that opened for its session id. */
export interface StoreOpenResult {
  session: SessionData
  /** Which secret opened it: 0 is the newest. */
  keyIndex: number
  /** Epoch seconds when the session ends (the value's `exp`). */
  expiresAt: number
  /** Epoch seconds when it was written (absent for values written before this was recorded). */
  updatedAt?: number
  /** Present when an older secret opened it and it can be sealed again under the newest. */
  reseal?: StoreReseal
}

/**
 * A value sealed again under the newest secret: write it (keeping the TTL) if the stored value is still
 * the one read, add `entries` and remove `stale`.
 */
export interface StoreReseal {
  value: string
  entries: Array<StoreIndexEntry>
  stale: Array<StoreIndexEntry>
}

/** What to store for a session: the value, until when, and the index entries that point at it. */
export interface StoreSealResult {
  /** The sealed value; absent when the session has already ended (delete it instead). */
  value?: string
  /** Epoch seconds when the session ends (the value's `exp`). */
  expiresAt: number
  /** Seconds until then: the TTL to store it with. */
  ttl: number
  entries: Array<StoreIndexEntry>
}

/** A session an index member points at, and all its entries (the one read first). */
export interface StoreTarget {
  id: string
  entries: Array<StoreIndexEntry>
}

/** How long the cookies of `generateSessionCookie` last, in seconds. */
export declare const TEST_COOKIE_MAX_AGE: number

/**
 * Checks a value against the SDK's SessionData family, reporting every problem with its path.
 * The JSON form is judged: exactly what `seal` would encrypt.
 */
export declare function validateSession(value: unknown): ValidationResult

/** One problem `validateSession` found. */
export interface ValidationError {
  /** Where: `user.sub`, `accessTokens[1].audience`; empty for the value itself. */
  path: string
  message: string
}

/** What `validateSession` says of a value. */
export interface ValidationResult {
  valid: boolean
  errors: Array<ValidationError>
}

/** Options of `write`, `writeWithBudget` and `updateSession`. */
export interface WriteOptions {
  /** The current time in seconds since the epoch (default: the system clock); milliseconds are refused. */
  now?: number
  /** Default `"sdk"`: refuse only what breaks the SDK. `"strict"`: the SessionData types in full. */
  validate?: Validation
}

/** What `writeWithBudget` plans, and what the SDK would say about its size. */
export interface WriteResult {
  /** What `write` returns. */
  cookies: SetCookie[]
  /** Bytes of the session cookie(s) set, `name=value` summed in UTF-8 (what the SDK's `setChunkedCookie` returns). */
  bytes: number
  /** `bytes >= 4096`: the SDK's threshold for its "431 Request Header Fields Too Large" warning. */
  overBudget: boolean
  /** `__FC_i` cookies whose `Set-Cookie` line is 4096 bytes or more (the SDK warns for each). */
  oversizedCookies: Array<string>
  /** The request's `Cookie` header after the write, as the SDK leaves it for read-after-write. */
  requestCookieHeader: string
}
