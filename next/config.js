'use strict'

// `withSessionSeal(nextConfig)`: one line in next.config puts @auth0/nextjs-auth0's own cookie crypto on
// session-seal's native drop-ins. It adds a loader for the SDK's `dist/server/cookies.js` to both bundlers
// (Turbopack rules and the server-side webpack config, Node.js runtime only), merged into the app's own
// config, never replacing it. Nothing is rewritten for an SDK release that is not verified
// (next/sdk-versions.json, written by `npm run check:sdk-versions`).

const fs = require('node:fs')
const path = require('node:path')
const { SDK_PACKAGE, COOKIES_PATH, versionRefusal } = require('./sdk-rewrite.js')
const { killSwitchOn, KILL_SWITCH } = require('./sdk-crypto.js')

const SELF = 'session-seal'
const LOADER = require.resolve('./sdk-loader.js')

/** The Turbopack rule key: any JavaScript file; the condition narrows it to the SDK's cookies module. */
const TURBOPACK_GLOB = '*.js'

/**
 * @typedef {import('next').NextConfig} NextConfig
 * @typedef {(phase: string, context: { defaultConfig: NextConfig }) => NextConfig | Promise<NextConfig>} NextConfigFunction
 * @typedef {{ enabled?: boolean, dir?: string }} Options
 * @typedef {{ loader: string, options: { sdkVersion: string } }} LoaderItem
 * @typedef {{ module?: { rules?: unknown[] } }} WebpackConfig
 * @typedef {{ isServer?: boolean, nextRuntime?: string }} WebpackContext
 * @typedef {(config: WebpackConfig, context: WebpackContext) => WebpackConfig} WebpackFunction
 */

/** @param {unknown} list @param {string[]} extra @returns {string[]} */
const union = (list, extra) => [...new Set([...(Array.isArray(list) ? list : []), ...extra])]

/**
 * The installed SDK's version, resolved as the app resolves it (from `dir`), or `null` when it is not installed.
 * @param {string} dir
 * @returns {string | null}
 */
function installedSdkVersion(dir) {
  let entry
  try {
    entry = require.resolve(`${SDK_PACKAGE}/server`, { paths: [dir] })
  } catch {
    return null
  }
  for (let d = path.dirname(entry); d !== path.dirname(d); d = path.dirname(d)) {
    const manifest = path.join(d, 'package.json')
    if (!fs.existsSync(manifest)) continue
    const { name, version } = JSON.parse(fs.readFileSync(manifest, 'utf8'))
    if (name === SDK_PACKAGE) return version
  }
  return null
}

/**
 * Why the SDK must be left alone under this config, or `null` when the rewrite can go ahead.
 * @param {NextConfig} config @param {Options} options
 */
function refusal(config, options) {
  if (options.enabled === false) return 'withSessionSeal(config, { enabled: false })'
  if (killSwitchOn()) return `${KILL_SWITCH}=${process.env[KILL_SWITCH]} at build time`
  if ((config.serverExternalPackages ?? []).includes(SDK_PACKAGE)) {
    return `${SDK_PACKAGE} is in serverExternalPackages, so the bundler never sees its files`
  }
  const version = installedSdkVersion(options.dir ?? process.cwd())
  if (version === null) return `${SDK_PACKAGE} is not installed`
  return versionRefusal(version)
}

/** @param {string} sdkVersion @returns {LoaderItem} */
function loaderItem(sdkVersion) {
  return { loader: LOADER, options: { sdkVersion } }
}

/**
 * The app's Turbopack rules plus ours under `*.js`, appended (a rule list keeps every item it had).
 * @param {NextConfig['turbopack']} turbopack @param {string} sdkVersion
 */
function withTurbopackRule(turbopack = {}, sdkVersion) {
  const rules = { ...turbopack.rules }
  const ours = {
    // 'node': server code on the Node.js runtime only; Edge middleware and the browser keep the SDK as is.
    condition: { all: ['node', { path: COOKIES_PATH }] },
    loaders: [loaderItem(sdkVersion)],
  }
  const existing = rules[TURBOPACK_GLOB]
  const list = existing === undefined ? [ours] : [...(Array.isArray(existing) ? existing : [existing]), ours]
  // Next.js's type for a rule list lists loader items only; a list of conditional rules is what it accepts.
  rules[TURBOPACK_GLOB] = /** @type {any} */ (list)
  return { ...turbopack, rules }
}

/**
 * The app's webpack function (if any), then our rule, for the Node.js server compilation only.
 * @param {unknown} userWebpack @param {string} sdkVersion
 * @returns {WebpackFunction}
 */
function withWebpackRule(userWebpack, sdkVersion) {
  return function webpack(webpackConfig, context) {
    const result = typeof userWebpack === 'function' ? /** @type {WebpackFunction} */ (userWebpack)(webpackConfig, context) : webpackConfig
    if (context?.isServer && context.nextRuntime === 'nodejs') {
      result.module ??= {}
      result.module.rules ??= []
      // `pre`: the loader must see the SDK's file as published, before any other loader transforms it.
      result.module.rules.push({ test: COOKIES_PATH, enforce: 'pre', use: [loaderItem(sdkVersion)] })
    }
    return result
  }
}

/**
 * The rewritten SDK loads session-seal at run time, out of the bundler's sight, so the output file tracing
 * (`output: 'standalone'`) does not find it on its own under Turbopack: every route's trace gets the package,
 * and the platform packages installed beside it (`session-seal-linux-x64-gnu`, …), which hold the addon.
 * @param {Record<string, string[]>} includes @param {string} dir
 */
function withTracedSelf(includes = {}, dir) {
  const self = path.dirname(__dirname)
  const relative = (/** @type {string} */ to) => path.relative(dir, to).split(path.sep).join('/') || '.'
  const parent = path.dirname(self)
  const platforms =
    path.basename(parent) === 'node_modules'
      ? fs.readdirSync(parent).filter((name) => name.startsWith(`${SELF}-`)).map((name) => `${relative(path.join(parent, name))}/**/*`)
      : []
  return { ...includes, '/*': union(includes['/*'], [`${relative(self)}/**/*`, ...platforms]) }
}

/** @param {NextConfig} nextConfig @param {Options} options @returns {NextConfig} */
function apply(nextConfig, options) {
  const config = { ...nextConfig }
  // session-seal is a native addon: loaded from node_modules at run time, never bundled.
  config.serverExternalPackages = union(nextConfig.serverExternalPackages, [SELF])
  const refused = refusal(nextConfig, options)
  if (refused) {
    console.warn(`session-seal: withSessionSeal leaves ${SDK_PACKAGE} on its own cookie crypto: ${refused}`)
    return config
  }
  const sdkVersion = /** @type {string} */ (installedSdkVersion(options.dir ?? process.cwd()))
  // Bundled everywhere (Pages Router API routes load it through Node otherwise), so the loader sees it.
  config.transpilePackages = union(nextConfig.transpilePackages, [SDK_PACKAGE])
  // Always set: a config with a webpack function and no turbopack key fails a Turbopack build.
  config.turbopack = withTurbopackRule(nextConfig.turbopack, sdkVersion)
  config.webpack = withWebpackRule(nextConfig.webpack, sdkVersion)
  config.outputFileTracingIncludes = withTracedSelf(nextConfig.outputFileTracingIncludes, options.dir ?? process.cwd())
  return config
}

/**
 * Wraps a Next.js config (an object, or a function of `(phase, context)` returning one) so that
 * @auth0/nextjs-auth0's cookie `encrypt`/`decrypt` run on session-seal. Options: `enabled` (default true),
 * `dir` (where the app's node_modules are resolved from; default the current directory).
 * @overload
 * @param {NextConfigFunction} nextConfig
 * @param {Options} [options]
 * @returns {NextConfigFunction}
 */
/**
 * @overload
 * @param {NextConfig} [nextConfig]
 * @param {Options} [options]
 * @returns {NextConfig}
 */
/**
 * @param {NextConfig | NextConfigFunction} [nextConfig]
 * @param {Options} [options]
 * @returns {NextConfig | NextConfigFunction}
 */
function withSessionSeal(nextConfig = {}, options = {}) {
  if (typeof nextConfig === 'function') {
    // Every argument Next.js passes goes on, whatever a later release adds to `(phase, context)`.
    const configFunction = /** @type {(...args: unknown[]) => NextConfig | Promise<NextConfig>} */ (nextConfig)
    return async function sessionSealConfig(/** @type {any[]} */ ...args) {
      return apply((await configFunction(...args)) ?? {}, options)
    }
  }
  return apply(nextConfig, options)
}

// A literal of names, so that Node's ESM import finds each export (its CommonJS lexer reads this statement).
module.exports = { withSessionSeal }

/**
 * The exports are what config.d.ts declares: no name it lacks, and each one assignable to its declaration
 * (`tsc --checkJs` fails here otherwise).
 * @type {[keyof typeof module.exports] extends [keyof typeof import('./config')] ? typeof import('./config') : never}
 */
const exportsAsDeclared = module.exports
void exportsAsDeclared
