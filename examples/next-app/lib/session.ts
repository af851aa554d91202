import { SessionCookies, type CookieInput, type SessionData } from 'session-seal'

// One instance per process: the key is derived once, every call after that is synchronous.
// The same secret (and cookie settings) as the Auth0Client in lib/auth0.ts.
export const sessionCookies = new SessionCookies({ secret: process.env.AUTH0_SECRET ?? '' })

const domain = process.env.AUTH0_DOMAIN ?? 'example.invalid'

/**
 * The session as `auth0.getSession()` would return it, read by session-seal. `SessionCookies.read` is the
 * SDK's cookie store (decrypt, `exp`, chunks, v3 `appSession`); `getSession()` then refuses two more kinds of
 * session, and so does this:
 * - past the upstream IdP's ceiling, `internal.sessionExpiresAt` (the SDK allows 30 s of leeway);
 * - created for another custom domain, `internal.mcd.domain` (the SDK throws `SessionDomainMismatchError`).
 */
export function readSession(cookies: CookieInput): SessionData | null {
  const session = sessionCookies.read(cookies)
  if (!session) return null
  const ceiling = session.internal.sessionExpiresAt
  if (ceiling != null && Math.floor(Date.now() / 1000) >= ceiling - 30) return null
  if (session.internal.mcd && session.internal.mcd.domain !== domain) return null
  return session
}
