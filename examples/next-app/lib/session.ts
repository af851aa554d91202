import { createSessions } from 'session-seal/next'

// The same secret and cookie settings as the Auth0 SDK, from the same environment variables (AUTH0_SECRET,
// AUTH0_COOKIE_*, APP_BASE_URL), read on the first call: importing this module never needs the secret.
export const { getSession, updateSession, deleteSession } = createSessions()
