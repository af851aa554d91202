// `node scripts/ensure-redis.mjs`: installs the Redis suites' servers where they are missing (redis-server,
// valkey-server; scripts/lib/redis-install.mjs says how) and prints what is available. Exits 1 if any is not:
// .ci/run installs them up front, so that a missing one fails before any test starts.
import { ensureRedis } from './lib/redis-install.mjs'

const { reasons, ...result } = ensureRedis({ log: (line) => console.log(`ensure-redis: ${line}`) })
for (const [name, ok] of Object.entries(result)) console.log(`ensure-redis: ${name} ${ok ? 'available' : `not available (${reasons[name]})`}`)
if (!Object.values(result).every(Boolean)) process.exit(1)
