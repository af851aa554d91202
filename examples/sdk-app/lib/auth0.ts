import { Auth0Client } from '@auth0/nextjs-auth0/server'

// An ordinary Auth0Client: the values come from the environment (AUTH0_DOMAIN, AUTH0_CLIENT_ID,
// AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL). Rolling sessions, as the SDK's default: every request
// through the proxy re-seals the session cookie.
export const auth0 = new Auth0Client({
  // The e2e suite's OIDC provider runs on http://localhost: plain HTTP is allowed only for such a domain.
  allowInsecureRequests: process.env.AUTH0_DOMAIN?.startsWith('http://localhost:') ?? false,
  session: { rolling: true, inactivityDuration: 60 * 60, absoluteDuration: 24 * 60 * 60 },
})
