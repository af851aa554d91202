'use strict'

// The bundler loader withSessionSeal puts on the SDK's `dist/server/cookies.js` (webpack and Turbopack
// alike): it rewrites that one file so that its `encrypt`/`decrypt` go to session-seal, or, when the file's
// package is not a verified release or the file lacks the shape that release was verified with
// (next/sdk-rewrite.js), returns it untouched with a warning.

const fs = require('node:fs')
const path = require('node:path')
const { rewriteCookiesModule } = require('./sdk-rewrite.js')

/**
 * The version in the SDK package.json two levels above `dist/server/cookies.js`, when it can be read.
 * @param {string} resourcePath
 * @returns {string | undefined}
 */
function versionBeside(resourcePath) {
  try {
    const manifest = path.join(path.dirname(resourcePath), '..', '..', 'package.json')
    return JSON.parse(fs.readFileSync(manifest, 'utf8')).version
  } catch {
    return undefined
  }
}

/**
 * @typedef {{ resourcePath: string, getOptions?: () => unknown, query?: unknown, emitWarning?: (error: Error) => void }} LoaderContext
 */

/** @param {LoaderContext} loader @param {string} message */
function warn(loader, message) {
  const text = `session-seal: ${message}; @auth0/nextjs-auth0 keeps its own cookie crypto`
  if (typeof loader.emitWarning === 'function') loader.emitWarning(new Error(text))
  else console.warn(text)
}

/**
 * @this {LoaderContext}
 * @param {string | Uint8Array} source
 * @returns {string}
 */
module.exports = function sessionSealSdkLoader(source) {
  const given = /** @type {{ sdkVersion?: string } | undefined} */ (typeof this.getOptions === 'function' ? this.getOptions() : this.query)
  const text = typeof source === 'string' ? source : Buffer.from(source).toString('utf8')
  // The config checked the version it resolved; the file actually bundled is checked again here (a
  // monorepo may hold more than one copy of the SDK).
  const version = versionBeside(this.resourcePath) ?? given?.sdkVersion
  const rewritten = rewriteCookiesModule(text, { sdkVersion: version })
  if (!rewritten.ok) {
    warn(this, `${this.resourcePath} left alone: ${rewritten.reason}`)
    return text
  }
  return rewritten.code
}
