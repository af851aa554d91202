// Everything the bench compares, set up the way an app would run it, plus the interoperability checks that
// prove every side reads the same cookies (run at the start of every bench).

import { createRequire } from 'node:module'
import { webcrypto, hkdfSync } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import assert from 'node:assert/strict'

import { NodeCryptoCipher } from './floor.mjs'

const require = createRequire(import.meta.url)

export const addon = require('../index.js')

/**
 * The WebAssembly package as a user of the fallback loads it (npm/wasm32-wasi, its own entry), beside the
 * native addon in the same process; `null` with the reason when it is not built or cannot load here
 * (`npm run bench` builds it first).
 */
export const { wasm, wasmMissing } = (() => {
  try {
    return { wasm: require('../npm/wasm32-wasi/session-seal.wasi.cjs'), wasmMissing: null }
  } catch (error) {
    return { wasm: null, wasmMissing: error.message }
  }
})()
const sdkDir = new URL('../node_modules/@auth0/nextjs-auth0/dist/server/', import.meta.url)
export const sdk = await import(new URL('cookies.js', sdkDir).href)
export const { normalizeStatelessSession } = await import(new URL('session/normalize-session.js', sdkDir).href)
export const sdkStore = await import(new URL('session/stateless-session-store.js', sdkDir).href)
export const jose = await import(pathToFileURL(require.resolve('jose')).href)
export const iron = await import(pathToFileURL(require.resolve('iron-session')).href)

/** A 64-hex-character secret, as `openssl rand -hex 32` makes. */
export const SECRET = 'a3f1c9e47b2d8f6051e9c3a7d4b8f2e6c1a9d7e3f5b2c8a4e6d1f9b3c7a5e2d8'
/** Large enough for the ~60 KB session's ~81 KB cookie (the default, 64 KiB, is a cookie-header budget). */
export const MAX_COOKIE_BYTES = 1 << 17
/** The drop-ins use the default limit: cookies over it are treated as absent, so those cells are n/a. */
export const DROP_IN_MAX_COOKIE_BYTES = 65536

export async function setup() {
  const cipher = new addon.SessionCipher({ secret: SECRET, maxCookieBytes: MAX_COOKIE_BYTES })
  const floor = new NodeCryptoCipher({ secret: SECRET, maxCookieBytes: MAX_COOKIE_BYTES })
  const raw = new Uint8Array(hkdfSync('sha256', SECRET, '', 'JWE CEK', 32))
  // jose's fastest key form in Node (measured: faster than a Uint8Array or a KeyObject): a CryptoKey.
  const joseKey = await webcrypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
  const cookies = typeof addon.SessionCookies === 'function' ? makeCookies() : null
  const wasmCipher = wasm && new wasm.SessionCipher({ secret: SECRET, maxCookieBytes: MAX_COOKIE_BYTES })
  return { cipher, floor, joseKey, cookies, wasmCipher }
}

/** The cookie layer, when this build has it (a baseline build from before the cookie layer lacks it). */
function makeCookies() {
  try {
    return new addon.SessionCookies({ secret: SECRET, maxCookieBytes: MAX_COOKIE_BYTES })
  } catch {
    try {
      return new addon.SessionCookies({ secret: SECRET })
    } catch {
      return null
    }
  }
}

export const epochSeconds = () => Math.floor(Date.now() / 1000)

const withExp = (session, exp) => ({ ...session, exp })

/** Proves every implementation reads the others' cookies before anything is timed. */
export async function checkInterop(impl, session) {
  const { cipher, floor, joseKey, wasmCipher } = impl
  const exp = epochSeconds() + 86400
  const expected = withExp(session, exp)

  const ours = cipher.seal(session, exp)
  const fromFloor = floor.seal(session, exp)
  const fromSdk = await sdk.encrypt(session, SECRET, exp)
  const fromJose = await new jose.EncryptJWT(session)
    .setProtectedHeader({ enc: 'A256GCM', alg: 'dir' })
    .setExpirationTime(exp)
    .encrypt(joseKey)

  // node:crypto floor ⇄ session-seal, both ways, and both ⇄ the SDK.
  assert.deepEqual(cipher.unseal(fromFloor), expected, 'session-seal reads the node:crypto floor')
  assert.deepEqual(floor.unseal(ours), expected, 'the node:crypto floor reads session-seal')
  assert.deepEqual(floor.unseal(fromSdk), expected, 'the node:crypto floor reads the SDK')
  assert.deepEqual(normalizeStatelessSession(await sdk.decrypt(fromFloor, SECRET)), expected, 'the SDK reads the floor')
  assert.deepEqual(cipher.unseal(fromSdk), expected, 'session-seal reads the SDK')
  assert.deepEqual(cipher.unseal(fromJose), expected, 'session-seal reads jose')
  assert.deepEqual(normalizeStatelessSession(await sdk.decrypt(ours, SECRET)), expected, 'the SDK reads session-seal')
  assert.deepEqual(cipher.open(ours).payload, expected)
  assert.equal(cipher.open(ours).keyIndex, 0)
  if (wasmCipher) {
    // The WebAssembly build reads the SDK's and the native cookies, and both read its own.
    const fromWasm = wasmCipher.seal(session, exp)
    assert.deepEqual(JSON.parse(JSON.stringify(wasmCipher.unseal(fromSdk))), expected, 'WASM reads the SDK')
    assert.deepEqual(JSON.parse(JSON.stringify(wasmCipher.unseal(ours))), expected, 'WASM reads the native addon')
    assert.deepEqual(cipher.unseal(fromWasm), expected, 'the native addon reads WASM')
    assert.deepEqual(normalizeStatelessSession(await sdk.decrypt(fromWasm, SECRET)), expected, 'the SDK reads WASM')
  }
  // The same plaintext under the same header: the floor's cookie differs from ours only in IV, ciphertext, tag.
  assert.equal(ours.split('.')[0], fromFloor.split('.')[0])
  assert.equal(ours.length, fromFloor.length)

  if (ours.length <= DROP_IN_MAX_COOKIE_BYTES) {
    const dropIn = await addon.encrypt(session, SECRET, exp)
    assert.deepEqual((await sdk.decrypt(dropIn, SECRET)).payload, expected, 'the SDK reads the drop-in encrypt')
    const { payload, protectedHeader } = await addon.decrypt(fromSdk, SECRET)
    assert.deepEqual({ payload, protectedHeader }, await sdk.decrypt(fromSdk, SECRET), 'drop-in decrypt = SDK decrypt')
  }
  const sealed = await iron.sealData(session, { password: SECRET })
  assert.deepEqual(await iron.unsealData(sealed, { password: SECRET }), session)
  return { cookie: ours, sdkCookie: fromSdk, ironCookie: sealed, exp }
}
