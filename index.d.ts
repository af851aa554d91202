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

/* Options and results of this library. */

export interface SessionCipherOptions {
  /** The secret (AUTH0_SECRET), or a list: the first seals, every one unseals (rotation). */
  secret: string | string[]
  /** Seconds of slack for `exp` and `nbf`. Default 15, as the SDK. */
  clockTolerance?: number
  /** Cookie values longer than this are refused before any work. Default 65536. */
  maxCookieBytes?: number
}

export interface SealOptions {
  /** Validate the session against the SessionData types first (default true). */
  validate?: boolean
}

export interface ReadOptions {
  /** The current time in epoch seconds (default: the system clock). */
  now?: number
}

export interface OpenResult {
  payload: Record<string, unknown>
  protectedHeader: Record<string, unknown>
  /** Which secret opened the cookie: 0 is the newest. Re-seal when it is not 0. */
  keyIndex: number
}

export interface DecryptOptions {
  /** Accepted for the SDK's signature; as in the SDK, the tolerance is always 15 s. */
  clockTolerance?: number
  /** Judge `exp`/`nbf` at this moment instead of now. */
  currentDate?: Date
}

export interface DecryptResult<T> {
  payload: T & { exp?: number }
  protectedHeader: Record<string, unknown>
}

export interface ValidationError {
  /** Where: `user.sub`, `accessTokens[1].audience`; empty for the value itself. */
  path: string
  message: string
}

export interface ValidationResult {
  valid: boolean
  errors: ValidationError[]
}

/** Errors thrown (or rejected) by this library carry a string `code`. */
export type SessionSealErrorCode =
  | 'ERR_JWE_INVALID'
  | 'ERR_JWE_DECRYPTION_FAILED'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_CLAIM_VALIDATION_FAILED'
  | 'ERR_JWT_INVALID'
  | 'ERR_JOSE_NOT_SUPPORTED'
  | 'ERR_INPUT_TOO_LARGE'
  | 'ERR_SECRET_INVALID'
  | 'ERR_SESSION_INVALID'
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_INVALID_ARG_VALUE'
  | 'ERR_SESSION_SEAL_INTERNAL'

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
  /** Validates (unless `validate: false`) and seals a session; `expiresAt` (epoch seconds) becomes `exp`. */
  seal(session: SessionData, expiresAt: number, options?: SealOptions): string
  /** Seals any JSON object (e.g. the stateful `{ id }`), unvalidated. */
  sealPayload(payload: Record<string, unknown>, expiresAt: number): string
  /** The session in a cookie as the SDK hands it to the app (v3 converted), or `null` for a bad cookie. */
  unseal(cookieValue: string, options?: ReadOptions): SessionData | null
  /** Decrypts and checks a cookie, throwing a coded error for anything wrong. */
  open(cookieValue: string, options?: ReadOptions): OpenResult
}

/**
 * The SDK's `decrypt(cookieValue, secret, options?)`: `{ payload, protectedHeader }`, or `null` when the
 * cookie is malformed, undecryptable or expired (jose's `ERR_JWE_INVALID`, `ERR_JWE_DECRYPTION_FAILED`,
 * `ERR_JWT_EXPIRED`); other failures reject, as the SDK's do. The clock tolerance is the SDK's 15 s.
 */
export declare function decrypt<T = SessionData>(cookieValue: string, secret: string | string[], options?: DecryptOptions, throwOnJWEErrors?: boolean): Promise<DecryptResult<T> | null>

/**
 * The SDK's `encrypt(payload, secret, expiration, additionalHeaders?)`: a JWE of `{ ...payload, exp }`
 * under `{ enc: "A256GCM", alg: "dir", ...additionalHeaders }`.
 */
export declare function encrypt(payload: Record<string, unknown>, secret: string | string[], expiration: number | Date, additionalHeaders?: Record<string, unknown>): Promise<string>

/**
 * Checks a value against the SDK's SessionData family, reporting every problem with its path.
 * The JSON form is judged: exactly what `seal` would encrypt.
 */
export declare function validateSession(value: unknown): ValidationResult
