'use strict'

// The one rewrite withSessionSeal makes, of the SDK's `dist/server/cookies.js`: its own `encrypt`/`decrypt`
// stay in the module under other names, and the exported ones go through session-seal. Only a release
// verified by `npm run check:sdk-versions` whose file has the shape it was verified with is rewritten
// (next/sdk-variants.js); anything else is left alone, with the reason. Used at config time
// (next/config.js), by the bundler loader (next/sdk-loader.js) and by the tests.

const { VARIANTS, identify, verifiedVariant, unverifiedReason, verifiedSummary } = require('./sdk-variants.js')

const SDK_PACKAGE = '@auth0/nextjs-auth0'

/** Matches the SDK's cookies module in either bundler, whatever the package manager's layout. */
const COOKIES_PATH = /[\\/]@auth0[\\/]nextjs-auth0[\\/]dist[\\/]server[\\/]cookies\.js$/

/** The module session-seal's run time is imported from (its own subpath, so nothing else of it loads). */
const RUNTIME_MODULE = 'session-seal/next/sdk-crypto'

/**
 * Whether `version` is a release verified by this session-seal (pre-releases never are).
 * @param {unknown} version
 */
const isVerifiedVersion = (version) => verifiedVariant(version) !== undefined

/**
 * Why the SDK at `version` is left alone, or `null` when it is verified.
 * @param {unknown} version
 */
const versionRefusal = (version) => (isVerifiedVersion(version) ? null : `${SDK_PACKAGE} ${version}: ${unverifiedReason(version)}`)

/**
 * `export async function decrypt(cookieValue, secret, options) {` → `cookieValue, secret, options`.
 * @param {string} signature
 */
const parameters = (signature) => /\(([^)]*)\)/.exec(signature)?.[1] ?? ''

/**
 * The rewritten module, or `{ ok: false, reason }` (then the file must be left alone). session-seal is
 * imported by Node at run time, not by the bundler: a bundler would take the native addon in (which fails),
 * and a missing, unloadable or mismatched session-seal must leave the SDK working. Whatever goes wrong in
 * loading or installing it, the SDK's own functions serve, with one warning.
 * @param {string} source @param {{ sdkVersion: unknown }} options
 * @returns {{ ok: true, code: string, variant: string } | { ok: false, reason: string }}
 */
function rewriteCookiesModule(source, { sdkVersion }) {
  const refused = versionRefusal(sdkVersion)
  if (refused) return { ok: false, reason: refused }
  return rewriteAs(source, /** @type {string} */ (verifiedVariant(sdkVersion)), String(sdkVersion))
}

/**
 * The rewrite of a file that must have the shape `variant` (npm run check:sdk-versions makes it for releases
 * not verified yet, to verify them).
 * @param {string} source @param {string} variant @param {string} sdkVersion
 * @returns {{ ok: true, code: string, variant: string } | { ok: false, reason: string }}
 */
function rewriteAs(source, variant, sdkVersion) {
  const found = identify(source)
  if (found.variant === undefined) return { ok: false, reason: found.reason }
  if (found.variant !== variant) {
    return { ok: false, reason: `its encrypt and decrypt have the shape of ${found.variant}, not that of ${variant} with which ${sdkVersion} was verified` }
  }
  const { signatures } = VARIANTS[found.variant]
  let code = source
  for (const [name, signature] of Object.entries(signatures)) {
    code = code.replace(signature, signature.replace(`export async function ${name}(`, `async function sessionSeal$sdk${name[0].toUpperCase()}${name.slice(1)}(`))
  }
  const meta = JSON.stringify({ sdkVersion, variant: found.variant })
  code += `
// ---- Added by session-seal's withSessionSeal (next.config): the exported encrypt/decrypt run on
// session-seal's native drop-ins once their self-test passes; the SDK's own functions above are the fallback.
const sessionSeal$originals = { encrypt: sessionSeal$sdkEncrypt, decrypt: sessionSeal$sdkDecrypt };
let sessionSeal$crypto;
function sessionSeal$fallback(why) {
  console.warn("session-seal: " + why + "; @auth0/nextjs-auth0 keeps its own cookie crypto");
  return (sessionSeal$crypto = sessionSeal$originals);
}
const sessionSeal$loading = import(/* webpackIgnore: true */ /* turbopackIgnore: true */ ${JSON.stringify(RUNTIME_MODULE)})
  .then((m) => {
    const install = m.installSdkCrypto || (m.default && m.default.installSdkCrypto);
    if (typeof install !== "function") return sessionSeal$fallback("${RUNTIME_MODULE} has no installSdkCrypto (another version of session-seal?)");
    const installed = install(sessionSeal$originals, ${meta});
    if (!installed || typeof installed.encrypt !== "function" || typeof installed.decrypt !== "function") {
      return sessionSeal$fallback("installSdkCrypto returned no encrypt and decrypt (another version of session-seal?)");
    }
    return (sessionSeal$crypto = installed);
  })
  .catch((error) => sessionSeal$fallback("could not load ${RUNTIME_MODULE}: " + (error && error.message)));
export async function encrypt(${parameters(signatures.encrypt)}) {
  return (sessionSeal$crypto || (await sessionSeal$loading)).encrypt(${parameters(signatures.encrypt)});
}
export async function decrypt(${parameters(signatures.decrypt)}) {
  return (sessionSeal$crypto || (await sessionSeal$loading)).decrypt(${parameters(signatures.decrypt)});
}
`
  return { ok: true, code, variant: found.variant }
}

module.exports = { SDK_PACKAGE, COOKIES_PATH, RUNTIME_MODULE, isVerifiedVersion, versionRefusal, verifiedSummary, rewriteCookiesModule, rewriteAs }
