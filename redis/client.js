'use strict'
// One way to send a command, whatever the app's client: node-redis v4/v5 (a client or a cluster) or ioredis
// (`Redis` or `Cluster`). Neither library is a dependency: the app hands us its own, connected client.

const { storeError } = require('./errors')

/** @typedef {import('./index').RedisClientLike} RedisClientLike */
/** @typedef {import('./index').IORedisLike} IORedisLike */

/**
 * @typedef {object} Runner
 * @property {string} kind which library, and whether a cluster
 * @property {(args: string[], firstKey: string) => Promise<unknown>} send the reply to one command, sent to
 *   the node that holds `firstKey`
 * @property {(args: string[], firstKey: string, replicas: number, waitMs: number) => Promise<unknown>} sendReplicated
 *   `send`, then Redis's `WAIT` on the same connection: rejects with ERR_STORE_NOT_REPLICATED when fewer than
 *   `replicas` replicas have the write after `waitMs`
 */

/**
 * How each supported client sends a raw command; `firstKey` routes it on a cluster.
 * @param {unknown} client
 * @returns {Runner}
 */
function commandRunner(client) {
  if (client === null || typeof client !== 'object') {
    throw storeError('ERR_INVALID_ARG_TYPE', 'createRedisSessionStore: `client` must be a node-redis or ioredis client')
  }
  const c = /** @type {Record<string, unknown>} */ (client)
  // ioredis (`Redis` and `Cluster`): `call` routes by the command's keys on a cluster; a pipeline keeps a
  // keyless `WAIT` on the connection of the command before it.
  if (typeof c.call === 'function' && typeof c.callBuffer === 'function') {
    const ioredis = /** @type {IORedisLike} */ (client)
    return runner(
      c.isCluster ? 'ioredis-cluster' : 'ioredis',
      (args) => ioredis.call(args[0], ...args.slice(1)),
      async (args, _firstKey, wait) => {
        const replies = (await ioredis.pipeline([args, wait]).exec()) ?? []
        for (const [err] of replies) if (err) throw err
        return replies.map(([, reply]) => reply)
      },
    )
  }
  if (typeof c.sendCommand === 'function') {
    // node-redis cluster: `sendCommand(firstKey, isReadonly, args)`, to the master that holds `firstKey`.
    if (typeof c.getSlotMaster === 'function') {
      const cluster = /** @type {import('./index').NodeRedisClusterLike} */ (client)
      /** @type {(args: string[], firstKey: string) => Promise<unknown>} */
      const send = (args, firstKey) => cluster.sendCommand(firstKey, false, args)
      return runner('node-redis-cluster', send, async (args, firstKey, wait) => [await send(args, firstKey), await send(wait, firstKey)])
    }
    // node-redis client: `sendCommand(args)`, one connection.
    const single = /** @type {import('./index').NodeRedisClientLike} */ (client)
    /** @type {(args: string[]) => Promise<unknown>} */
    const send = (args) => single.sendCommand(args)
    return runner('node-redis', send, async (args, _firstKey, wait) => [await send(args), await send(wait)])
  }
  throw storeError(
    'ERR_INVALID_ARG_TYPE',
    'createRedisSessionStore: `client` must be a node-redis (createClient/createCluster) or ioredis (Redis/Cluster) client',
  )
}

/**
 * @param {string} kind
 * @param {(args: string[], firstKey: string) => Promise<unknown>} send
 * @param {(args: string[], firstKey: string, wait: string[]) => Promise<unknown[]>} sendThenWait both replies
 * @returns {Runner}
 */
function runner(kind, send, sendThenWait) {
  return {
    kind,
    async send(args, firstKey) {
      try {
        return await send(args, firstKey)
      } catch (err) {
        throw commandFailed(args, err)
      }
    },
    async sendReplicated(args, firstKey, replicas, waitMs) {
      let replies
      try {
        replies = await sendThenWait(args, firstKey, ['WAIT', String(replicas), String(Math.max(1, Math.floor(waitMs)))])
      } catch (err) {
        throw commandFailed(args, err)
      }
      const confirmed = Number(replies[1])
      if (!(confirmed >= replicas)) {
        throw storeError(
          'ERR_STORE_NOT_REPLICATED',
          `session store: Redis ${args[0]} reached the primary, but ${confirmed} of the ${replicas} replicas asked for ` +
            `confirmed it within ${Math.floor(waitMs)} ms: a failover now could bring the deleted session back (retry)`,
        )
      }
      return replies[0]
    },
  }
}

/**
 * ERR_STORE_COMMAND for a client's error. Its cause is a copy of the client's error with nothing of the
 * command in it: clients attach the command (ioredis: `command.args`), which holds session ids and sealed
 * values, and a message may quote a key.
 * @param {string[]} args
 * @param {unknown} err
 */
function commandFailed(args, err) {
  const reason = redact(describe(err), args)
  const cause = new Error(reason)
  const original = /** @type {{ name?: unknown, code?: unknown }} */ (err ?? {})
  if (typeof original.name === 'string') cause.name = original.name
  if (typeof original.code === 'string' || typeof original.code === 'number') {
    Object.assign(cause, { code: original.code })
  }
  return storeError('ERR_STORE_COMMAND', `session store: Redis ${args[0]} failed: ${reason}`, cause)
}

/**
 * `text` with every argument of the command (key names, ids, sealed values) and every id inside a key
 * name replaced.
 * @param {string} text
 * @param {string[]} args
 */
function redact(text, args) {
  const secrets = args.slice(1).flatMap((arg) => [arg, /\}:[spu]:(.+)$/s.exec(arg)?.[1] ?? ''])
  return secrets
    .filter((s) => s.length >= 8)
    .sort((a, b) => b.length - a.length)
    .reduce((out, s) => out.split(s).join('[redacted]'), text)
}

/**
 * The client's message, e.g. "The client is closed", "connect ECONNREFUSED 127.0.0.1:6379".
 * @param {unknown} err
 * @returns {string}
 */
function describe(err) {
  if (err instanceof AggregateError && err.errors.length) return describe(err.errors[0])
  const e = /** @type {{ message?: unknown, code?: unknown }} */ (err ?? {})
  const message = typeof e.message === 'string' && e.message ? e.message : String(err)
  return typeof e.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message
}

/**
 * Runs `work` with a deadline: a client that queues commands while it reconnects (both libraries do by
 * default) would otherwise leave the request waiting for as long as Redis is away. `work` gets the moment
 * (`performance.now()`) by which what it does beyond its answer must give up: a tenth of the time before the
 * deadline, so that giving up is not itself a timeout.
 * @template T
 * @param {string} operation
 * @param {number} timeoutMs
 * @param {(endsAt: number) => Promise<T>} work
 * @returns {Promise<T>}
 */
function withDeadline(operation, timeoutMs, work) {
  const endsAt = performance.now() + timeoutMs * 0.9
  /** @type {NodeJS.Timeout | undefined} */
  let timer
  /** @type {Promise<never>} */
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      reject(
        storeError(
          'ERR_STORE_TIMEOUT',
          `session store: ${operation} got no answer from Redis within ${timeoutMs} ms (is it up and reachable?)`,
        ),
      )
    }, timeoutMs)
  })
  return Promise.race([Promise.resolve(endsAt).then(work), deadline]).finally(() => clearTimeout(timer))
}

/**
 * Runs `work` until `endsAt` at most, ignoring how it ends: for what a call does beyond its answer (sealing
 * again under the newest secret, dropping the entries of sessions that are gone), which must never fail
 * the call, even by throwing before its first await.
 * @param {number} endsAt
 * @param {() => Promise<unknown>} work
 * @returns {Promise<void>}
 */
function bestEffort(endsAt, work) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer
  const attempt = Promise.resolve()
    .then(work)
    .then(
      () => {},
      () => {},
    )
  const giveUp = new Promise((resolve) => {
    timer = setTimeout(resolve, Math.max(0, endsAt - performance.now()))
  })
  return Promise.race([attempt, giveUp]).then(() => clearTimeout(timer))
}

module.exports = { commandRunner, withDeadline, bestEffort }
