'use strict'
// Where a session and its logout indexes live in Redis.
//
// Every key of one session carries the same hash tag, `{N}`, N being the session's shard: the session value,
// and the two index entries that point at it, always sit in one hash slot, so each write is a single atomic
// script on a single node, on a single server and on a Redis Cluster alike. The shard is a pure function of the
// session id, so `get(id)` knows where to look; a back-channel logout, which knows a `sub` or `sid` but no id,
// asks each shard in turn (one script per shard, each within its slot). Spreading the shards over the slots is
// what lets a cluster share the sessions between its masters.
//
//   <prefix>{N}:s:<id>    the sealed session (a string, expiring with the session)
//   <prefix>{N}:u:<tag>   sessions of one subject, `tag` a keyed hash of `sub` (a sorted set, score = expiry)
//   <prefix>{N}:p:<tag>   sessions of one IdP session, `tag` a keyed hash of `sid` (same)
//
// The index members are `<issuer tag>.<subject tag>.<id>`: enough to filter a logout on `iss` and `sub`
// without opening a single session. No `sub`, `sid` or issuer ever appears in clear.

/** The default key prefix. */
const DEFAULT_PREFIX = 'sess:'
/** The default number of shards; fixed for the life of a deployment (see docs/redis.md). */
const DEFAULT_SHARDS = 16
const MAX_SHARDS = 1024
/** Session ids of more UTF-8 bytes are refused before any command: the core's `store::MAX_ID_BYTES`. */
const MAX_ID_BYTES = 256

/** Separates the tags and the id in an index member; base64url tags never contain it. */
const MEMBER_SEPARATOR = '.'

/** FNV-1a over the id's UTF-16 code units: stable, cheap, evenly spread for random ids. */
function shardOf(id, shards) {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % shards
}

class KeyLayout {
  constructor(prefix, shards) {
    this.prefix = prefix
    this.shards = shards
  }

  /** `<prefix>{N}:` — everything of shard N starts with it (the hash tag decides the slot). */
  shardPrefix(shard) {
    return `${this.prefix}{${shard}}:`
  }

  shardOf(id) {
    return shardOf(id, this.shards)
  }

  /** The session key's prefix within a shard: the logout script appends the id to it. */
  sessionPrefix(shard) {
    return `${this.shardPrefix(shard)}s:`
  }

  session(id) {
    return this.sessionPrefix(this.shardOf(id)) + id
  }

  subjectIndex(shard, tag) {
    return `${this.shardPrefix(shard)}u:${tag}`
  }

  sidIndex(shard, tag) {
    return `${this.shardPrefix(shard)}p:${tag}`
  }
}

/** An index member: issuer tag ('' when the session's issuer is unknown), subject tag, id. */
function indexMember(issuerTag, subjectTag, id) {
  return `${issuerTag}${MEMBER_SEPARATOR}${subjectTag}${MEMBER_SEPARATOR}${id}`
}

module.exports = {
  DEFAULT_PREFIX,
  DEFAULT_SHARDS,
  MAX_SHARDS,
  MAX_ID_BYTES,
  MEMBER_SEPARATOR,
  KeyLayout,
  indexMember,
  shardOf,
}
