'use strict'
// The two Lua scripts of the store. A script runs atomically, so a session and its index entries are never
// seen half-written. Every key a script touches is one of its KEYS, never a name it builds: so a client's key
// prefix, ACL key patterns, Redis Cluster and Dragonfly all see every key. All of a script's keys share one
// hash tag (see keys.js), so it runs on one node.

const { createHash } = require('node:crypto')

/**
 * Writes a sealed session and indexes it.
 *   KEYS[1]           the session key
 *   KEYS[2..1+n]      the index keys to add the session to; the KEYS after them, index keys to remove it from
 *   ARGV[1]           mode: 'set' (upsert), 'update' (only if the session exists), 'reseal' (only if the stored
 *                     value is still ARGV[3]; the TTL is kept)
 *   ARGV[2]           the sealed value
 *   ARGV[3]           seconds to live ('set', 'update'), or the value expected in place ('reseal')
 *   ARGV[4]           now (epoch seconds); ARGV[5] the session's expiry (epoch seconds): the index score
 *   ARGV[6]           n; ARGV[7] a random number in [0, 1): where to sample each index
 *   ARGV[8..]         the members, one per index key (added, then removed)
 * Returns {0} when the condition of 'update'/'reseal' did not hold; else {1, sample of index 1, …}: for each
 * index that holds more than a few entries, a few of them, for the caller to drop those whose session is gone
 * (it alone can name their keys). Each index drops a bounded number of expired entries, then lives as long as
 * its longest-lived entry: a write never does more than a bounded amount of work.
 */
const WRITE = `
local EXPIRED_PER_WRITE, SAMPLE_FROM, SAMPLE = 64, 8, 8
local mode, now, added, roll = ARGV[1], tonumber(ARGV[4]), tonumber(ARGV[6]), tonumber(ARGV[7])
if mode == 'update' and redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
if mode == 'reseal' then
  if redis.call('GET', KEYS[1]) ~= ARGV[3] then return {0} end
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
else
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
local reply = {1}
for i = 1, added do
  local index = KEYS[1 + i]
  local expired = redis.call('ZCOUNT', index, '-inf', now)
  if expired > 0 then redis.call('ZREMRANGEBYRANK', index, 0, math.min(expired, EXPIRED_PER_WRITE) - 1) end
  redis.call('ZADD', index, ARGV[5], ARGV[7 + i])
  local size = redis.call('ZCARD', index)
  local sample = {}
  if size > SAMPLE_FROM then
    local start = math.floor(roll * (size - SAMPLE + 1))
    sample = redis.call('ZRANGE', index, start, start + SAMPLE - 1)
  end
  reply[1 + i] = sample
  local last = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
  redis.call('EXPIRE', index, math.max(1, math.ceil(tonumber(last[2]) - now)))
end
for i = 1 + added, #KEYS - 1 do
  redis.call('ZREM', KEYS[1 + i], ARGV[7 + i])
end
return reply
`

/**
 * Removes sessions and their index entries.
 *   KEYS        for each session: its key, then the index keys of its entries
 *   ARGV[1]     'delete' (remove each session and its entries) or 'trim' (remove the entries of each session
 *               that is gone, and leave the others alone)
 *   ARGV[2..]   for each session: the number of its entries, then its members, one per index key
 * Returns the number of sessions deleted.
 */
const REMOVE = `
local deleting = ARGV[1] == 'delete'
local k, a, deleted = 1, 2, 0
while a <= #ARGV do
  local count = tonumber(ARGV[a])
  local gone = true
  if deleting then
    deleted = deleted + redis.call('DEL', KEYS[k])
  else
    gone = redis.call('EXISTS', KEYS[k]) == 0
  end
  for i = 1, count do
    if gone then redis.call('ZREM', KEYS[k + i], ARGV[a + i]) end
  end
  k, a = k + 1 + count, a + 1 + count
end
return deleted
`

class Script {
  /** @param {string} source */
  constructor(source) {
    this.source = source
    // SHA-1 because EVALSHA names scripts by it; nothing here relies on its strength.
    this.sha = createHash('sha1').update(source).digest('hex')
  }

  /**
   * EVALSHA, falling back to EVAL once on a node that has not seen the script yet (a new server, or a replica
   * just promoted: script caches are not replicated); `send` is the runner's.
   * @param {(args: string[], firstKey: string) => Promise<unknown>} send
   * @param {string[]} keys
   * @param {string[]} args
   */
  async run(send, keys, args) {
    const tail = [String(keys.length), ...keys, ...args]
    try {
      return await send(['EVALSHA', this.sha, ...tail], keys[0])
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : ''
      if (!cause.startsWith('NOSCRIPT')) throw err
      return send(['EVAL', this.source, ...tail], keys[0])
    }
  }
}

module.exports = {
  write: new Script(WRITE),
  remove: new Script(REMOVE),
}
