'use strict'

// The fingerprint withSessionSeal relies on, and the one rewrite it makes: the SDK versions it is verified
// against, the exact signatures it replaces in the SDK's `dist/server/cookies.js`, and the rewritten source.
// Used at config time (next/config.js), by the bundler loader (next/sdk-loader.js) and by the fingerprint
// test, so that a new SDK release that changes the file fails loudly instead of being patched blindly.

const SDK_PACKAGE = '@auth0/nextjs-auth0'

/** The SDK's module every cookie seal and open goes through (its session and transaction stores import it). */
const COOKIES_MODULE = 'dist/server/cookies.js'

/** Matches that module's path in either bundler, whatever the package manager's layout. */
const COOKIES_PATH = /[\\/]@auth0[\\/]nextjs-auth0[\\/]dist[\\/]server[\\/]cookies\.js$/

/**
 * The SDK versions whose `cookies.js` has been verified (fingerprint test, e2e, self-test): at least `min`,
 * below `below`. Widen only after the fingerprint test and the e2e suite pass on the new release.
 */
const VERIFIED = { min: '4.30.0', below: '4.31.0' }

/** The declarations replaced, each of which must occur exactly once. The SDK's originals keep their bodies. */
const SIGNATURES = {
  encrypt: 'export async function encrypt(payload, secret, expiration, additionalHeaders) {',
  decrypt: 'export async function decrypt(cookieValue, secret, options, throwOnJWEErrors) {',
}

/** What the SDK's originals are renamed to: still in the module, no longer exported. */
const ORIGINALS = {
  encrypt: 'async function sessionSeal$sdkEncrypt(payload, secret, expiration, additionalHeaders) {',
  decrypt: 'async function sessionSeal$sdkDecrypt(cookieValue, secret, options, throwOnJWEErrors) {',
}

/** `major.minor.patch` without a pre-release tag, as numbers; `null` for anything else. */
function parseVersion(text) {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(String(text))
  return match ? match.slice(1).map(Number) : null
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

/** Whether `version` lies in the verified range; pre-releases never do. */
function isVerifiedVersion(version) {
  const v = parseVersion(version)
  return v !== null && compare(v, parseVersion(VERIFIED.min)) >= 0 && compare(v, parseVersion(VERIFIED.below)) < 0
}

const verifiedRange = () => `>=${VERIFIED.min} <${VERIFIED.below}`

function occurrences(text, needle) {
  let count = 0
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++
  return count
}

/**
 * Checks the SDK's `cookies.js` source: `{ ok: true }` when every signature occurs exactly once and the file
 * has not been rewritten already, otherwise `{ ok: false, reason }`.
 */
function checkSignatures(source) {
  if (source.includes('sessionSeal$sdkEncrypt')) return { ok: false, reason: 'the file is already rewritten' }
  for (const [name, signature] of Object.entries(SIGNATURES)) {
    const count = occurrences(source, signature)
    if (count !== 1) return { ok: false, reason: `the signature of ${name} occurs ${count} times, not once: \`${signature}\`` }
  }
  return { ok: true }
}

/**
 * The rewritten module: the SDK's own `encrypt`/`decrypt` are kept under other names and the exported ones
 * go through session-seal (`installSdkCrypto` in next/sdk-crypto.js), which falls back to the originals.
 * session-seal is imported by Node at run time, not by the bundler: a bundler would bundle it (native addon
 * included, which fails) into Pages Router routes, where the SDK is transpiled; and a missing or unloadable
 * package leaves the SDK working. (withSessionSeal adds session-seal to the output file tracing instead.)
 * Returns `{ ok: true, code }` or `{ ok: false, reason }` (then the file must be left alone).
 */
function rewriteCookiesModule(source, { sdkVersion }) {
  const check = checkSignatures(source)
  if (!check.ok) return check
  let code = source
  for (const name of Object.keys(SIGNATURES)) code = code.replace(SIGNATURES[name], ORIGINALS[name])
  code += `
// ---- Added by session-seal's withSessionSeal (next.config): the exported encrypt/decrypt run on
// session-seal's native drop-ins once their self-test passes; the SDK's own functions above are the fallback.
const sessionSeal$originals = { encrypt: sessionSeal$sdkEncrypt, decrypt: sessionSeal$sdkDecrypt };
let sessionSeal$crypto;
const sessionSeal$loading = import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "session-seal/next").then(
  (m) => (sessionSeal$crypto = (m.installSdkCrypto || m.default.installSdkCrypto)(sessionSeal$originals, { sdkVersion: ${JSON.stringify(String(sdkVersion))} })),
  (error) => {
    console.warn("session-seal: could not load session-seal/next, @auth0/nextjs-auth0 keeps its own cookie crypto:", error && error.message);
    return (sessionSeal$crypto = sessionSeal$originals);
  }
);
export async function encrypt(payload, secret, expiration, additionalHeaders) {
  return (sessionSeal$crypto || (await sessionSeal$loading)).encrypt(payload, secret, expiration, additionalHeaders);
}
export async function decrypt(cookieValue, secret, options, throwOnJWEErrors) {
  return (sessionSeal$crypto || (await sessionSeal$loading)).decrypt(cookieValue, secret, options, throwOnJWEErrors);
}
`
  return { ok: true, code }
}

module.exports = {
  SDK_PACKAGE,
  COOKIES_MODULE,
  COOKIES_PATH,
  VERIFIED,
  SIGNATURES,
  isVerifiedVersion,
  verifiedRange,
  checkSignatures,
  rewriteCookiesModule,
}
