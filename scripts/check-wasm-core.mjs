// `node scripts/check-wasm-core.mjs` (CI runs it): the Rust that only WebAssembly and fuzzing compile,
// compiled here so that it cannot rot unseen, and the AEAD's known answers run on WebAssembly:
//
//   - `cargo check` of the fuzz workspace (fuzz/: its own lockfile; every target built, not run);
//   - `cargo check` of the core for wasm32-wasip1 (the AES-256-GCM it imports from the host);
//   - the core's AEAD known-answer tests (NIST and Wycheproof, tests/aead_known_answers.rs) compiled for
//     wasm32-wasip1 and run by Node's WASI, with the host's AES-256-GCM the WASM package gets
//     (scripts/wasm-host-crypto.cjs): the very path a WASM user's cookies take.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { WASI } from 'node:wasi'
import { runSync as run } from './lib/processes.mjs'
import { repoRoot as root } from './lib/repo.mjs'
import { ensureRustTargets } from './lib/tools.mjs'

const TARGET = 'wasm32-wasip1'
const step = (what, fn) => {
  const started = Date.now()
  fn()
  console.log(`check-wasm-core: ${what} (${Math.round((Date.now() - started) / 1000)} s)`)
}

ensureRustTargets([TARGET])
step('cargo check of the fuzz workspace', () => run('cargo', ['check', '--quiet', '--locked', '--manifest-path', join(root, 'fuzz', 'Cargo.toml'), '--bins'], { cwd: root }))
step(`cargo check of the core for ${TARGET}`, () => run('cargo', ['check', '--quiet', '--locked', '-p', 'session-seal-core', '--target', TARGET], { cwd: root }))

let executable
step(`the AEAD known-answer tests built for ${TARGET}`, () => {
  const built = run('cargo', ['test', '--no-run', '--locked', '-p', 'session-seal-core', '--target', TARGET, '--test', 'aead_known_answers', '--message-format=json'], {
    cwd: root,
    capture: true,
    quiet: true,
  })
  executable = built.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .find((message) => message.reason === 'compiler-artifact' && message.target?.name === 'aead_known_answers' && message.executable)?.executable
  if (!executable) throw new Error('cargo built no aead_known_answers test executable')
})

const hostCrypto = createRequire(import.meta.url)('./wasm-host-crypto.cjs')
// The NIST vectors are read from the crate's tests/data/ by absolute path: the crate is visible at its own.
const crate = join(root, 'crates', 'core')
const wasi = new WASI({ version: 'preview1', args: ['aead_known_answers', '--test-threads=1'], env: {}, preopens: { [crate]: crate }, returnOnExit: true })
const module = await WebAssembly.compile(readFileSync(executable))
let instance
// The test binary exports its memory (no threads): the host functions read it through the instance.
const memory = { get buffer() { return instance.exports.memory.buffer } }
instance = await WebAssembly.instantiate(module, {
  wasi_snapshot_preview1: wasi.wasiImport,
  session_seal_host: hostCrypto(/** @type {WebAssembly.Memory} */ (memory)),
})
const started = Date.now()
const code = wasi.start(instance)
console.log(`check-wasm-core: the AEAD known-answer tests on ${TARGET}, AES-256-GCM from node:crypto: exit ${code} (${Math.round((Date.now() - started) / 1000)} s)`)
process.exitCode = code
