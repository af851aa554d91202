'use strict'
// The store: what the SDK calls, turned into commands and atomic scripts, each within one shard. Every rule
// (when a session ends, which index entries point at it, which sessions a logout removes, what a listing
// shows) is the cipher's: the addon's StoreCipher, or, in the benchmark, a plaintext stand-in that measures
// what sealing costs. This module only moves strings between the cipher and Redis.

const { commandRunner, withDeadline, bestEffort } = require('./client')
const { storeError } = require('./errors')
const { DEFAULT_PREFIX, DEFAULT_SHARDS, MAX_SHARDS, KeyLayout } = require('./keys')
const scripts = require('./scripts')

/** Milliseconds a store call may wait for Redis before it fails with ERR_STORE_TIMEOUT. */
const DEFAULT_TIMEOUT_MS = 2000
/**
 * Index entries read per command: a logout or a listing of a user with many entries reads them a page at a
 * time, so that no command holds Redis for long.
 */
const PAGE = 64

/** @typedef {import('./index').RedisSessionStoreOptions} RedisSessionStoreOptions */
/** @typedef {import('./index').LogoutTokenClaims} LogoutTokenClaims */
/** @typedef {import('./index').ListedSession} ListedSession */
/** @typedef {import('../index').SessionData} SessionData */
/** @typedef {import('../index').StoreIndexEntry} IndexEntry */
/** @typedef {import('../index').StoreTarget} Target */
/** @typedef {import('./client').Runner} Runner */

/**
 * What the store asks of its cipher: the addon's `StoreCipher` has exactly these methods.
 * @typedef {Pick<import('../index').StoreCipher,
 *   'seal' | 'open' | 'entriesOf' | 'indexTags' | 'logoutIndex' | 'logoutTargets' | 'linkedEntries' | 'list'>} Cipher
 */
/** @typedef {{ secret: string | string[], absoluteDuration?: number, inactivityDuration?: number, rolling?: boolean }} CipherOptions */
/**
 * The cipher's limits: ids of more UTF-8 bytes are refused before any command, and a listing stops at
 * the most sessions one cipher call takes.
 * @typedef {{ maxIdBytes: number, maxListed: number }} Limits
 */

const epoch = () => Math.floor(Date.now() / 1000)

/** @typedef {import('./index').RedisSessionStore} Store */

/** @implements {Store} */
class RedisSessionStore {
  /** @type {Runner} */
  #runner
  /** @type {Cipher | null} */
  #cipher
  /** @type {() => Cipher} */
  #makeCipher
  /** @type {KeyLayout} */
  #keys
  /** @type {number} */
  #timeout
  /** @type {number} */
  #replicas
  /** @type {Limits} */
  #limits

  /**
   * @param {RedisSessionStoreOptions} options
   * @param {(options: CipherOptions) => Cipher} makeCipher a StoreCipher, or anything with the same methods
   * @param {Limits} limits the cipher's
   */
  constructor(options, makeCipher, limits) {
    if (options === null || typeof options !== 'object') {
      throw argType('createRedisSessionStore(options): `options` must be an object')
    }
    this.#runner = commandRunner(options.client)
    const { secret, absoluteDuration, inactivityDuration, rolling } = options
    // Without a secret, the SDK's own AUTH0_SECRET, read on the first call: `next build` imports the app's
    // modules with no secret in its environment.
    this.#makeCipher = () =>
      makeCipher({ secret: secret ?? (process.env.AUTH0_SECRET || ''), absoluteDuration, inactivityDuration, rolling })
    this.#cipher = secret === undefined ? null : this.#makeCipher()
    this.#keys = new KeyLayout(prefixOption(options.prefix), shardsOption(options.shards))
    this.#timeout = timeoutOption(options.timeout)
    this.#replicas = replicasOption(options.replicas)
    this.#limits = limits
  }

  /**
   * The session stored under `id`, or `null` (absent, expired, or a value that does not open for this id).
   * @param {string} id
   * @returns {Promise<SessionData | null>}
   */
  async get(id) {
    this.#checkId(id)
    return withDeadline('get', this.#timeout, async (endsAt) => {
      const key = this.#keys.session(id)
      const value = await this.#runner.send(['GET', key], key)
      if (value === null || value === undefined) return null
      const sealed = String(value)
      let opened
      try {
        opened = this.#sealer().open(id, sealed) // judged by the system clock, in the core
      } catch {
        // Tampered, copied from another id, sealed under a secret no longer listed, or past its expiry:
        // the same answer as for a bad cookie.
        return null
      }
      const { reseal } = opened
      if (reseal) {
        // Opened with an older secret: write it back sealed under the newest, unless it changed meanwhile.
        // The session is read either way; a re-seal that fails is simply tried again on the next read.
        await bestEffort(endsAt, () =>
          this.#write('reseal', id, reseal.value, sealed, opened.expiresAt, reseal.entries, reseal.stale, endsAt),
        )
      }
      return opened.session
    })
  }

  /**
   * Upserts the session; Redis expires it with the session (absolute duration, inactivity, IdP ceiling).
   * @param {string} id
   * @param {SessionData} session
   * @returns {Promise<void>}
   */
  async set(id, session) {
    this.#checkId(id)
    await withDeadline('set', this.#timeout, (endsAt) => this.#save('set', id, session, endsAt))
  }

  /**
   * Writes the session only if `id` is still stored (a concurrent logout wins); `true` when written.
   * @param {string} id
   * @param {SessionData} session
   * @returns {Promise<boolean>}
   */
  async update(id, session) {
    this.#checkId(id)
    return withDeadline('update', this.#timeout, (endsAt) => this.#save('update', id, session, endsAt))
  }

  /**
   * Removes the session and its index entries.
   * @param {string} id
   * @returns {Promise<void>}
   */
  async delete(id) {
    this.#checkId(id)
    await withDeadline('delete', this.#timeout, async (endsAt) => {
      const key = this.#keys.session(id)
      const value = await this.#runner.send(['GET', key], key)
      if (value === null || value === undefined) return
      // The entries of a value that does not open (another secret, tampered) are left to expire, or to be
      // dropped by a later write: nothing names them.
      const entries = this.#sealer().entriesOf(id, String(value))
      await this.#remove('delete', this.#keys.shardOf(id), [{ id, entries }], endsAt)
    })
  }

  /**
   * Back-channel logout (OIDC Back-Channel Logout 1.0, 2.4): with a `sid`, the sessions of that IdP session
   * (and of that `sub`, when given too); with only a `sub`, every session of the user. With `iss`, only
   * sessions of that issuer (internal.mcd.issuer, else the ID token's `iss`) or of an unknown issuer.
   * @param {LogoutTokenClaims} logoutToken
   * @returns {Promise<void>}
   */
  async deleteByLogoutToken(logoutToken) {
    const plan = this.#sealer().logoutIndex(logoutToken)
    if (plan === null) return
    await withDeadline('deleteByLogoutToken', this.#timeout, (endsAt) =>
      this.#eachShard(async (shard) => {
        for (const [keyIndex, tag] of plan.tags.entries()) {
          const index = this.#keys.index(shard, plan.index, tag)
          // Entries the logout leaves (another issuer's) stay ahead of the next page.
          for (let kept = 0, more = true; more; ) {
            const members = await this.#page(index, kept)
            const targets = this.#sealer().logoutTargets(logoutToken, keyIndex, members)
            if (targets.length) await this.#remove('delete', shard, targets, endsAt)
            kept += members.length - targets.length
            more = members.length === PAGE
          }
        }
      }),
    )
  }

  /**
   * The live sessions of the user `sub`, most recently active first, as `{ sid, createdAt, expiresAt,
   * updatedAt }`: never a session id (a bearer credential) nor any token. One read per shard and page,
   * each within one slot, through the user's index.
   * @param {{ sub: string }} query
   * @returns {Promise<ListedSession[]>}
   */
  async listSessions(query) {
    if (query === null || typeof query !== 'object' || typeof query.sub !== 'string' || query.sub === '') {
      throw argType('listSessions({ sub }): `sub` must be a non-empty string')
    }
    const { sub } = query
    const tags = this.#sealer().indexTags('sub', sub)
    return withDeadline('listSessions', this.#timeout, async (endsAt) => {
      /** @type {string[]} */
      const ids = []
      /** @type {string[]} */
      const values = []
      /** @type {Array<[number, Target]>} */
      const gone = []
      await this.#eachShard(async (shard) => {
        for (const tag of tags) {
          const index = this.#keys.index(shard, 'sub', tag)
          for (let read = 0, more = true; more && ids.length < this.#limits.maxListed; ) {
            const members = await this.#page(index, read)
            read += members.length
            more = members.length === PAGE
            const targets = this.#sealer().linkedEntries('sub', tag, members)
            if (!targets.length) continue
            const keys = targets.map((t) => this.#keys.session(t.id, shard))
            const found = /** @type {unknown[]} */ (await this.#runner.send(['MGET', ...keys], keys[0]))
            targets.forEach((target, i) => {
              const value = found[i]
              if (value === null || value === undefined) gone.push([shard, target])
              else if (ids.length < this.#limits.maxListed) {
                ids.push(target.id)
                values.push(String(value))
              }
            })
          }
        }
      })
      // The entries of sessions that are gone are dropped on the way (their keys are known now).
      await bestEffort(endsAt, () => this.#trim(gone, endsAt))
      return this.#sealer().list(sub, ids, values).map((s) => ({
        sid: s.sid ?? null,
        createdAt: s.createdAt ?? null,
        expiresAt: s.expiresAt,
        updatedAt: s.updatedAt ?? null,
      }))
    })
  }

  /**
   * Seals and writes `session` for `set`/`update`; an already ended session is deleted instead.
   * @param {'set' | 'update'} mode
   * @param {string} id
   * @param {SessionData} session
   * @param {number} endsAt
   * @returns {Promise<boolean>} whether it was written
   */
  async #save(mode, id, session, endsAt) {
    if (session === null || typeof session !== 'object') {
      throw argType(`${mode}(id, session): \`session\` must be a SessionData object`)
    }
    const sealed = this.#sealer().seal(id, session)
    if (sealed.value === undefined) {
      await this.#remove('delete', this.#keys.shardOf(id), [{ id, entries: sealed.entries }])
      return false
    }
    return this.#write(mode, id, sealed.value, String(sealed.ttl), sealed.expiresAt, sealed.entries, [], endsAt)
  }

  /**
   * One atomic script: the sealed value and its index entries, in the session's shard; then, at most, one
   * more for the entries of sessions that are gone among those the script sampled.
   * @param {'set' | 'update' | 'reseal'} mode
   * @param {string} id
   * @param {string} value
   * @param {string} third the TTL in seconds for 'set'/'update', the value expected in place for 'reseal'
   * @param {number} expiresAt
   * @param {IndexEntry[]} entries
   * @param {IndexEntry[]} stale entries to remove
   * @param {number} endsAt
   * @returns {Promise<boolean>}
   */
  async #write(mode, id, value, third, expiresAt, entries, stale, endsAt) {
    const shard = this.#keys.shardOf(id)
    const keys = [this.#keys.session(id, shard), ...[...entries, ...stale].map((e) => this.#keys.index(shard, e.index, e.tag))]
    const args = [mode, value, third, String(epoch()), String(expiresAt), String(entries.length), String(Math.random())]
    args.push(...entries.map((e) => e.member), ...stale.map((e) => e.member))
    const send = (/** @type {string[]} */ a, /** @type {string} */ k) => this.#runner.send(a, k)
    const [written, ...samples] = /** @type {[number, ...string[][]]} */ (await scripts.write.run(send, keys, args))
    /** @type {Array<[number, Target]>} */
    const candidates = []
    entries.forEach((entry, i) => {
      const sample = (samples[i] ?? []).map(String)
      if (!sample.length) return
      for (const target of this.#sealer().linkedEntries(entry.index, entry.tag, sample)) {
        if (target.id !== id) candidates.push([shard, target])
      }
    })
    if (candidates.length) await bestEffort(endsAt, () => this.#trim(candidates, endsAt))
    return Number(written) === 1
  }

  /**
   * Drops the entries of those `targets` whose session is gone, one script per shard.
   * @param {Array<[number, Target]>} targets
   * @param {number} endsAt
   */
  async #trim(targets, endsAt) {
    /** @type {Map<number, Target[]>} */
    const byShard = new Map()
    for (const [shard, target] of targets) byShard.set(shard, [...(byShard.get(shard) ?? []), target])
    await Promise.all([...byShard].map(([shard, list]) => this.#remove('trim', shard, list, endsAt)))
  }

  /**
   * The REMOVE script for sessions of one shard: 'delete' removes them with their entries (and, with
   * `replicas`, waits for replicas to confirm it); 'trim' drops the entries of those that are gone.
   * @param {'delete' | 'trim'} mode
   * @param {number} shard
   * @param {Array<{ id: string, entries: IndexEntry[] }>} targets
   * @param {number} [endsAt] the call's deadline, when it waits for replicas
   */
  async #remove(mode, shard, targets, endsAt) {
    /** @type {string[]} */
    const keys = []
    /** @type {string[]} */
    const args = [mode]
    for (const { id, entries } of targets) {
      keys.push(this.#keys.session(id, shard), ...entries.map((e) => this.#keys.index(shard, e.index, e.tag)))
      args.push(String(entries.length), ...entries.map((e) => e.member))
    }
    await scripts.remove.run((a, k) => this.#runner.send(a, k), keys, args)
    if (mode === 'delete' && this.#replicas > 0 && endsAt !== undefined) {
      // Replicas get most of what is left of the call's time: the rest is for their answer to come back.
      await this.#runner.waitForReplicas(keys[0], this.#replicas, (endsAt - performance.now()) * 0.75)
    }
  }

  /**
   * One page of an index's live entries, after the first `offset`.
   * @param {string} index
   * @param {number} offset
   * @returns {Promise<string[]>}
   */
  async #page(index, offset) {
    const page = await this.#runner.send(
      ['ZRANGEBYSCORE', index, `(${epoch()}`, '+inf', 'LIMIT', String(offset), String(PAGE)],
      index,
    )
    return Array.isArray(page) ? page.map(String) : []
  }

  /** The cipher, made on the first call when the store was given no secret. */
  #sealer() {
    this.#cipher ??= this.#makeCipher()
    return this.#cipher
  }

  /** @param {unknown} id */
  #checkId(id) {
    if (typeof id !== 'string') throw argType('the session id must be a string')
    const max = this.#limits.maxIdBytes
    const bytes = id.length > max ? max + 1 : Buffer.byteLength(id)
    if (bytes === 0 || bytes > max) throw argValue(`the session id must be 1 to ${max} bytes of UTF-8`)
  }

  /**
   * Runs `work` for every shard at once.
   * @param {(shard: number) => Promise<void>} work
   */
  async #eachShard(work) {
    await Promise.all(Array.from({ length: this.#keys.shards }, (_, shard) => work(shard)))
  }
}

/** @param {unknown} prefix */
function prefixOption(prefix) {
  if (prefix === undefined) return DEFAULT_PREFIX
  if (typeof prefix !== 'string') throw argType('createRedisSessionStore: `prefix` must be a string')
  // A brace would move the hash tag, and with it the slot, of every key.
  if (/[{}]/.test(prefix) || prefix.length > 128) {
    throw argValue('createRedisSessionStore: `prefix` must be at most 128 characters, without `{` or `}`')
  }
  return prefix
}

/** @param {unknown} shards */
function shardsOption(shards) {
  if (shards === undefined) return DEFAULT_SHARDS
  if (!Number.isInteger(shards) || Number(shards) < 1 || Number(shards) > MAX_SHARDS) {
    throw argValue(`createRedisSessionStore: \`shards\` must be an integer from 1 to ${MAX_SHARDS}`)
  }
  return Number(shards)
}

/** @param {unknown} timeout */
function timeoutOption(timeout) {
  if (timeout === undefined) return DEFAULT_TIMEOUT_MS
  if (!Number.isInteger(timeout) || Number(timeout) < 1 || Number(timeout) > 2 ** 31 - 1) {
    throw argValue('createRedisSessionStore: `timeout` must be a positive integer number of milliseconds')
  }
  return Number(timeout)
}

/** @param {unknown} replicas */
function replicasOption(replicas) {
  if (replicas === undefined) return 0
  if (!Number.isInteger(replicas) || Number(replicas) < 0 || Number(replicas) > 64) {
    throw argValue('createRedisSessionStore: `replicas` must be an integer from 0 to 64')
  }
  return Number(replicas)
}

/** @param {string} message */
const argType = (message) => storeError('ERR_INVALID_ARG_TYPE', message)
/** @param {string} message */
const argValue = (message) => storeError('ERR_INVALID_ARG_VALUE', message)

module.exports = { RedisSessionStore }
