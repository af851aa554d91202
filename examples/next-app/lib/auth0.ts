import { Auth0Client } from '@auth0/nextjs-auth0/server'

// Dummy tenant values: reading a session makes no network call. The secret is the one session-seal uses.
export const auth0 = new Auth0Client({
  domain: process.env.AUTH0_DOMAIN ?? 'example.invalid',
  clientId: 'session-seal-example',
  clientSecret: 'not-used-for-reading-sessions',
  appBaseUrl: process.env.APP_BASE_URL ?? 'http://127.0.0.1:3000',
  secret: process.env.AUTH0_SECRET,
})
