import { SessionCookies, type CookieInput, type SessionData } from 'session-seal'

// One instance per process: the key is derived once, every call after that is synchronous.
// The same secret (and cookie settings) as the Auth0Client in lib/auth0.ts.
export const sessionCookies = new SessionCookies({ secret: process.env.AUTH0_SECRET ?? '' })

const domain = process.env.AUTH0_DOMAIN ?? 'example.invalid'

/**
 * The session as `auth0.getSession()` would return it, read by session-seal. `SessionCookies.read` is the
 * SDK's cookie store (decrypt, `exp`, chunks, v3 `appSession`) plus getSession's IdP session ceiling
 * (`internal.sessionExpiresAt`); getSession refuses one more kind of session, and so does this: one created
 * for another custom domain, `internal.mcd.domain` (the SDK throws `SessionDomainMismatchError`).
 */
export function readSession(cookies: CookieInput): SessionData | null {
  const session = sessionCookies.read(cookies)
  if (!session) return null
  if (session.internal.mcd && session.internal.mcd.domain !== domain) return null
  return session
}
