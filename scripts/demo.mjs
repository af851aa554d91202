// The embedded-default demo: seal a sample session under a freshly generated secret, unseal it, and show
// the real @auth0/nextjs-auth0 SDK reading the very same cookie.
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'

const require = createRequire(import.meta.url)
const { SessionCipher } = require('../index.js')

const now = Math.floor(Date.now() / 1000)
const secret = randomBytes(32).toString('hex')
const session = {
  user: { sub: 'auth0|5f7c8ec7c33c6c004bbafe82', name: 'Jane Doe', email: 'jane@example.com', email_verified: true },
  tokenSet: { accessToken: randomBytes(48).toString('base64url'), scope: 'openid profile email', expiresAt: now + 3600 },
  internal: { sid: randomBytes(16).toString('hex'), createdAt: now },
}

const cipher = new SessionCipher({ secret })
const cookie = cipher.seal(session, now + 86400)
const unsealed = cipher.unseal(cookie)

console.log('secret (generated, 32 random bytes):', '<hidden>')
console.log(`sealed __session cookie (${cookie.length} bytes):\n  ${cookie.slice(0, 72)}…`)
console.log('unsealed by session-seal:', JSON.stringify(unsealed.user), `exp=${unsealed.exp}`)

try {
  const sdk = await import('@auth0/nextjs-auth0/dist/server/cookies.js').catch(() =>
    import(require.resolve('@auth0/nextjs-auth0').replace(/client[\\/]index\.js$/, 'server/cookies.js')),
  )
  const read = await sdk.decrypt(cookie, secret)
  const same = JSON.stringify(read.payload) === JSON.stringify(unsealed)
  console.log('read by @auth0/nextjs-auth0 decrypt:', JSON.stringify(read.payload.user), same ? '(identical)' : '(DIFFERENT!)')
  if (!same) process.exitCode = 1
} catch (error) {
  console.log('(the @auth0/nextjs-auth0 dev dependency is not installed, skipping the SDK read)', error.code ?? '')
}

const rounds = 20000
const start = performance.now()
for (let i = 0; i < rounds; i++) cipher.unseal(cipher.seal(session, now + 86400))
const micros = ((performance.now() - start) * 1000) / rounds
console.log(`seal + unseal round trip: ${micros.toFixed(1)} µs (mean of ${rounds}; \`npm run bench\` compares properly)`)
