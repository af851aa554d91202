// Builds the native addon when it is missing or older than its sources, so `npm test` and the demo work on
// a fresh clone with nothing but Rust, Node and npm.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

function newestSource(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map((entry) => newestSource(join(path, entry))))
}

const addon = readdirSync(root).find((name) => /^session-seal\..+\.node$/.test(name))
const sources = ['src', 'crates', 'Cargo.toml', 'Cargo.lock', 'build.rs', 'types'].map((p) => newestSource(join(root, p)))
const stale = !addon || statSync(join(root, addon)).mtimeMs < Math.max(...sources)

if (stale) {
  console.log(addon ? 'session-seal: sources changed, rebuilding the addon…' : 'session-seal: building the addon…')
  const build = spawnSync('npx', ['napi', 'build', '--platform', '--release'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
