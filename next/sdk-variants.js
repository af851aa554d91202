'use strict'

// The shapes of the SDK's `dist/server/cookies.js` that withSessionSeal knows, and which releases carry
// them. Every 4.x release's file was read (`npm run check:sdk-versions`): `encrypt` and `decrypt` changed
// in a handful of releases, and each shape is told apart by the exact text of the two functions (a
// SHA-256 "fingerprint"), never by the version number alone. The verified releases are in
// next/sdk-versions.json, which that script writes.

const crypto = require('node:crypto')

/** @type {{ nextjs: string, verified: Record<string, string>, refused: Record<string, string> }} */
const versions = require('./sdk-versions.json')

/** The key derivation and algorithms every 4.x release uses; a file without them is not the SDK's. */
const CONSTANTS = [
  'const ENC = "A256GCM";',
  'const ALG = "dir";',
  'const DIGEST = "sha256";',
  'const BYTE_LENGTH = 32;',
  'const ENCRYPTION_INFO = "JWE CEK";',
]

const ENCRYPT = 'export async function encrypt(payload, secret, expiration, additionalHeaders) {'
const DECRYPT_3 = 'export async function decrypt(cookieValue, secret, options) {'
const DECRYPT_4 = 'export async function decrypt(cookieValue, secret, options, throwOnJWEErrors) {'

/**
 * The shapes session-seal's drop-ins can stand in for, named by the first release that had each. They all
 * seal `{ ...payload, exp }` under `{ enc, alg, ...additionalHeaders }` and open with jose's 15 s clock
 * tolerance; they differ in which jose errors `decrypt` turns into `null` (`absent`) and whether it takes
 * `throwOnJWEErrors`. Every other outcome is handed to the SDK's own function.
 */
/** @type {Record<string, { signatures: { encrypt: string, decrypt: string }, absent: string[], throwOption: boolean, fingerprint: string }>} */
const VARIANTS = {
  '4.6.0': {
    signatures: { encrypt: ENCRYPT, decrypt: DECRYPT_3 },
    absent: [],
    throwOption: false,
    fingerprint: '4e99f519a420996bfaf370a7756d35a8f128f69b1fcac9814d1c1763a1cc5879',
  },
  '4.9.0': {
    signatures: { encrypt: ENCRYPT, decrypt: DECRYPT_3 },
    absent: ['ERR_JWT_EXPIRED'],
    throwOption: false,
    fingerprint: '7d4f90b497bbe53672ef801a24262d748487181ad63970bbbf81c24ba9d9ea77',
  },
  '4.14.1': {
    signatures: { encrypt: ENCRYPT, decrypt: DECRYPT_3 },
    absent: ['ERR_JWE_DECRYPTION_FAILED', 'ERR_JWT_EXPIRED'],
    throwOption: false,
    fingerprint: 'cd38d4f384871164cc3e709bdac0308cedf0a1d200671a0a78fa800e9d04e102',
  },
  '4.15.0': {
    signatures: { encrypt: ENCRYPT, decrypt: DECRYPT_4 },
    absent: ['ERR_JWE_DECRYPTION_FAILED', 'ERR_JWT_EXPIRED'],
    throwOption: true,
    fingerprint: 'b564bb3b95bb8f843beb14b9331fbdc536334778057ded5d29ac827e81e85eeb',
  },
  '4.17.0': {
    signatures: { encrypt: ENCRYPT, decrypt: DECRYPT_4 },
    absent: ['ERR_JWE_INVALID', 'ERR_JWE_DECRYPTION_FAILED', 'ERR_JWT_EXPIRED'],
    throwOption: true,
    fingerprint: '5f36e9c86b631d9d6da7baec5237f47c3addc7cfb1b994eeab4e45fc59f8391c',
  },
}

/** The shapes of earlier releases, told apart by their signatures, and why session-seal leaves them alone. */
const UNSUPPORTED = [
  {
    signatures: ['export async function encrypt(payload, secret) {', 'export async function decrypt(cookieValue, secret) {'],
    reason: 'its decrypt returns the payload alone and its encrypt sets no expiry, which session-seal\'s drop-ins do not do',
  },
  {
    signatures: ['export async function encrypt(payload, secret, additionalHeaders) {'],
    reason: 'its encrypt sets no expiry and its decrypt applies no clock tolerance, where session-seal\'s apply the SDK\'s 15 s',
  },
  {
    signatures: [ENCRYPT, 'export async function decrypt(cookieValue, secret) {'],
    reason: 'its decrypt applies no clock tolerance, where session-seal\'s applies the SDK\'s 15 s',
  },
]

/** @param {string} text @param {string} needle */
function occurrences(text, needle) {
  let count = 0
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++
  return count
}

/**
 * The text of the top-level function that starts with `signature`, to the `}` that closes it.
 * @param {string} source @param {string} signature
 */
function functionText(source, signature) {
  const start = source.indexOf(signature)
  const end = source.indexOf('\n}\n', start)
  return start === -1 || end === -1 ? null : source.slice(start, end + 2)
}

/**
 * SHA-256 (hex) of the exact text of `encrypt` and `decrypt` under these signatures.
 * @param {string} source @param {{ encrypt: string, decrypt: string }} signatures
 */
function fingerprint(source, signatures) {
  const texts = [functionText(source, signatures.encrypt), functionText(source, signatures.decrypt)]
  if (texts.includes(null)) return null
  return crypto.createHash('sha256').update(texts.join('\n')).digest('hex')
}

/**
 * Which known shape the SDK's `cookies.js` has: `{ variant }`, or `{ reason }` when it is none session-seal
 * stands in for (already rewritten, a shape it does not implement, or an unknown one).
 * @param {string} source
 * @returns {{ variant: string, reason?: undefined } | { variant?: undefined, reason: string }}
 */
function identify(source) {
  if (source.includes('sessionSeal$sdkEncrypt')) return { reason: 'the file is already rewritten' }
  const missing = CONSTANTS.find((line) => !source.includes(line))
  if (missing) return { reason: `the file lacks \`${missing}\`` }
  for (const [variant, shape] of Object.entries(VARIANTS)) {
    const signatures = Object.values(shape.signatures)
    if (!signatures.every((s) => occurrences(source, s) === 1)) continue
    if (fingerprint(source, shape.signatures) === shape.fingerprint) return { variant }
  }
  for (const { signatures, reason } of UNSUPPORTED) {
    if (signatures.every((s) => source.includes(s))) return { reason }
  }
  return { reason: 'its encrypt and decrypt match none of the shapes session-seal knows (a release newer than this session-seal?)' }
}

/**
 * The variant a release was verified with (next/sdk-versions.json), or `undefined`.
 * @param {unknown} version
 * @returns {string | undefined}
 */
const verifiedVariant = (version) => (typeof version === 'string' && Object.hasOwn(versions.verified, version) ? versions.verified[version] : undefined)

/**
 * Why a release is not verified: the reason the check recorded, or that it was not checked.
 * @param {unknown} version
 */
function unverifiedReason(version) {
  if (typeof version === 'string' && Object.hasOwn(versions.refused, version)) return versions.refused[version]
  return `it is not among the releases verified by this session-seal (${verifiedSummary()})`
}

/** `4.13.0 to 4.30.0` (every release in between is listed in next/sdk-versions.json). */
function verifiedSummary() {
  const list = Object.keys(versions.verified)
  return list.length === 0 ? 'none' : `${list[0]} to ${list[list.length - 1]}`
}

module.exports = { CONSTANTS, VARIANTS, identify, fingerprint, functionText, verifiedVariant, unverifiedReason, verifiedSummary, versions }
