// Builds the native addon when it is missing or older than its sources, so `npm test` and the demo work on
// a fresh clone with nothing but Rust, Node and npm.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { repoRoot } from './lib/repo.mjs'

function newestSource(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map((entry) => newestSource(join(path, entry))))
}

// This system's addon (`npm run build:all` may leave other platforms' binaries in npm/, never here).
const own = `session-seal.${createRequire(import.meta.url)('../load-error.js').detectSystem().key}.node`
const addon = readdirSync(repoRoot).includes(own) ? own : null
const sources = ['src', 'crates', 'Cargo.toml', 'Cargo.lock', 'build.rs', 'types'].map((p) => newestSource(join(repoRoot, p)))
const stale = !addon || statSync(join(repoRoot, addon)).mtimeMs < Math.max(...sources)

if (stale) {
  console.log(addon ? 'session-seal: sources changed, rebuilding the addon…' : 'session-seal: building the addon…')
  // `npm run build`, so that its flags (the loader goes to binding.js, under the hand-written index.js) live in
  // package.json alone.
  const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
