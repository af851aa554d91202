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
