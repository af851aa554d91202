// Why session-seal did not load, told so that the reader can act on it.
//
// napi-rs's generated loader (binding.js) ends every failure with one message: "Cannot find native binding.
// npm has a bug related to optional dependencies … remove package-lock.json and node_modules". That is the
// fix for one npm bug and the wrong advice for the usual causes, each of which gets its own code here:
//   ERR_SESSION_SEAL_EDGE_RUNTIME      loaded in the Edge runtime, where no native addon can run
//   ERR_SESSION_SEAL_BUNDLED           bundled (Next.js without serverExternalPackages): the .node file stayed behind
//   ERR_SESSION_SEAL_ENV_OVERRIDE      NAPI_RS_NATIVE_LIBRARY_PATH or NAPI_RS_FORCE_WASI asked for a binding that did not load
//   ERR_SESSION_SEAL_VERSION_MISMATCH  the platform package is another release than this JavaScript (hoisting, a stale lockfile)
//   ERR_SESSION_SEAL_LIBC_MISMATCH     the glibc build installed on a musl system, or the other way round
//   ERR_SESSION_SEAL_BINDING_FAILED    the right package is installed but the system refused it (its error is the cause)
//   ERR_SESSION_SEAL_NO_BINDING        no package for this system is installed: which one fits, and the WASM fallback
// The generated loader's own error stays available as `error.cause`.
'use strict'

const fs = require('node:fs')
const path = require('node:path')

const PACKAGE = 'session-seal'
const WASM_PACKAGE = `${PACKAGE}-wasm32-wasi`

/**
 * The environment switches of the generated loader, and what each value means. Documented in
 * docs/install.md; every load error made while one is set names it.
 */
const ENV = {
  nativeLibraryPath: 'NAPI_RS_NATIVE_LIBRARY_PATH',
  forceWasi: 'NAPI_RS_FORCE_WASI',
  wasiFlavor: 'NAPI_RS_WASI_FLAVOR',
}
/** `NAPI_RS_FORCE_WASI` values the loader acts on; `false` and `0` say "off", as unset does. */
const FORCE_WASI_VALUES = ['true', 'error']
const FORCE_WASI_OFF = ['', 'false', '0']

/** @typedef {Error & { code: string, cause?: unknown }} CodedError */

/**
 * @param {string} code @param {string} message @param {unknown} [cause]
 * @returns {CodedError}
 */
function codedError(code, message, cause) {
  const error = /** @type {CodedError} */ (new Error(message))
  error.code = code
  if (cause !== undefined) error.cause = cause
  return error
}

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error))

/** Throws before anything native is touched when running in the Edge runtime (Next.js sets `EdgeRuntime`). */
function refuseEdgeRuntime() {
  const edge = /** @type {{ EdgeRuntime?: unknown }} */ (globalThis).EdgeRuntime
  if (typeof edge !== 'string') return
  throw codedError(
    'ERR_SESSION_SEAL_EDGE_RUNTIME',
    `session-seal is a native module and cannot run in the Edge runtime (${edge}): ` +
      "use the Node.js runtime instead — proxy.ts in Next.js 16 (it runs on Node.js), or export const runtime = 'nodejs' " +
      "(export const config = { runtime: 'nodejs' } in Next.js 15 middleware).",
  )
}

/**
 * True when this file runs inside a bundle rather than from node_modules: webpack says so itself; other
 * bundlers (Turbopack, esbuild) hand the entry a module object of their own, away from binding.js.
 * @param {unknown} entry the entry's `module`
 */
function isBundled(entry) {
  // @ts-expect-error webpack's own identifier, which exists only inside its bundles
  if (typeof __webpack_require__ === 'function') return true
  let nodeModule = false
  try {
    nodeModule = entry instanceof require('node:module')
  } catch {
    nodeModule = false
  }
  if (nodeModule) return false
  try {
    return !fs.existsSync(path.join(__dirname, 'binding.js'))
  } catch {
    return true
  }
}

/**
 * Node's diagnostic report, as far as these checks read it.
 * @returns {{ header?: { glibcVersionRuntime?: string }, sharedObjects?: string[] } | null}
 */
function report() {
  try {
    const reporter = /** @type {{ excludeNetwork?: boolean, getReport(): object }} */ (process.report)
    reporter.excludeNetwork = true
    return /** @type {{ header?: { glibcVersionRuntime?: string }, sharedObjects?: string[] }} */ (reporter.getReport())
  } catch {
    return null
  }
}

/**
 * Bundled: here when the .node file stayed behind, and in bundled.js, which bundlers get instead of the package.
 * @param {unknown} [cause]
 */
function bundledError(cause) {
  return codedError(
    'ERR_SESSION_SEAL_BUNDLED',
    'session-seal was bundled, and its native addon (a .node file) cannot be bundled: ' +
      "add 'session-seal' to serverExternalPackages in next.config (Next.js 15+), " +
      'or mark it external in your bundler, so that it loads from node_modules at run time.',
    cause,
  )
}

/** Whether Linux runs on musl, asked the way the generated loader asks, so that both agree. */
function isMusl() {
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {
    // No ldd: ask Node's own report, as the generated loader's fallback does.
  }
  const r = report()
  if (!r || r.header?.glibcVersionRuntime) return false
  return (r.sharedObjects || []).some((file) => file.includes('libc.musl-') || file.includes('ld-musl-'))
}

const glibcVersion = () => report()?.header?.glibcVersionRuntime || null

/**
 * This system as the platform packages name it (`linux-x64-gnu`), and in words (`linux x64, glibc 2.36`).
 * @returns {{ key: string, libc: 'gnu' | 'musl' | null, words: string }}
 */
function detectSystem() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const libc = isMusl() ? 'musl' : 'gnu'
    const version = libc === 'gnu' ? glibcVersion() : null
    const words = libc === 'musl' ? 'musl libc' : version ? `glibc ${version}` : 'glibc'
    return { key: `linux-${arch}-${libc}`, libc, words: `linux ${arch}, ${words}` }
  }
  if (platform === 'win32') return { key: `win32-${arch}-msvc`, libc: null, words: `win32 ${arch}` }
  return { key: `${platform}-${arch}`, libc: null, words: `${platform} ${arch}` }
}

/**
 * Loads a module the way the generated loader would; the error when it cannot, null when it can.
 * @param {string} name
 */
function loadError(name) {
  try {
    require(name)
    return null
  } catch (error) {
    return error
  }
}

/** The directory and version of an installed package, as this file resolves it; `null` when not installed. */
function installed(/** @type {string} */ name) {
  try {
    const manifest = require.resolve(`${name}/package.json`)
    return { dir: path.dirname(manifest), version: /** @type {{ version: string }} */ (JSON.parse(fs.readFileSync(manifest, 'utf8'))).version }
  } catch {
    return null
  }
}

/** @returns {{ version: string, optionalDependencies?: Record<string, string> }} */
const ownManifest = () => JSON.parse(fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8'))

/**
 * The error for a platform package of another release than this JavaScript, or `null` when they agree.
 * The two are built from one commit and must be the same release: with npm workspaces or a stale lockfile,
 * an older platform package can be hoisted beside a newer session-seal.
 * @param {string} name @param {string} version @param {string} dir @param {unknown} [cause]
 */
function mismatch(name, version, dir, cause) {
  const own = ownManifest().version
  if (version === own) return null
  return codedError(
    'ERR_SESSION_SEAL_VERSION_MISMATCH',
    `session-seal ${own} found ${name} ${version} (${dir}): the JavaScript and the binary must be the same release. ` +
      `Another version was installed or hoisted beside it (npm workspaces, a lockfile from an earlier install): ` +
      `run npm install ${name}@${own}, or npm install session-seal@${version} to match it.`,
    cause,
  )
}

/**
 * After a successful load: the platform package the binding came from must be this release. A binding
 * from beside binding.js (a checkout) or from NAPI_RS_NATIVE_LIBRARY_PATH has no package to compare.
 * @param {{ __napiBindingTarget?: unknown }} binding
 * @returns {CodedError | null}
 */
function checkLoadedVersion(binding) {
  if (process.env[ENV.nativeLibraryPath]) return null
  const name = binding.__napiBindingTarget === 'wasm32-wasi' ? WASM_PACKAGE : `${PACKAGE}-${detectSystem().key}`
  const found = installed(name)
  if (!found) return null
  const loaded = Object.keys(require.cache).some((file) => file.startsWith(found.dir + path.sep))
  return loaded ? mismatch(name, found.version, found.dir) : null
}

/** A note for any error when NAPI_RS_FORCE_WASI holds a value the loader ignores. */
function forceWasiNote() {
  const value = process.env[ENV.forceWasi]
  if (value === undefined || FORCE_WASI_OFF.includes(value) || FORCE_WASI_VALUES.includes(value)) return ''
  return ` (${ENV.forceWasi}=${value} is not a value the loader knows: true prefers the WebAssembly build, error requires it; it was ignored)`
}

/** Warns once when NAPI_RS_FORCE_WASI holds a value the loader ignores (the load itself went ahead). */
function warnAboutEnvironment() {
  const note = forceWasiNote()
  if (note) process.emitWarning(`session-seal:${note}`, { code: 'SESSION_SEAL_ENV_IGNORED' })
}

/**
 * The error when a loader switch asked for a binding that did not load, or `null` when none did.
 * @param {unknown} cause @param {string} wasm what installs the WebAssembly build
 */
function overrideFailure(cause, wasm) {
  const libraryPath = process.env[ENV.nativeLibraryPath]
  if (libraryPath) {
    return codedError(
      'ERR_SESSION_SEAL_ENV_OVERRIDE',
      `${ENV.nativeLibraryPath}=${libraryPath} is set, and that file did not load: ${messageOf(loadError(libraryPath))}. ` +
        `It names the addon to load instead of the platform package: point it at a session-seal .node file, or unset it.`,
      cause,
    )
  }
  const force = process.env[ENV.forceWasi]
  const flavor = process.env[ENV.wasiFlavor]
  if (force === 'error' || flavor) {
    const set = flavor ? `${ENV.wasiFlavor}=${flavor}` : `${ENV.forceWasi}=error`
    const wasmError = installed(WASM_PACKAGE) ? ` (${WASM_PACKAGE} is installed but failed: ${messageOf(loadError(WASM_PACKAGE))})` : ''
    return codedError(
      'ERR_SESSION_SEAL_ENV_OVERRIDE',
      `${set} requires the WebAssembly build, and it did not load${wasmError}: install it (${wasm}), or unset ${flavor ? ENV.wasiFlavor : ENV.forceWasi}.`,
      cause,
    )
  }
  return null
}

/**
 * Turns the generated loader's failure into the error that names its cause. The cause kept is the chain of
 * what each candidate said, without the generic advice wrapped around it (which Node would print too).
 * @param {unknown} generic what binding.js threw @param {unknown} entry the entry's `module`
 * @returns {CodedError}
 */
function explainLoadFailure(generic, entry) {
  const thrown = /** @type {{ message?: unknown, cause?: unknown } | null} */ (generic)
  const error = /^Cannot find native binding/.test(String(thrown?.message)) && thrown?.cause ? thrown.cause : generic
  if (isBundled(entry)) return bundledError(error)

  const manifest = ownManifest()
  const system = detectSystem()
  const wanted = `${PACKAGE}-${system.key}`
  const wasm = `npm install ${WASM_PACKAGE}@${manifest.version}`
  const note = forceWasiNote()

  const overridden = overrideFailure(error, wasm)
  if (overridden) return overridden

  const found = installed(wanted)
  if (found) {
    const other = mismatch(wanted, found.version, found.dir, error)
    if (other) return other
    return codedError(
      'ERR_SESSION_SEAL_BINDING_FAILED',
      `${wanted} is installed but did not load on this system (${system.words}): ${messageOf(loadError(wanted))}${note}`,
      error,
    )
  }

  if (system.libc) {
    const otherLibc = system.libc === 'gnu' ? 'musl' : 'gnu'
    const other = `${PACKAGE}-linux-${process.arch}-${otherLibc}`
    if (installed(other)) {
      const name = (/** @type {string} */ libc) => (libc === 'gnu' ? 'glibc' : 'musl libc')
      return codedError(
        'ERR_SESSION_SEAL_LIBC_MISMATCH',
        `libc mismatch: this system uses ${name(system.libc)} (${system.words}), but the installed ${other} ` +
          `is built for ${name(otherLibc)}. node_modules or the lockfile came from a ${name(otherLibc)} system ` +
          '(a node_modules copied into an Alpine image from a Debian one, or the other way round): run npm install ' +
          `on this system, which installs ${wanted}.`,
        error,
      )
    }
  }

  // Published packages list their platform packages; a checkout of the repository lists none.
  const published = manifest.optionalDependencies ? Object.keys(manifest.optionalDependencies) : null
  const wasmError = installed(WASM_PACKAGE) ? loadError(WASM_PACKAGE) : null
  const wasmNote = wasmError ? ` (${WASM_PACKAGE} is installed but failed: ${messageOf(wasmError)})` : ''
  if (published && !published.includes(wanted)) {
    return codedError(
      'ERR_SESSION_SEAL_NO_BINDING',
      `session-seal has no native build for this system (${system.words}; it would be ${wanted}). ` +
        `Install the WebAssembly build, which runs wherever Node.js does, slower than native: ${wasm}${wasmNote}${note}`,
      error,
    )
  }
  const checkout = fs.existsSync(path.join(__dirname, 'Cargo.toml'))
  return codedError(
    'ERR_SESSION_SEAL_NO_BINDING',
    `session-seal's native addon for this system (${system.words}) is the package ${wanted}, and it is not ` +
      'installed. npm installs it as an optional dependency unless optional dependencies are omitted ' +
      '(--omit=optional) or the lockfile was made without it; install it with ' +
      `npm install ${wanted}@${manifest.version}, or install the WebAssembly build instead: ${wasm}${wasmNote}${note}` +
      (checkout ? '. In a checkout of the repository, npm run build builds the addon.' : ''),
    error,
  )
}

// detectSystem is also what the repository's scripts and tests use to pick this system's platform package.
module.exports = { refuseEdgeRuntime, explainLoadFailure, bundledError, checkLoadedVersion, warnAboutEnvironment, detectSystem, ENV }
