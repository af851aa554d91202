// Realistic @auth0/nextjs-auth0 v4 sessions of a given JSON size, generated deterministically (seeded PRNG),
// so every run and every machine benchmarks the same bytes.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** A small deterministic PRNG (mulberry32): the benchmark inputs must not change between runs. */
export function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function b64(rand, n) {
  let s = ''
  for (let i = 0; i < n; i++) s += ALPHABET[(rand() * 64) | 0]
  return s
}

function hex(rand, n) {
  let s = ''
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[(rand() * 16) | 0]
  return s
}

const enc = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** An RS256 JWT shaped like Auth0's: real header and claims, random 256-byte signature. */
function jwt(rand, claims) {
  const header = { alg: 'RS256', typ: 'JWT', kid: b64(rand, 27) }
  return `${enc(header)}.${enc(claims)}.${b64(rand, 342)}`
}

const ISSUER = 'https://tenant.eu.auth0.com/'
const NOW = 1_760_000_000

function user(rand) {
  const id = hex(rand, 24)
  return {
    sub: `auth0|${id}`,
    nickname: 'jane.doe',
    name: 'Jane Doe',
    given_name: 'Jane',
    family_name: 'Doe',
    picture: `https://s.gravatar.com/avatar/${hex(rand, 32)}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fjd.png`,
    updated_at: '2025-10-09T08:53:20.312Z',
    email: 'jane.doe@example.com',
    email_verified: true,
    sid: b64(rand, 32),
  }
}

function accessToken(rand, sub, audience, scope) {
  return jwt(rand, {
    iss: ISSUER,
    sub,
    aud: [audience, `${ISSUER}userinfo`],
    iat: NOW,
    exp: NOW + 86400,
    scope,
    azp: b64(rand, 32),
    permissions: ['read:messages', 'write:messages', 'read:profile'],
  })
}

/** The typical session: profile, access token, id token, refresh token (~3 KB of JSON). */
function typical(rand) {
  const u = user(rand)
  const scope = 'openid profile email offline_access'
  const idClaims = { ...u, iss: ISSUER, aud: b64(rand, 32), iat: NOW, exp: NOW + 36000, nonce: b64(rand, 43) }
  return {
    user: u,
    tokenSet: {
      accessToken: accessToken(rand, u.sub, 'https://api.example.com/', scope),
      idToken: jwt(rand, idClaims),
      scope,
      requestedScope: scope,
      refreshToken: `v1.M${b64(rand, 130)}`,
      expiresAt: NOW + 86400,
      token_type: 'Bearer',
    },
    internal: { sid: u.sid, createdAt: NOW },
  }
}

/** A small session: the profile essentials and an opaque access token. */
function small(rand) {
  const u = user(rand)
  return {
    user: { sub: u.sub, name: u.name, nickname: u.nickname, picture: u.picture, email: u.email, email_verified: true, sid: u.sid },
    tokenSet: { accessToken: b64(rand, 32), scope: 'openid profile email', expiresAt: NOW + 86400 },
    internal: { sid: u.sid, createdAt: NOW },
  }
}

/** The typical session plus access tokens for more APIs and connection token sets, up to `bytes`. */
function large(rand, bytes) {
  const session = typical(rand)
  session.accessTokens = []
  session.connectionTokenSets = []
  let n = 0
  while (JSON.stringify(session).length < bytes) {
    const audience = `https://api${n}.example.com/`
    if (n % 4 === 3) {
      session.connectionTokenSets.push({
        connection: `google-oauth2-${n}`,
        accessToken: `ya29.${b64(rand, 180)}`,
        scope: 'https://www.googleapis.com/auth/calendar.readonly',
        expiresAt: NOW + 3600,
        loginHint: session.user.email,
      })
    } else {
      session.accessTokens.push({
        accessToken: accessToken(rand, session.user.sub, audience, 'read:all write:all'),
        scope: 'read:all write:all',
        requestedScope: 'read:all write:all',
        audience,
        expiresAt: NOW + 86400,
        token_type: 'Bearer',
      })
    }
    n++
  }
  return session
}

/** A session of about `bytes` of JSON (the typical one grown with more tokens), from `seed`. */
export function sessionOfSize(bytes, seed) {
  return bytes <= 1024 ? small(prng(seed)) : bytes <= 3 * 1024 ? typical(prng(seed)) : large(prng(seed), bytes)
}

/** Fixed seeds, so that a size always means the same session from run to run and tool to tool. */
const SEEDS = { 0.5: 11, 3: 12, 6: 13, 12: 14, 8: 15, 16: 16 }

/** The session of about `kb` KB of JSON that bench:compare and bench/profile-loop.mjs measure. */
export function sessionOfKb(kb) {
  return sessionOfSize(kb * 1024, SEEDS[kb] ?? Math.round(kb * 100))
}

/** The sizes every benchmark measures: the label, the target JSON size, and the session. */
export function sessions() {
  return [
    { label: '0.5 KB', session: small(prng(1)) },
    { label: '3 KB', session: typical(prng(2)) },
    { label: '16 KB', session: large(prng(3), 16 * 1024) },
    { label: '60 KB', session: large(prng(4), 60 * 1024) },
  ].map((s) => ({ ...s, bytes: Buffer.byteLength(JSON.stringify(s.session)) }))
}
