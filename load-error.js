// Why session-seal did not load, told so that the reader can act on it.
//
// napi-rs's generated loader (binding.js) ends every failure with one message: "Cannot find native binding.
// npm has a bug related to optional dependencies … remove package-lock.json and node_modules". That is the
// fix for one npm bug and the wrong advice for the usual causes, each of which gets its own code here:
//   ERR_SESSION_SEAL_EDGE_RUNTIME    loaded in the Edge runtime, where no native addon can run
//   ERR_SESSION_SEAL_BUNDLED         bundled (Next.js without serverExternalPackages): the .node file stayed behind
//   ERR_SESSION_SEAL_LIBC_MISMATCH   the glibc build installed on a musl system, or the other way round
//   ERR_SESSION_SEAL_BINDING_FAILED  the right package is installed but the system refused it (its error is the cause)
//   ERR_SESSION_SEAL_NO_BINDING      no package for this system is installed: which one fits, and the WASM fallback
// The generated loader's own error stays available as `error.cause`.
'use strict'

const PACKAGE = 'session-seal'
const WASM_PACKAGE = `${PACKAGE}-wasm32-wasi`

function codedError(code, message, cause) {
  const error = new Error(message)
  error.code = code
  if (cause !== undefined) error.cause = cause
  return error
}

/** Throws before anything native is touched when running in the Edge runtime (Next.js sets `EdgeRuntime`). */
function refuseEdgeRuntime() {
  if (typeof globalThis.EdgeRuntime !== 'string') return
  throw codedError(
    'ERR_SESSION_SEAL_EDGE_RUNTIME',
    `session-seal is a native module and cannot run in the Edge runtime (${globalThis.EdgeRuntime}): ` +
      "use the Node.js runtime instead — proxy.ts in Next.js 16 (it runs on Node.js), or export const runtime = 'nodejs' " +
      "(export const config = { runtime: 'nodejs' } in Next.js 15 middleware).",
  )
}

/**
 * True when this file runs inside a bundle rather than from node_modules: webpack says so itself; other
 * bundlers (Turbopack, esbuild) hand the entry a module object of their own, away from binding.js.
 */
function isBundled(entry) {
  if (typeof __webpack_require__ === 'function') return true
  let nodeModule = false
  try {
    nodeModule = entry instanceof require('node:module')
  } catch {
    nodeModule = false
  }
  if (nodeModule) return false
  try {
    return !require('node:fs').existsSync(require('node:path').join(__dirname, 'binding.js'))
  } catch {
    return true
  }
}

/** Bundled: here when the .node file stayed behind, and in bundled.js, which bundlers get instead of the package. */
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
    return require('node:fs').readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {
    // No ldd: ask Node's own report, as the generated loader's fallback does.
  }
  try {
    process.report.excludeNetwork = true
    const report = process.report.getReport()
    if (report.header && report.header.glibcVersionRuntime) return false
    return (report.sharedObjects || []).some((file) => file.includes('libc.musl-') || file.includes('ld-musl-'))
  } catch {
    return false
  }
}

function glibcVersion() {
  try {
    return process.report.getReport().header.glibcVersionRuntime || null
  } catch {
    return null
  }
}

/** This system as the platform packages name it (`linux-x64-gnu`), and in words (`linux x64, glibc 2.36`). */
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

/** Loads a package the way the generated loader would; the error when it cannot, null when it can. */
function loadError(name) {
  try {
    require(name)
    return null
  } catch (error) {
    return error
  }
}

function isInstalled(name) {
  try {
    require.resolve(`${name}/package.json`)
    return true
  } catch {
    return false
  }
}

/**
 * Turns the generated loader's failure into the error that names its cause. The cause kept is the chain of
 * what each candidate said, without the generic advice wrapped around it (which Node would print too).
 */
function explainLoadFailure(generic, entry) {
  const error = /^Cannot find native binding/.test(generic && generic.message) && generic.cause ? generic.cause : generic
  if (isBundled(entry)) return bundledError(error)

  const manifest = require('./package.json')
  const system = detectSystem()
  const wanted = `${PACKAGE}-${system.key}`
  const wasm = `npm install ${WASM_PACKAGE}@${manifest.version}`

  if (isInstalled(wanted)) {
    return codedError(
      'ERR_SESSION_SEAL_BINDING_FAILED',
      `${wanted} is installed but did not load on this system (${system.words}): ${loadError(wanted)?.message}`,
      error,
    )
  }

  if (system.libc) {
    const otherLibc = system.libc === 'gnu' ? 'musl' : 'gnu'
    const other = `${PACKAGE}-linux-${process.arch}-${otherLibc}`
    if (isInstalled(other)) {
      const name = (libc) => (libc === 'gnu' ? 'glibc' : 'musl libc')
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
  const wasmError = isInstalled(WASM_PACKAGE) ? loadError(WASM_PACKAGE) : null
  const wasmNote = wasmError ? ` (${WASM_PACKAGE} is installed but failed: ${wasmError.message})` : ''
  if (published && !published.includes(wanted)) {
    return codedError(
      'ERR_SESSION_SEAL_NO_BINDING',
      `session-seal has no native build for this system (${system.words}; it would be ${wanted}). ` +
        `Install the WebAssembly build, which runs wherever Node.js does, slower than native: ${wasm}${wasmNote}`,
      error,
    )
  }
  const checkout = require('node:fs').existsSync(require('node:path').join(__dirname, 'Cargo.toml'))
  return codedError(
    'ERR_SESSION_SEAL_NO_BINDING',
    `session-seal's native addon for this system (${system.words}) is the package ${wanted}, and it is not ` +
      'installed. npm installs it as an optional dependency unless optional dependencies are omitted ' +
      '(--omit=optional) or the lockfile was made without it; install it with ' +
      `npm install ${wanted}@${manifest.version}, or install the WebAssembly build instead: ${wasm}${wasmNote}` +
      (checkout ? '. In a checkout of the repository, npm run build builds the addon.' : ''),
    error,
  )
}

// detectSystem is also what the repository's scripts and tests use to pick this system's platform package.
module.exports = { refuseEdgeRuntime, explainLoadFailure, bundledError, detectSystem }
