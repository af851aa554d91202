import { Auth0Client } from '@auth0/nextjs-auth0/server'

// The SDK itself, for the e2e to compare against (routes under app/api/e2e and pages/api/e2e, and
// /sdk-protected in proxy.ts). Reading a session makes no network call: dummy tenant values will do.
export const auth0 = new Auth0Client({
  domain: process.env.AUTH0_DOMAIN ?? 'example.invalid',
  clientId: 'session-seal-example',
  clientSecret: 'not-used-for-reading-sessions',
})
