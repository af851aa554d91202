// `npm run build:all [-- --only linux-x64-gnu,wasm32-wasi]`: builds every release target this machine can
// into its platform package under npm/<platform>/, installing the tools it needs itself (scripts/lib/tools.mjs),
// and names every target it cannot build with the reason. Cross builds share target/ and cargo's cache.
//
//   linux gnu    zig (cargo-zigbuild) against glibc 2.17: loads on RHEL/CentOS 7+, Amazon Linux 2, Debian 9+
//   linux musl   zig; a cdylib needs `-C target-feature=-crt-static` (.cargo/config.toml)
//   darwin       zig, with the macOS SDK stubs it carries
//   wasm32-wasi  rustc's own wasm-ld and emnapi (a devDependency); the fallback for every other system
//   win32 gnu    mingw-w64 (Debian), importing Node-API from node.exe: not published (see docs/install.md),
//                built here to prove the Windows build of the Rust code; win32-x64-msvc comes from the
//                release workflow's Windows runner
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { parseTriple } from '@napi-rs/cli'
import { runSync as run } from './lib/processes.mjs'
import { repoRoot as root } from './lib/repo.mjs'
import { ensureApt, ensurePythonTools, ensureRustTargets, toolsEnv } from './lib/tools.mjs'

const { detectSystem } = createRequire(import.meta.url)('../load-error.js')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const binary = manifest.napi.binaryName
export const artifactsDir = join(root, 'target', 'artifacts')
/** Builds that are not published stay out of artifactsDir, which `napi artifacts` reads whole. */
const unpublishedDir = join(root, 'target', 'unpublished')
const napi = join(root, 'node_modules', '.bin', 'napi')

/**
 * How each target is built here, or why it is not (`cannot`: built only by the release workflow, the one
 * documented exception; any other target that fails to build fails the run). `published: false` builds stay
 * out of npm/.
 */
export const TARGETS = [
  { triple: 'x86_64-unknown-linux-gnu', zig: 'x86_64-unknown-linux-gnu.2.17' },
  { triple: 'aarch64-unknown-linux-gnu', zig: 'aarch64-unknown-linux-gnu.2.17' },
  { triple: 'x86_64-unknown-linux-musl', zig: 'x86_64-unknown-linux-musl' },
  { triple: 'aarch64-unknown-linux-musl', zig: 'aarch64-unknown-linux-musl' },
  { triple: 'x86_64-apple-darwin', zig: 'x86_64-apple-darwin' },
  { triple: 'aarch64-apple-darwin', zig: 'aarch64-apple-darwin' },
  {
    triple: 'x86_64-pc-windows-msvc',
    cannot:
      'needs the MSVC linker and the Windows SDK; cargo-xwin downloads them from Microsoft, which this machine ' +
      'cannot reach. Built and tested by the release workflow on a Windows runner.',
  },
  { triple: 'wasm32-wasip1-threads', wasm: true },
  { triple: 'x86_64-pc-windows-gnu', mingw: true, published: false },
].map((target) => ({ ...target, key: parseTriple(target.triple).platformArchABI }))

/** The targets only the release workflow builds (docs/install.md says why). */
export const WORKFLOW_ONLY = TARGETS.filter((target) => target.cannot).map((target) => target.key)

// Every published target is listed above, and nothing else is published.
const published = TARGETS.filter((target) => target.published !== false).map((target) => target.triple)
if (published.join() !== manifest.napi.targets.join()) {
  throw new Error(`scripts/build-all.mjs and package.json napi.targets disagree:\n${published}\n${manifest.napi.targets}`)
}

/** Where a target's binary ends up: its platform package, or target/unpublished for an unpublished build. */
export function artifactPath(key) {
  const target = TARGETS.find((candidate) => candidate.key === key)
  if (target.wasm) return join(root, 'npm', key, `${binary}.wasm32-wasi.wasm`)
  const file = `${binary}.${key}.node`
  return target.published === false ? join(unpublishedDir, key, file) : join(root, 'npm', key, file)
}

/** Where `napi build` puts a target's binary (before `napi artifacts` copies it into npm/<platform>/). */
const buildOutput = (target) =>
  join(target.published === false ? unpublishedDir : artifactsDir, target.key, target.wasm ? `${binary}.wasm32-wasi.wasm` : `${binary}.${target.key}.node`)

/**
 * Removes everything an earlier build of this target left (its build directory and the binary in its
 * package), so that a build that fails leaves nothing a later check could take for its output.
 */
function clearOutputs(target) {
  rmSync(join(target.published === false ? unpublishedDir : artifactsDir, target.key), { recursive: true, force: true })
  rmSync(artifactPath(target.key), { force: true })
}

function napiBuild(target, extraArgs, env) {
  const out = join(target.published === false ? unpublishedDir : artifactsDir, target.key)
  mkdirSync(out, { recursive: true })
  run(napi, ['build', '--platform', '--release', '--no-js', '--output-dir', out, ...extraArgs], { cwd: root, env })
  return out
}

/**
 * The Node-API import library for windows-gnu: every function napi-sys declares (GNU ld resolves them all,
 * used or not), exported by node.exe as in MSVC's node.lib. napi-build insists on LIBNODE_PATH/libnode.dll.
 */
function nodeImportLibrary() {
  const metadata = JSON.parse(run('cargo', ['metadata', '--format-version', '1', '--locked'], { capture: true, quiet: true, cwd: root }).stdout)
  const napiSys = metadata.packages.find((pkg) => pkg.name === 'napi-sys')
  const declared = readFileSync(join(napiSys.manifest_path, '..', 'src', 'functions.rs'), 'utf8')
  const functions = [...new Set([...declared.matchAll(/\bfn ((?:napi|node_api)_\w+)\s*\(/g)].map((m) => m[1]))]
  const dir = join(unpublishedDir, 'libnode')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'node.def'), `LIBRARY node.exe\nEXPORTS\n${functions.join('\n')}\n`)
  const lib = join(dir, 'libnode.dll.a')
  run('x86_64-w64-mingw32-dlltool', ['--input-def', join(dir, 'node.def'), '--output-lib', lib, '--dllname', 'node.exe'])
  copyFileSync(lib, join(dir, 'libnode.dll'))
  return dir
}

/**
 * The WebAssembly module imports its AES-256-GCM from the host (crates/core/src/aead.rs): the generated
 * loader and its worker threads hand it the function of scripts/wasm-host-crypto.cjs, over the module's
 * memory. napi-rs offers no hook for an import of one's own, so the function is written into both generated
 * files; a template that no longer has the anchor fails the build here rather than at a user's first seal.
 */
export const HOST_IMPORT_FILES = { 'session-seal.wasi.cjs': '__sharedMemory', 'wasi-worker.mjs': 'wasmMemory' }
export function addHostImports(dir) {
  const hostCrypto = createRequire(import.meta.url)('./wasm-host-crypto.cjs').toString()
  const [start, end] = ['// session-seal:host-import:start', '// session-seal:host-import:end']
  for (const [file, memory] of Object.entries(HOST_IMPORT_FILES)) {
    const path = join(dir, file)
    // An earlier build's insertion is replaced, so the loader always carries the current function.
    const text = readFileSync(path, 'utf8').replace(new RegExp(`[ ]*${start}[\\s\\S]*?${end}\\n`), '')
    const anchor = /^( *)overwriteImports\(importObject\) \{\n/m
    const found = (text.match(new RegExp(anchor.source, 'gm')) || []).length
    if (found !== 1) throw new Error(`${path}: expected one overwriteImports(importObject) in napi-rs's loader, found ${found}`)
    const insert = (indent) =>
      `${indent}  ${start} AES-256-GCM from node:crypto (scripts/wasm-host-crypto.cjs)\n` +
      `${indent}  importObject.session_seal_host = (${hostCrypto})(${memory})\n${indent}  ${end}\n`
    writeFileSync(path, text.replace(anchor, (match, indent) => match + insert(indent)))
  }
}

function build(target) {
  if (target.cannot) throw Object.assign(new Error(target.cannot), { cannot: true })
  if (target.zig) {
    ensurePythonTools()
    ensureRustTargets([target.triple])
    return napiBuild(target, ['--cross-compile', '--target', target.zig], toolsEnv())
  }
  if (target.wasm) {
    ensureRustTargets([target.triple])
    const out = napiBuild(target, ['--target', target.triple], process.env)
    addHostImports(out)
    return out
  }
  if (target.mingw) {
    ensureApt(['gcc-mingw-w64-x86-64-win32', 'binutils-mingw-w64-x86-64'])
    ensureRustTargets([target.triple])
    return napiBuild(target, ['--target', target.triple], { ...process.env, LIBNODE_PATH: nodeImportLibrary() })
  }
  throw new Error(`no recipe for ${target.triple}`)
}

/** The newest change to anything the binaries are built from. */
function newestSource() {
  const newest = (path) => {
    if (!existsSync(path)) return 0
    const stat = statSync(path)
    if (!stat.isDirectory()) return stat.mtimeMs
    return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))))
  }
  return Math.max(...['src', 'crates', 'Cargo.toml', 'Cargo.lock', 'build.rs', '.cargo'].map((p) => newest(join(root, p))))
}

/** `--if-stale`: a target whose binary is newer than every source is not rebuilt. */
const isFresh = (target) => {
  const path = buildOutput(target)
  return existsSync(path) && statSync(path).mtimeMs > newestSource()
}

function parseOnly(argv) {
  const at = argv.indexOf('--only')
  if (at === -1) return null
  const keys = (argv[at + 1] || '').split(',').filter(Boolean)
  for (const key of keys) {
    if (!TARGETS.some((target) => target.key === key)) {
      throw new Error(`unknown target ${key}; known: ${TARGETS.map((target) => target.key).join(', ')}`)
    }
  }
  return keys
}

function main() {
  const only = parseOnly(process.argv.slice(2))
  const ifStale = process.argv.includes('--if-stale')
  const chosen = TARGETS.filter((target) => !only || only.includes(target.key))
  const results = []
  for (const target of chosen) {
    if (ifStale && !target.cannot && isFresh(target)) {
      if (target.wasm) addHostImports(join(artifactsDir, target.key))
      results.push({ target, status: 'fresh', seconds: 0 })
      continue
    }
    const started = Date.now()
    console.log(`\n=== ${target.key} (${target.triple})`)
    if (!target.cannot) clearOutputs(target)
    try {
      build(target)
      results.push({ target, status: 'built', seconds: Math.round((Date.now() - started) / 1000) })
    } catch (error) {
      results.push({ target, status: error.cannot ? 'cannot' : 'FAILED', reason: error.message })
      console.error(`${target.key}: ${error.message}`)
    }
  }

  // Copy what was built into npm/<platform>/ the way the release workflow does.
  const builtPublished = results.filter((r) => ['built', 'fresh'].includes(r.status) && r.target.published !== false)
  // `napi artifacts` insists on every configured target; here it gets a config naming the ones at hand.
  // A target counts by its binary, not its directory: a failed build leaves an empty one behind.
  const ready = TARGETS.filter((target) => target.published !== false && !target.cannot && existsSync(buildOutput(target)))
  if (builtPublished.length > 0) {
    const config = join(artifactsDir, 'napi-built-here.json')
    writeFileSync(config, JSON.stringify({ ...manifest.napi, targets: ready.map((target) => target.triple) }, null, 2))
    const args = ['artifacts', '--config-path', config, '--output-dir', artifactsDir, '--npm-dir', 'npm']
    if (ready.some((target) => target.wasm)) args.push('--build-output-dir', join(artifactsDir, 'wasm32-wasi'))
    // `napi artifacts` removes every binary beside binding.js that it does not write: keep this system's
    // own addon (npm run build's) when this run has no build of it to put there.
    const own = detectSystem().key
    const ownAddon = join(root, `${binary}.${own}.node`)
    const kept = join(artifactsDir, 'own-addon.node')
    const keep = !ready.some((target) => target.key === own) && existsSync(ownAddon)
    if (keep) renameSync(ownAddon, kept)
    try {
      run(napi, args, { cwd: root })
    } finally {
      if (keep) renameSync(kept, ownAddon)
    }
    // `napi artifacts` also copies every binary beside binding.js. Only this system's can load there; the
    // others would only mislead what looks there (scripts/ensure-built.mjs, the e2e apps' platform package).
    for (const target of ready) if (!target.wasm && target.key !== own) rmSync(join(root, `${binary}.${target.key}.node`), { force: true })
  }
  // The generated loader also looks for the WASI build beside binding.js: `npm run test:wasm` runs the Jest
  // suite through it from the repository (git-ignored copies).
  if (ready.some((target) => target.wasm)) {
    for (const file of [`${binary}.wasi.cjs`, `${binary}.wasm32-wasi.wasm`, 'wasi-worker.mjs']) {
      copyFileSync(join(artifactsDir, 'wasm32-wasi', file), join(root, file))
    }
  }

  console.log('\nbuild:all')
  for (const { target, status, seconds, reason } of results) {
    const where = target.published === false ? `target/unpublished/${target.key} (not published)` : `npm/${target.key}`
    const detail =
      status === 'built' ? `${seconds}s → ${where}` : status === 'fresh' ? `up to date → ${where}` : status === 'cannot' ? `built only by the release workflow: ${reason.split('\n')[0]}` : reason.split('\n')[0]
    console.log(`  ${target.key.padEnd(16)} ${status.padEnd(7)} ${detail}`)
  }
  const failed = results.filter((r) => r.status === 'FAILED')
  process.exitCode = failed.length > 0 ? 1 : 0
}

if (process.argv[1] && process.argv[1].endsWith('build-all.mjs')) main()
