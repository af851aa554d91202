'use strict'

// The run-time half of withSessionSeal (`session-seal/next/sdk-crypto`; `sdkCryptoStatus` is also exported
// by `session-seal/next`). The SDK's rewritten `cookies.js` hands its own `encrypt`/`decrypt` to
// `installSdkCrypto` and exports what comes back: session-seal's native drop-ins, used for a secret only
// after a self-test with that secret has passed against the SDK's own functions, and falling back to those
// functions for anything the native side does not answer exactly as the SDK would:
//
// - decrypt: a success is returned; a cookie jose refuses with one of the codes that release of the SDK
//   turns into `null` (its variant's `absent`, next/sdk-variants.js) is `null` when the SDK's own decrypt
//   would return `null` (no throwOnJWEErrors); every other outcome (throwOnJWEErrors on, an algorithm,
//   `zip` or option session-seal does not implement, an oversized cookie, a non-string argument) is handed
//   to the SDK's function, so the caller gets the SDK's own result or error object.
// - encrypt: a success is returned; any refusal is handed to the SDK's function.
//
// State is per process (on globalThis, so every bundle that carries a copy of the SDK shares it): the
// kill-switch, counters, and the one log line.

const crypto = require('node:crypto')
const { VARIANTS, verifiedVariant } = require('./sdk-variants.js')

/** `SESSION_SEAL_SDK_CRYPTO=off` (or `0`, `false`): the SDK keeps its own cookie crypto, at build and run time. */
const KILL_SWITCH = 'SESSION_SEAL_SDK_CRYPTO'

/** @param {Record<string, string | undefined>} [env] */
const killSwitchOn = (env = process.env) => ['off', '0', 'false'].includes(String(env[KILL_SWITCH] ?? '').trim().toLowerCase())

/** Distinct secrets whose self-test result is remembered per installation (the SDK uses one or two). */
const SELF_TESTS_KEPT = 16

const STATE_KEY = Symbol.for('session-seal.sdk-crypto.v1')

/**
 * @typedef {(payload: Record<string, unknown>, secret: string, expiration?: unknown, additionalHeaders?: Record<string, unknown>) => Promise<string>} Encrypt
 * @typedef {(cookieValue: unknown, secret: unknown, options?: unknown, throwOnJWEErrors?: unknown) => Promise<any>} Decrypt
 * @typedef {{ encrypt: Encrypt, decrypt: Decrypt }} CookieCrypto
 * @typedef {{ encrypt: (...args: any[]) => Promise<string>, decrypt: (...args: any[]) => Promise<any> }} Addon
 * @typedef {{ encrypt: number, decrypt: number }} Counts
 * @typedef {{
 *   installs: number, sdkVersion: string | null, disabled: boolean | null, addon: Addon | null | undefined,
 *   addonError: unknown, selfTestsPassed: number, selfTestFailure: string | null, refusal: string | null,
 *   calls: Counts, fallbacks: Counts, logged: boolean,
 * }} State
 */

/** @returns {State} */
function state() {
  const store = /** @type {Record<symbol, State | undefined>} */ (/** @type {unknown} */ (globalThis))
  store[STATE_KEY] ??= {
    installs: 0,
    sdkVersion: null,
    disabled: null, // read once, at the first installation
    addon: undefined, // the native module, `null` when it could not be loaded
    addonError: null,
    selfTestsPassed: 0,
    selfTestFailure: null,
    refusal: null,
    calls: { encrypt: 0, decrypt: 0 },
    fallbacks: { encrypt: 0, decrypt: 0 },
    logged: false,
  }
  return store[STATE_KEY]
}

/**
 * The one log line saying which path serves the SDK's cookie crypto in this process.
 * @param {'info' | 'warn'} level @param {string} message
 */
function logOnce(level, message) {
  const s = state()
  if (s.logged) return
  s.logged = true
  console[level](`session-seal: ${message}`)
}

/** @param {State} s */
function loadAddon(s) {
  if (s.addon === undefined) {
    try {
      s.addon = require('../index.js')
    } catch (error) {
      s.addon = null
      s.addonError = error
    }
  }
  return s.addon
}

/**
 * A cookie with one ciphertext character changed (the first of the fourth segment).
 * @param {string} cookie
 */
function tampered(cookie) {
  const parts = cookie.split('.')
  parts[3] = (parts[3][0] === 'A' ? 'B' : 'A') + parts[3].slice(1)
  return parts.join('.')
}

/** @param {unknown} value */
const json = (value) => JSON.stringify(value)

/**
 * Native seal → SDK open, SDK seal → native open (equal to the SDK's own result), tampered → refused by
 * both. Resolves to `true`, or to an Error saying which step failed. JSON text is compared: the payloads are
 * JSON anyway, and objects made by the addon may come from another realm than the SDK's (e.g. in Jest).
 * @param {Addon} addon @param {CookieCrypto} originals @param {string} secret
 * @param {Set<string>} absent the codes this release's decrypt turns into `null`
 * @returns {Promise<true | Error>}
 */
async function selfTest(addon, originals, secret, absent) {
  const now = Math.floor(Date.now() / 1000)
  const exp = now + 300
  const probe = () => ({
    user: { sub: `self-test|${crypto.randomBytes(9).toString('base64url')}`, name: 'Zoë “self-test” 🍪' },
    internal: { sid: crypto.randomBytes(16).toString('hex'), createdAt: now },
    list: [1, 2.5, null, true, { nested: 'é\u2028' }],
  })
  try {
    const first = probe()
    const byNative = await addon.encrypt(first, secret, exp)
    const readBySdk = await originals.decrypt(byNative, secret)
    if (!readBySdk || json(readBySdk.payload) !== json({ ...first, exp }) || json(readBySdk.protectedHeader) !== json({ enc: 'A256GCM', alg: 'dir' })) {
      return new Error('a cookie sealed natively is not read back by the SDK as sealed')
    }
    const second = probe()
    const bySdk = await originals.encrypt(second, secret, exp, { iat: now, uat: now, exp })
    const readNatively = await addon.decrypt(bySdk, secret, undefined, true)
    const readBySdkItself = await originals.decrypt(bySdk, secret)
    if (json(readNatively) !== json(readBySdkItself) || json(readNatively.payload) !== json({ ...second, exp })) {
      return new Error('a cookie sealed by the SDK is not read natively as the SDK reads it')
    }
    const bad = tampered(bySdk)
    /** @param {Promise<unknown>} call */
    const refusal = (call) =>
      call.then(
        (value) => (value === null ? 'null' : 'accepted'),
        (/** @type {{ code?: string }} */ error) => String(error?.code),
      )
    const nativeBad = await refusal(addon.decrypt(bad, secret, undefined, true))
    // Releases that turn a failed decryption into `null` say so; the earlier ones throw jose's error.
    const sdkExpected = absent.has('ERR_JWE_DECRYPTION_FAILED') ? 'null' : 'ERR_JWE_DECRYPTION_FAILED'
    const sdkBad = await refusal(originals.decrypt(bad, secret))
    if (nativeBad !== 'ERR_JWE_DECRYPTION_FAILED' || sdkBad !== sdkExpected) {
      return new Error(`a tampered cookie is not refused as the SDK refuses it (native: ${nativeBad}, SDK: ${sdkBad})`)
    }
    return true
  } catch (error) {
    return new Error(`the self-test threw: ${messageOf(error)}`)
  }
}

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error))

/**
 * The variant of the SDK's cookies.js the rewrite found (next/sdk-variants.js), or, from a rewrite that
 * names none, the one its version was verified with; `null` when this session-seal knows neither.
 * @param {{ sdkVersion?: unknown, variant?: unknown }} meta
 */
function variantOf(meta) {
  const name = typeof meta.variant === 'string' ? meta.variant : verifiedVariant(meta.sdkVersion)
  return name !== undefined && Object.hasOwn(VARIANTS, name) ? VARIANTS[name] : null
}

/**
 * Called by the rewritten SDK module with its own `encrypt`/`decrypt`; returns the pair it exports. Not for
 * apps: use `withSessionSeal` in next.config. A shape of the SDK's module this session-seal does not know
 * (a rewrite made by another version of it) gets the SDK's own functions back, with a warning.
 * @param {import('./sdk-crypto').SdkCookieCrypto} originals
 * @param {{ sdkVersion?: unknown, variant?: unknown }} [meta]
 * @returns {CookieCrypto}
 */
function installSdkCrypto(originals, meta = {}) {
  if (typeof originals?.encrypt !== 'function' || typeof originals?.decrypt !== 'function') {
    throw new TypeError('installSdkCrypto needs the SDK\'s encrypt and decrypt functions')
  }
  const s = state()
  s.installs++
  s.sdkVersion ??= typeof meta.sdkVersion === 'string' ? meta.sdkVersion : null
  s.disabled ??= killSwitchOn()
  // The SDK's own pair, called with what the SDK passes to the pair returned (its release's own arguments).
  const sdk = /** @type {CookieCrypto} */ ({ encrypt: originals.encrypt, decrypt: originals.decrypt })
  if (s.disabled) {
    logOnce('info', `@auth0/nextjs-auth0 cookie crypto runs on the SDK's JavaScript (${KILL_SWITCH}=${process.env[KILL_SWITCH]})`)
    return sdk
  }
  const known = variantOf(meta)
  if (!known) {
    s.refusal ??= `this session-seal does not know the shape of @auth0/nextjs-auth0 ${String(meta.sdkVersion)}'s cookies.js (${String(meta.variant ?? 'none named')})`
    logOnce('warn', `@auth0/nextjs-auth0 cookie crypto runs on the SDK's JavaScript: ${s.refusal}`)
    return sdk
  }
  const variant = known
  const absent = new Set(variant.absent)
  const loaded = loadAddon(s)
  if (!loaded) {
    logOnce('warn', `@auth0/nextjs-auth0 cookie crypto runs on the SDK's JavaScript: the native addon did not load (${messageOf(s.addonError)})`)
    return sdk
  }
  const addon = loaded

  // Self-test results by a digest of the secret (never the secret itself), most recent last.
  /** @type {Map<string, Promise<boolean>>} */
  const verdicts = new Map()
  /** @param {unknown} secret @returns {boolean | Promise<boolean>} */
  function verified(secret) {
    if (typeof secret !== 'string') return false // not what the SDK passes: leave it to the SDK
    const digest = crypto.createHash('sha256').update(secret).digest('base64')
    let verdict = verdicts.get(digest)
    if (verdict === undefined) {
      verdict = selfTest(addon, sdk, secret, absent).then((outcome) => {
        if (outcome === true) {
          s.selfTestsPassed++
          logOnce('info', `@auth0/nextjs-auth0 ${s.sdkVersion ?? ''} cookie crypto runs natively (self-test passed)`)
          return true
        }
        s.selfTestFailure ??= outcome.message
        // Always said, even after the line above: a secret the native path refuses to serve is news.
        s.logged = true
        console.warn(`session-seal: self-test failed (${outcome.message}); @auth0/nextjs-auth0 keeps its own cookie crypto for this secret`)
        return false
      })
      verdicts.set(digest, verdict)
      const oldest = verdicts.keys().next()
      if (verdicts.size > SELF_TESTS_KEPT && !oldest.done) verdicts.delete(oldest.value)
    }
    return verdict
  }

  /** @type {Encrypt} */
  async function encrypt(payload, secret, expiration, additionalHeaders) {
    if (await verified(secret)) {
      try {
        const cookie = await addon.encrypt(payload, secret, expiration, additionalHeaders)
        s.calls.encrypt++
        return cookie
      } catch {
        // Refused natively (e.g. a header naming another algorithm): the SDK decides, as it always did.
      }
    }
    s.fallbacks.encrypt++
    return sdk.encrypt(payload, secret, expiration, additionalHeaders)
  }

  /** @type {Decrypt} */
  async function decrypt(cookieValue, secret, options, throwOnJWEErrors) {
    // Releases before throwOnJWEErrors ignore a fourth argument: their decrypt never throws on request.
    const throws = variant.throwOption && Boolean(throwOnJWEErrors)
    if (typeof cookieValue === 'string' && (await verified(secret))) {
      try {
        const result = await addon.decrypt(cookieValue, secret, options, true)
        s.calls.decrypt++
        return result
      } catch (error) {
        const code = /** @type {{ code?: unknown }} */ (error)?.code
        if (!throws && typeof code === 'string' && absent.has(code)) {
          s.calls.decrypt++
          return null
        }
      }
    }
    s.fallbacks.decrypt++
    return sdk.decrypt(cookieValue, secret, options, throwOnJWEErrors)
  }

  return { encrypt, decrypt }
}

/**
 * Whether the SDK's cookie crypto runs natively in this process, why (or why not), and how many SDK
 * `encrypt`/`decrypt` calls session-seal answered (`calls`) or handed back to the SDK's JavaScript
 * (`fallbacks`).
 */
function sdkCryptoStatus() {
  const s = state()
  /** @type {import('./sdk-crypto').SdkCryptoReason} */
  let reason
  if (s.installs === 0) reason = 'not-installed'
  else if (s.disabled) reason = 'disabled'
  else if (s.refusal) reason = 'unknown-sdk'
  else if (!s.addon) reason = 'addon-unavailable'
  else if (s.selfTestFailure) reason = 'self-test-failed'
  else reason = 'native'
  return {
    active: reason === 'native',
    reason,
    sdkVersion: s.sdkVersion,
    selfTestsPassed: s.selfTestsPassed,
    calls: { ...s.calls },
    fallbacks: { ...s.fallbacks },
  }
}

// A literal of names, so that Node's ESM import finds each export (its CommonJS lexer reads this statement).
module.exports = { sdkCryptoStatus, installSdkCrypto, killSwitchOn, KILL_SWITCH }

/**
 * The exports are what sdk-crypto.d.ts declares: no name it lacks, and each one assignable to its declaration
 * (`tsc --checkJs` fails here otherwise).
 * @type {[keyof typeof module.exports] extends [keyof typeof import('./sdk-crypto')] ? typeof import('./sdk-crypto') : never}
 */
const exportsAsDeclared = module.exports
void exportsAsDeclared
