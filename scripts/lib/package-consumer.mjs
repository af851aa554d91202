// Copied into a fresh project that installed the packed tarballs, and run there by the Node under test
// (`node consumer.mjs <sdk cookies.js path>`): it uses session-seal as a user would — require (CommonJS) and
// import (ESM) by package name — and round-trips sessions with the real SDK both ways. Prints one JSON line.
import { createRequire } from 'node:module'
import crypto from 'node:crypto'
import { pathToFileURL } from 'node:url'
import * as esm from 'session-seal'

const require = createRequire(import.meta.url)
const cjs = require('session-seal')
const sdk = await import(pathToFileURL(process.argv[2]).href)

const secret = crypto.randomBytes(32).toString('hex')
const now = Math.floor(Date.now() / 1000)
const session = {
  user: { sub: `auth0|${crypto.randomBytes(8).toString('hex')}`, name: `Zoë ${crypto.randomInt(1e6)} 李`, email_verified: true },
  tokenSet: { accessToken: crypto.randomBytes(24).toString('base64url'), scope: 'openid profile', expiresAt: now + 3600 },
  internal: { sid: crypto.randomBytes(16).toString('base64url'), createdAt: now },
}
const json = (value) => JSON.stringify(value)

// Seal here, open with the SDK's own decrypt.
const cipher = new esm.SessionCipher({ secret })
const sealed = cipher.seal(session, now + 3600)
const opened = await sdk.decrypt(sealed, secret)
const { exp, ...sdkPayload } = opened.payload

// Seal with the SDK's encrypt, open here (through the CommonJS export).
const sdkSealed = await sdk.encrypt(session, secret, now + 3600)
const { exp: unsealedExp, ...unsealed } = new cjs.SessionCipher({ secret }).unseal(sdkSealed)

// One SessionCookies write → read, and the SDK opening the cookie it wrote.
const jar = new esm.SessionCookies({ secret })
const written = jar.write(session, '')
const header = written.filter((c) => c.value !== '').map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join('; ')
const { exp: readExp, ...read } = /** @type {Record<string, any>} */ (jar.read(header) ?? {})
const cookie = written.find((c) => c.name === '__session')
const sdkRead = cookie ? await sdk.decrypt(cookie.value, secret) : null

// The subpath exports resolve from the installed tarball, both ways: session-seal/next, its config helper,
// session-seal/redis (its store needs no Redis client to be made; the StoreCipher under it is the addon's).
const nextCjs = require('session-seal/next')
const nextEsm = await import('session-seal/next')
const { withSessionSeal } = require('session-seal/next/config')
const redisCjs = require('session-seal/redis')
const redisEsm = await import('session-seal/redis')
const subpaths =
  typeof nextCjs.createSessions === 'function' &&
  (nextEsm.createSessions ?? nextEsm.default?.createSessions) === nextCjs.createSessions &&
  typeof withSessionSeal === 'function' &&
  typeof redisCjs.createRedisSessionStore === 'function' &&
  (redisEsm.createRedisSessionStore ?? redisEsm.default?.createRedisSessionStore) === redisCjs.createRedisSessionStore

const loaded = Object.keys(require.cache).filter((file) => /\.(node|wasm|wasi\.cjs)$/.test(file))
console.log(
  json({
    node: process.version,
    arch: process.arch,
    binding: esm.__napiBindingTarget,
    loaded,
    sameModule: esm.SessionCipher === cjs.SessionCipher,
    subpaths,
    sealedBySdkOpened: json(sdkPayload) === json(session) && exp === now + 3600,
    sdkSealedOpenedHere: json(unsealed) === json(session) && unsealedExp === now + 3600,
    cookiesRoundTrip: json(read) === json(session) && readExp > now,
    cookieOpenedBySdk: sdkRead !== null && sdkRead.payload.user.sub === session.user.sub,
    // The cookies set with a value (the rest are the SDK's deletions of stale chunks).
    cookieNames: written.filter((c) => c.value !== '').map((c) => c.name),
  }),
)
