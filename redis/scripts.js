'use strict'
// The two Lua scripts of the store. A script runs atomically, so a session and its index entries are never
// seen half-written; all the keys a script touches share one hash tag (see keys.js), so it runs on one node.

const { createHash } = require('node:crypto')

/**
 * Writes a sealed session and indexes it.
 *   KEYS[1]    the session key; KEYS[2..] its index keys (subject, sid)
 *   ARGV[1]    mode: 'set' (upsert), 'update' (only if the session exists), 'reseal' (only if the stored value
 *              is still ARGV[3]; the TTL is kept)
 *   ARGV[2]    the sealed value
 *   ARGV[3]    seconds to live ('set', 'update'), or the value expected in place ('reseal')
 *   ARGV[4]    now (epoch seconds); ARGV[5] the session's expiry (epoch seconds): the index score
 *   ARGV[6..]  the index members, one per index key
 * Returns 1 when written, 0 when the condition of 'update'/'reseal' did not hold.
 * Each index drops its expired members, then lives as long as its longest-lived member.
 */
const WRITE = `
local mode = ARGV[1]
if mode == 'update' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if mode == 'reseal' then
  if redis.call('GET', KEYS[1]) ~= ARGV[3] then return 0 end
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
else
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
local now = tonumber(ARGV[4])
for i = 2, #KEYS do
  local index = KEYS[i]
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  redis.call('ZADD', index, ARGV[5], ARGV[4 + i])
  local last = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
  redis.call('EXPIRE', index, math.max(1, math.ceil(tonumber(last[2]) - now)))
end
return 1
`

/**
 * Back-channel logout within one shard: deletes the sessions an index lists whose tags match.
 *   KEYS[i]    an index key (one per secret: the tags differ by secret)
 *   ARGV[1]    now; ARGV[2] the shard's session-key prefix (the id is appended; same hash tag as KEYS)
 *   ARGV[1+2i] the issuer tag wanted with KEYS[i] ('' = any); an entry whose issuer is unknown ('') matches any
 *   ARGV[2+2i] the subject tag wanted with KEYS[i] ('' = any)
 * Returns the number of sessions deleted.
 */
const DELETE_BY_INDEX = `
local now = tonumber(ARGV[1])
local prefix = ARGV[2]
local deleted = 0
for i = 1, #KEYS do
  local wantIssuer, wantSubject = ARGV[1 + 2 * i], ARGV[2 + 2 * i]
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  for _, member in ipairs(redis.call('ZRANGE', KEYS[i], 0, -1)) do
    local issuer, subject, id = string.match(member, '^([^.]*)%.([^.]*)%.(.+)$')
    if id and (wantIssuer == '' or issuer == '' or issuer == wantIssuer)
       and (wantSubject == '' or subject == wantSubject) then
      deleted = deleted + redis.call('DEL', prefix .. id)
      redis.call('ZREM', KEYS[i], member)
    end
  end
end
return deleted
`

class Script {
  constructor(source) {
    this.source = source
    // SHA-1 because EVALSHA names scripts by it; nothing here relies on its strength.
    this.sha = createHash('sha1').update(source).digest('hex')
  }

  /** EVALSHA, falling back to EVAL once on a node that has not seen the script yet. */
  async run(runner, keys, args) {
    const tail = [String(keys.length), ...keys, ...args]
    try {
      return await runner.send(['EVALSHA', this.sha, ...tail], keys[0])
    } catch (err) {
      if (!/^NOSCRIPT/.test(err.cause && err.cause.message)) throw err
      return runner.send(['EVAL', this.source, ...tail], keys[0])
    }
  }
}

module.exports = {
  write: new Script(WRITE),
  deleteByIndex: new Script(DELETE_BY_INDEX),
}
