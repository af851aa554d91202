// Installs the servers the Redis tests start, when they are missing: redis-server and redis-cli from Debian's
// packages, and Valkey when Debian offers it on this machine. Run by the test harness before it starts a server
// (and by .ci/run up front); a machine that already has them is left alone.
//
//   node scripts/ensure-redis.mjs      prints what is available, installing first if needed
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Each flavour the tests can run: its server, its CLI, and the Debian packages that bring them. */
export const FLAVOURS = {
  redis: { server: 'redis-server', cli: 'redis-cli', packages: ['redis-server', 'redis-tools'] },
  valkey: { server: 'valkey-server', cli: 'valkey-cli', packages: ['valkey-server', 'valkey-tools'] },
}

const has = (binary) => spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0
const available = (flavour) => has(flavour.server) && has(flavour.cli)

function apt(args) {
  // Waits for another apt/dpkg (e.g. a parallel test worker installing the same packages) instead of failing.
  return spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  }).status === 0
}

const offered = (packages) => spawnSync('apt-cache', ['show', ...packages], { stdio: 'ignore' }).status === 0

/**
 * Installs what is missing; returns which flavours are available afterwards. The package lists are refreshed
 * only when Redis itself is missing and not offered (a fresh machine): Valkey is looked up in the lists as they
 * are, so a machine without it does not pay an `apt-get update` on every run.
 */
export function ensureRedis({ flavours = Object.keys(FLAVOURS), log = () => {} } = {}) {
  for (const name of flavours) {
    const flavour = FLAVOURS[name]
    if (available(flavour)) continue
    if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) continue
    if (name === 'redis' && !offered(flavour.packages)) apt(['update', '-qq'])
    if (!offered(flavour.packages)) {
      log(`${name}: not offered by this machine's Debian packages`)
      continue
    }
    log(`${name}: installing ${flavour.packages.join(' ')} with apt-get…`)
    apt(['install', '-y', '-qq', '--no-install-recommends', ...flavour.packages])
  }
  return Object.fromEntries(flavours.map((name) => [name, available(FLAVOURS[name])]))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = ensureRedis({ log: (line) => console.log(`ensure-redis: ${line}`) })
  for (const [name, ok] of Object.entries(result)) console.log(`ensure-redis: ${name} ${ok ? 'available' : 'not available'}`)
  if (!result.redis) process.exit(1)
}
