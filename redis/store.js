'use strict'
// The store: what the SDK calls, turned into one atomic script or command per shard. The sealing is the
// cipher's job: the addon's StoreCipher (seal, open, writeTags, indexTags), or, in the benchmark, a plaintext stand-in
// that measures what sealing costs.

const { commandRunner, withDeadline } = require('./client')
const { storeError } = require('./errors')
const { DEFAULT_PREFIX, DEFAULT_SHARDS, MAX_SHARDS, MAX_ID_BYTES, KeyLayout, indexMember } = require('./keys')
const scripts = require('./scripts')

/** The SDK's session defaults (`Auth0Client({ session })`): the store must use the same durations. */
const DEFAULT_ABSOLUTE_DURATION = 60 * 60 * 24 * 3
const DEFAULT_INACTIVITY_DURATION = 60 * 60 * 24
/** Milliseconds a store call may wait for Redis before it fails with ERR_STORE_TIMEOUT. */
const DEFAULT_TIMEOUT_MS = 2000

const epoch = () => Math.floor(Date.now() / 1000)

class RedisSessionStore {
  #runner
  #cipher
  #makeCipher
  #keys
  #absoluteDuration
  #inactivityDuration
  #rolling
  #timeout

  /**
   * `makeCipher(secret)`: a StoreCipher (index.d.ts), or anything with the same methods. Without `secret`, the
   * SDK's own AUTH0_SECRET is read on the first call, not at import: `next build` imports the app's modules
   * with no secret in its environment.
   */
  constructor(options, makeCipher) {
    if (options === null || typeof options !== 'object') {
      throw argType('createRedisSessionStore(options): `options` must be an object')
    }
    this.#runner = commandRunner(options.client)
    this.#makeCipher = makeCipher
    this.#cipher = options.secret === undefined ? null : makeCipher(options.secret)
    this.#keys = new KeyLayout(prefixOption(options.prefix), shardsOption(options.shards))
    this.#absoluteDuration = secondsOption('absoluteDuration', options.absoluteDuration, DEFAULT_ABSOLUTE_DURATION)
    this.#inactivityDuration = secondsOption('inactivityDuration', options.inactivityDuration, DEFAULT_INACTIVITY_DURATION)
    this.#rolling = booleanOption('rolling', options.rolling, true)
    this.#timeout = timeoutOption(options.timeout)
  }

  /** The session stored under `id`, or `null` (absent, expired, or a value that does not open for this id). */
  async get(id) {
    checkId(id)
    return withDeadline('get', this.#timeout, async () => {
      const key = this.#keys.session(id)
      const value = await this.#runner.send(['GET', key], key)
      if (value === null || value === undefined) return null
      const sealed = String(value)
      const cipher = this.#sealer()
      let opened
      try {
        opened = cipher.open(id, sealed) // judged by the system clock, in the core
      } catch {
        // Tampered, copied from another id, sealed under a secret no longer listed, or past its expiry:
        // the same answer as for a bad cookie.
        return null
      }
      if (opened.keyIndex > 0) {
        // Opened with an older secret: seal it again under the newest, unless it changed meanwhile. The session
        // is read either way; a failed re-seal is simply tried again on the next read.
        await this.#write('reseal', id, opened.session, opened.expiresAt, epoch(), sealed).catch(() => {})
      }
      return opened.session
    })
  }

  /** Upserts the session; Redis expires it with the session (absolute duration, inactivity, IdP ceiling). */
  async set(id, session) {
    checkId(id)
    await withDeadline('set', this.#timeout, () => this.#save('set', id, session))
  }

  /** Writes the session only if `id` is still stored (a concurrent logout wins); `true` when written. */
  async update(id, session) {
    checkId(id)
    return withDeadline('update', this.#timeout, async () => (await this.#save('update', id, session)) === 1)
  }

  async delete(id) {
    checkId(id)
    await withDeadline('delete', this.#timeout, async () => {
      const key = this.#keys.session(id)
      await this.#runner.send(['DEL', key], key)
    })
  }

  /**
   * Back-channel logout (OIDC Back-Channel Logout 1.0, 2.4): with a `sid`, the sessions of that IdP session
   * (and of that `sub`, when given too); with only a `sub`, every session of the user. With `iss`, only
   * sessions of that issuer (internal.mcd.issuer, else the ID token's `iss`) or of an unknown issuer.
   */
  async deleteByLogoutToken(logoutToken) {
    if (logoutToken === null || typeof logoutToken !== 'object') {
      throw argType('deleteByLogoutToken(logoutToken): `logoutToken` must be an object')
    }
    const sub = optionalClaim(logoutToken, 'sub')
    const sid = optionalClaim(logoutToken, 'sid')
    const iss = optionalClaim(logoutToken, 'iss')
    if (sub === undefined && sid === undefined) return
    const bySid = sid !== undefined
    const indexTags = this.#sealer().indexTags(bySid ? 'sid' : 'sub', bySid ? sid : sub)
    const issuerTags = iss === undefined ? null : this.#sealer().indexTags('iss', normalizeIssuer(iss))
    const subjectTags = bySid && sub !== undefined ? this.#sealer().indexTags('sub', sub) : null
    const now = String(epoch())
    await withDeadline('deleteByLogoutToken', this.#timeout, () =>
      Promise.all(
        Array.from({ length: this.#keys.shards }, (_, shard) => {
          const keys = indexTags.map((tag) =>
            bySid ? this.#keys.sidIndex(shard, tag) : this.#keys.subjectIndex(shard, tag),
          )
          const args = [now, this.#keys.sessionPrefix(shard)]
          indexTags.forEach((_, i) => args.push(issuerTags ? issuerTags[i] : '', subjectTags ? subjectTags[i] : ''))
          return scripts.deleteByIndex.run(this.#runner, keys, args)
        }),
      ),
    )
  }

  /** The cipher; made from AUTH0_SECRET on the first call when no `secret` was given. */
  #sealer() {
    this.#cipher ??= this.#makeCipher(process.env.AUTH0_SECRET || undefined)
    return this.#cipher
  }

  /** Seals and writes `session` for `set`/`update`; an already expired session is deleted instead. */
  async #save(mode, id, session) {
    if (session === null || typeof session !== 'object') {
      throw argType(`${mode}(id, session): \`session\` must be a SessionData object`)
    }
    const now = epoch()
    const expiresAt = this.#expiresAt(session, now)
    if (expiresAt <= now) {
      const key = this.#keys.session(id)
      await this.#runner.send(['DEL', key], key)
      return 0
    }
    return this.#write(mode, id, session, expiresAt, now, String(expiresAt - now))
  }

  /**
   * One atomic script: the sealed value and its index entries, in the session's shard. `third` is the TTL in
   * seconds for 'set'/'update', the value expected in place for 'reseal'.
   */
  #write(mode, id, session, expiresAt, now, third) {
    const shard = this.#keys.shardOf(id)
    const sub = session.user && typeof session.user.sub === 'string' ? session.user.sub : undefined
    const sid = session.internal && typeof session.internal.sid === 'string' ? session.internal.sid : undefined
    const issuer = sessionIssuer(session)
    const value = this.#sealer().seal(id, session, expiresAt)
    // The newest secret's tags, '' for what the session lacks (an unknown issuer matches any `iss`).
    const [subjectTag, sidTag, issuerTag] = this.#sealer().writeTags(sub, sid, issuer)
    const member = indexMember(issuerTag, subjectTag, id)
    const keys = [this.#keys.sessionPrefix(shard) + id]
    const members = []
    if (sub !== undefined) {
      keys.push(this.#keys.subjectIndex(shard, subjectTag))
      members.push(member)
    }
    if (sid !== undefined) {
      keys.push(this.#keys.sidIndex(shard, sidTag))
      members.push(member)
    }
    return scripts.write.run(this.#runner, keys, [mode, value, third, String(now), String(expiresAt), ...members])
  }

  /**
   * When the session ends, as the SDK computes the cookie's life: `createdAt + absoluteDuration`, and with
   * rolling sessions no later than `now + inactivityDuration`; never after the IdP's `sessionExpiresAt`.
   */
  #expiresAt(session, now) {
    const internal = session.internal !== null && typeof session.internal === 'object' ? session.internal : {}
    const createdAt = Number.isFinite(internal.createdAt) ? internal.createdAt : now
    let expiresAt = createdAt + this.#absoluteDuration
    if (this.#rolling) expiresAt = Math.min(expiresAt, now + this.#inactivityDuration)
    if (Number.isFinite(internal.sessionExpiresAt)) expiresAt = Math.min(expiresAt, internal.sessionExpiresAt)
    return Math.floor(expiresAt)
  }
}

/** The issuer a session belongs to: the MCD metadata's, else the ID token's `iss`; `null` when unknown. */
function sessionIssuer(session) {
  const mcd = session.internal && session.internal.mcd
  if (mcd && typeof mcd.issuer === 'string' && mcd.issuer) return normalizeIssuer(mcd.issuer)
  const idToken = session.tokenSet && session.tokenSet.idToken
  if (typeof idToken !== 'string') return null
  try {
    // Our own stored ID token, read only to learn its issuer: the SDK verified it when the session was made.
    const { iss } = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString('utf8'))
    return typeof iss === 'string' && iss ? normalizeIssuer(iss) : null
  } catch {
    return null
  }
}

/** `https://tenant.example.com/` and `https://tenant.example.com` name the same issuer. */
const normalizeIssuer = (iss) => iss.replace(/\/+$/, '')

function optionalClaim(token, name) {
  const value = token[name]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw argType(`deleteByLogoutToken: \`${name}\` must be a string`)
  return value
}

function checkId(id) {
  if (typeof id !== 'string') throw argType('the session id must be a string')
  const bytes = id.length > MAX_ID_BYTES ? MAX_ID_BYTES + 1 : Buffer.byteLength(id)
  if (bytes === 0 || bytes > MAX_ID_BYTES) {
    throw argValue(`the session id must be 1 to ${MAX_ID_BYTES} bytes of UTF-8`)
  }
}

function prefixOption(prefix) {
  if (prefix === undefined) return DEFAULT_PREFIX
  if (typeof prefix !== 'string') throw argType('createRedisSessionStore: `prefix` must be a string')
  // A brace would move the hash tag, and with it the slot, of every key.
  if (/[{}]/.test(prefix) || prefix.length > 128) {
    throw argValue('createRedisSessionStore: `prefix` must be at most 128 characters, without `{` or `}`')
  }
  return prefix
}

function shardsOption(shards) {
  if (shards === undefined) return DEFAULT_SHARDS
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw argValue(`createRedisSessionStore: \`shards\` must be an integer from 1 to ${MAX_SHARDS}`)
  }
  return shards
}

function secondsOption(name, value, fallback) {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw argValue(`createRedisSessionStore: \`${name}\` must be a positive number of seconds`)
  }
  return value
}

function booleanOption(name, value, fallback) {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw argType(`createRedisSessionStore: \`${name}\` must be a boolean`)
  return value
}

function timeoutOption(timeout) {
  if (timeout === undefined) return DEFAULT_TIMEOUT_MS
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 2 ** 31 - 1) {
    throw argValue('createRedisSessionStore: `timeout` must be a positive integer number of milliseconds')
  }
  return timeout
}

const argType = (message) => storeError('ERR_INVALID_ARG_TYPE', message)
const argValue = (message) => storeError('ERR_INVALID_ARG_VALUE', message)

exports.RedisSessionStore = RedisSessionStore
