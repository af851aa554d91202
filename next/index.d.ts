import type { SessionData, SessionSealErrorCode, SetCookieOptions } from '../index.js'

export type { SessionData, User, TokenSet, AccessTokenSet, ConnectionTokenSet } from '../index.js'

/**
 * The `code` of an error these functions throw: the library's codes, `ERR_NOT_AUTHENTICATED` (an update
 * without a current session) and the SDK's own `session_domain_mismatch` (a session of another custom domain).
 */
export type SessionsErrorCode = SessionSealErrorCode | 'ERR_NOT_AUTHENTICATED' | 'session_domain_mismatch'

/** The session cookie's settings; each defaults as in the SDK's Auth0Client. */
export interface SessionCookieConfiguration {
  /** Default `"__session"`. */
  name?: string
  /**
   * Default `AUTH0_COOKIE_SECURE === "true"`; forced on when every `appBaseUrl` is https, and in production
   * when no `appBaseUrl` is configured.
   */
  secure?: boolean
  /** Default `AUTH0_COOKIE_SAME_SITE`, else `"lax"`. */
  sameSite?: 'lax' | 'strict' | 'none'
  /** Default `AUTH0_COOKIE_PATH`, else `NEXT_PUBLIC_BASE_PATH`, else `"/"`. */
  path?: string
  /** Default `AUTH0_COOKIE_DOMAIN`. */
  domain?: string
  /** Browser-session cookies (no `Max-Age`). Default `AUTH0_COOKIE_TRANSIENT === "true"`. */
  transient?: boolean
}

/**
 * The SDK's `SessionDataStore` (`@auth0/nextjs-auth0/types`): what `new Auth0Client({ sessionStore })` takes,
 * e.g. session-seal/redis's `createRedisSessionStore()`.
 */
export interface SessionDataStore {
  get(id: string): Promise<SessionData | null>
  set(id: string, session: SessionData): Promise<void>
  /** Optional: writes only if `id` is still stored; `true` when written. */
  update?(id: string, session: SessionData): Promise<boolean>
  delete(id: string): Promise<void>
}

/** `createSessions` options: the names of the SDK's `Auth0ClientOptions`, so one object can configure both. */
export interface CreateSessionsOptions {
  /** Default `AUTH0_SECRET`, read on the first call. A list rotates: the first seals, every one unseals. */
  secret?: string | string[]
  /**
   * Default `AUTH0_DOMAIN`. A session created for another custom domain (`internal.mcd.domain`) is refused
   * as the SDK refuses it: `getSession` throws an error with `code: "session_domain_mismatch"`.
   */
  domain?: string
  /** Default `APP_BASE_URL` (comma-separated for several). Cookies are `Secure` when every one is https. */
  appBaseUrl?: string | string[]
  session?: {
    /** Default `true`: each update extends the session by `inactivityDuration`, up to `absoluteDuration`. */
    rolling?: boolean
    /** Seconds from `internal.createdAt`. Default 259200 (3 days). */
    absoluteDuration?: number
    /** Seconds. Default 86400 (1 day). */
    inactivityDuration?: number
    cookie?: SessionCookieConfiguration
  }
  /** Seconds of slack for `exp`. Default 15, as the SDK. */
  clockTolerance?: number
  /** Cookie values longer than this are not read. Default 65536. */
  maxCookieBytes?: number
  /**
   * A session written over a size limit (more than one cookie, a cookie over 4096 bytes, headers over 8 KB
   * or 16 KB): `"warn"` (the default) emits a process warning once per cause, `"throw"` rejects
   * `updateSession` with `ERR_SESSION_TOO_LARGE` (for CI). See docs/cookie-size.md.
   */
  oversize?: 'warn' | 'throw'
  /**
   * Stateful sessions: the store your `Auth0Client` uses. The cookie then holds only `{ id }`: `getSession`
   * looks the id up here, `updateSession` writes here and rolls the id cookie, `deleteSession` deletes here,
   * as the SDK's stateful mode does. Without it, a stateful cookie reads as `null` (with a one-time process
   * warning, `SESSION_SEAL_NO_SESSION_STORE`).
   */
  sessionStore?: SessionDataStore
  /**
   * Default `true`: every response `updateSession(req, res, session)` or `deleteSession(req, res)` writes a
   * session cookie on (proxy.ts, the Pages Router, a route handler's own `Response`) gets
   * `Cache-Control: private, no-store`, replacing any it had, so that no shared cache (a CDN, a reverse proxy)
   * stores one user's session cookie and hands it to the next. `false` leaves `Cache-Control` to you.
   * (`updateSession(session)` through `next/headers` has no response to mark: Next.js sends its own header
   * there; see docs/nextjs.md.)
   */
  noStore?: boolean
}

/** A `Request` or `NextRequest` (proxy.ts, route handlers). */
export interface WebRequestLike {
  headers: { get(name: string): string | null }
}

/** The Pages Router's `req` (`NextApiRequest`, `IncomingMessage`). */
export interface PagesRequestLike {
  headers: { cookie?: string | string[] | undefined }
}

/** A `NextResponse` (proxy.ts): the `Set-Cookie` list goes to its cookie jar. */
export interface NextResponseLike {
  cookies: { set(name: string, value: string, options?: SetCookieOptions): unknown }
}

/** A plain `Response`: the `Set-Cookie` lines are appended to its headers. */
export interface WebResponseLike {
  headers: { append(name: string, value: string): void }
}

/** The Pages Router's `res` (`NextApiResponse`, `ServerResponse`): lines are added to its `Set-Cookie` header. */
export interface PagesResponseLike {
  getHeader(name: string): number | string | string[] | undefined
  setHeader(name: string, value: number | string | readonly string[]): unknown
}

export type RequestLike = WebRequestLike | PagesRequestLike
export type ResponseLike = NextResponseLike | WebResponseLike | PagesResponseLike

export interface Sessions {
  /**
   * The session, as `auth0.getSession()` returns it, or `null`. Without a request (server components, route
   * handlers, server actions) it reads `next/headers`; pass the request in the Pages Router and in proxy.ts.
   * A session past the IdP ceiling is `null`; one of another custom domain throws (`session_domain_mismatch`).
   * A request reads its session once: later calls of the same request (every server component of a render)
   * get the same object, until the request's cookies change. Treat it as read-only; write with `updateSession`.
   */
  getSession(req?: RequestLike): Promise<SessionData | null>
  /**
   * As `auth0.updateSession(session)` in route handlers and server actions: writes `session` (its `internal`
   * kept from the current one) with a fresh expiry, through `next/headers`. Throws `ERR_NOT_AUTHENTICATED`
   * when there is no session.
   */
  updateSession(session: SessionData): Promise<void>
  /**
   * As `auth0.updateSession(req, res, session)` in proxy.ts (`NextRequest`, `NextResponse`) and the Pages
   * Router: the `Set-Cookie` list goes to `res`, with `Cache-Control: private, no-store` (see `noStore`). The
   * request's cookies are updated too: a later `getSession(req)` of the same proxy or handler reads the update,
   * and in proxy.ts, when `res` continues the request (`NextResponse.next()`, `rewrite()`), so does every
   * `getSession()` after it (server components, route handlers, server actions, Pages Router API routes).
   */
  updateSession(req: RequestLike, res: ResponseLike, session: SessionData): Promise<void>
  /** Signs out: deletes the session cookie, its chunks, v3 cookies and connection-token cookies via `next/headers`. */
  deleteSession(): Promise<void>
  /** Signs out in proxy.ts or the Pages Router: the deletions go to `res`. */
  deleteSession(req: RequestLike, res: ResponseLike): Promise<void>
}

/**
 * `getSession`, `updateSession` and `deleteSession` with the call shapes of the SDK's. Settings are read on
 * the first call, not at import, so a build without `AUTH0_SECRET` does not fail; a call without one throws
 * `ERR_SECRET_INVALID`.
 */
export declare function createSessions(options?: CreateSessionsOptions): Sessions

export { sdkCryptoStatus, installSdkCrypto } from './sdk-crypto.js'
export type { SdkCryptoStatus, SdkCryptoReason, SdkCryptoCounts, SdkCookieCrypto } from './sdk-crypto.js'
