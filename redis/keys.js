'use strict'
// Where a session and its logout indexes live in Redis.
//
// Every key of one session carries the same hash tag, `{N}`, N being the session's shard: the session value,
// and the two index entries that point at it, always sit in one hash slot, so each write is a single atomic
// script on a single node, on a single server and on a Redis Cluster alike. The shard is a pure function of the
// session id, so `get(id)` knows where to look; a back-channel logout, which knows a `sub` or `sid` but no id,
// asks each shard in turn (a few commands per shard, each within its slot). Spreading the shards over the
// slots is what lets a cluster share the sessions between its masters.
//
//   <prefix>{N}:s:<id>    the sealed session (a string, expiring with the session)
//   <prefix>{N}:u:<tag>   sessions of one subject, `tag` a keyed hash of `sub` (a sorted set, score = expiry)
//   <prefix>{N}:p:<tag>   sessions of one IdP session, `tag` a keyed hash of `sid` (same)
//
// The index members and tags are the core's (StoreCipher): no `sub`, `sid` or issuer ever appears in clear.
// A client's own key prefix (ioredis `keyPrefix`) goes in front of all of it: every key the store touches is
// a key it names in its commands, so the client prefixes each one.

/** The default key prefix. */
const DEFAULT_PREFIX = 'sess:'
/** The default number of shards; fixed for the life of a deployment (see docs/redis.md). */
const DEFAULT_SHARDS = 16
const MAX_SHARDS = 1024

/** The letter of each index in its key. */
const INDEX_LETTER = { sub: 'u', sid: 'p' }

/**
 * FNV-1a over the id's UTF-16 code units: stable, cheap, evenly spread for random ids.
 * @param {string} id
 * @param {number} shards
 */
function shardOf(id, shards) {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % shards
}

class KeyLayout {
  /**
   * @param {string} prefix
   * @param {number} shards
   */
  constructor(prefix, shards) {
    this.prefix = prefix
    this.shards = shards
  }

  /**
   * `<prefix>{N}:` — everything of shard N starts with it (the hash tag decides the slot).
   * @param {number} shard
   */
  shardPrefix(shard) {
    return `${this.prefix}{${shard}}:`
  }

  /** @param {string} id */
  shardOf(id) {
    return shardOf(id, this.shards)
  }

  /**
   * The session key of `id`, in `shard` (its own unless told).
   * @param {string} id
   * @param {number} [shard]
   */
  session(id, shard = this.shardOf(id)) {
    return `${this.shardPrefix(shard)}s:${id}`
  }

  /**
   * An index key of `shard`.
   * @param {number} shard
   * @param {'sub' | 'sid'} index
   * @param {string} tag
   */
  index(shard, index, tag) {
    return `${this.shardPrefix(shard)}${INDEX_LETTER[index]}:${tag}`
  }
}

module.exports = { DEFAULT_PREFIX, DEFAULT_SHARDS, MAX_SHARDS, KeyLayout, shardOf }
