'use strict'
// One way to send a command, whatever the app's client: node-redis v4/v5/v6 (a client or a cluster) or ioredis
// (`Redis` or `Cluster`). Neither library is a dependency: the app hands us its own client, connected, or a
// function that connects it.

const { storeError } = require('./errors')

/** @typedef {import('./index').RedisClientLike} RedisClientLike */
/** @typedef {import('./index').IORedisLike} IORedisLike */

/**
 * @typedef {object} Runner
 * @property {string} kind which library, and whether a cluster
 * @property {(args: string[], firstKey: string) => Promise<unknown>} send the reply to one command, sent to
 *   the node that holds `firstKey`
 * @property {(firstKey: string, replicas: number, waitMs: number) => Promise<void>} waitForReplicas Redis's
 *   `WAIT`, on the connection to the node that holds `firstKey` (the one the writes before it went through):
 *   rejects with ERR_STORE_NOT_REPLICATED when fewer than `replicas` replicas have them after `waitMs`
 */

/**
 * How each supported client sends a raw command; `firstKey` routes it on a cluster.
 * @param {unknown} client
 * @returns {Runner}
 */
function commandRunner(client) {
  if (typeof client === 'function') return lazyRunner(/** @type {() => unknown} */ (client))
  if (client === null || typeof client !== 'object') {
    throw storeError('ERR_INVALID_ARG_TYPE', 'createRedisSessionStore: `client` must be a node-redis or ioredis client')
  }
  const c = /** @type {Record<string, unknown>} */ (client)
  // ioredis (`Redis` and `Cluster`): `call` routes by the command's keys on a cluster.
  if (typeof c.call === 'function' && typeof c.callBuffer === 'function') {
    const ioredis = /** @type {IORedisLike} */ (client)
    return runner(
      c.isCluster ? 'ioredis-cluster' : 'ioredis',
      (args) => ioredis.call(args[0], ...args.slice(1)),
      async (wait, firstKey) => {
        // A cluster sends a keyless command to any node, but a pipeline to the node of its keyed commands.
        // ioredis runs `pipeline(commands)` entries as `pipeline[entry[0]](...rest)`: `call` takes any command.
        const replies = (await ioredis.pipeline([['call', 'EXISTS', firstKey], ['call', ...wait]]).exec()) ?? []
        for (const [err] of replies) if (err) throw err
        return replies[1]?.[1]
      },
    )
  }
  if (typeof c.sendCommand === 'function') {
    // node-redis cluster: `sendCommand(firstKey, isReadonly, args)`, to the master that holds `firstKey`.
    if (typeof c.getSlotMaster === 'function') {
      const send = nodeRedisClusterSend(/** @type {import('./index').NodeRedisClusterLike} */ (client))
      return runner('node-redis-cluster', send, send)
    }
    // node-redis client: `sendCommand(args)`, one connection.
    const single = /** @type {import('./index').NodeRedisClientLike} */ (client)
    /** @type {(args: string[]) => Promise<unknown>} */
    const send = (args) => single.sendCommand(args)
    return runner('node-redis', send, send)
  }
  throw storeError(
    'ERR_INVALID_ARG_TYPE',
    'createRedisSessionStore: `client` must be a node-redis (createClient/createCluster) or ioredis (Redis/Cluster) client',
  )
}

/**
 * `client` given as a function: called on the first command (not when the app's modules are imported, so that
 * `next build` needs no Redis), and again on a later command if the client it gave could not be had.
 * @param {() => unknown} connect
 * @returns {Runner}
 */
function lazyRunner(connect) {
  /** @type {Promise<Runner> | null} */
  let pending = null
  const ready = () => {
    pending ??= Promise.resolve()
      .then(connect)
      .then(commandRunner)
      .catch((err) => {
        pending = null
        throw err instanceof Error && /** @type {{ code?: unknown }} */ (err).code === 'ERR_INVALID_ARG_TYPE'
          ? err
          : storeError('ERR_STORE_COMMAND', `session store: the Redis client could not be had: ${describe(err)}`)
      })
    return pending
  }
  return {
    kind: 'lazy',
    send: async (args, firstKey) => (await ready()).send(args, firstKey),
    waitForReplicas: async (firstKey, replicas, waitMs) => (await ready()).waitForReplicas(firstKey, replicas, waitMs),
  }
}

/**
 * How long a node-redis cluster command may go unanswered before the cluster is asked where its key lives now,
 * and how long that question may go unanswered before another one is allowed.
 */
const NUDGE_AFTER_MS = 250
const NUDGE_FOR_MS = 1000

/**
 * `sendCommand` of a node-redis cluster, which also gets it through a failover. node-redis learns the new
 * owner of a slot only from a MOVED reply, and sends every command for a failed master's slots to that master,
 * reconnecting to it for as long as it is down: no reply, no MOVED, no recovery. So when a command fails, or
 * goes unanswered for a moment, the key is asked about once through any node (one question at a time): a node
 * that knows of the failover answers MOVED, and node-redis reloads the slots.
 * @param {import('./index').NodeRedisClusterLike} cluster
 * @returns {(args: string[], firstKey: string) => Promise<unknown>}
 */
function nodeRedisClusterSend(cluster) {
  let asking = false
  /** @param {string} key */
  const nudge = (key) => {
    if (asking) return
    asking = true
    // Without a routing key, node-redis picks the next node in turn: one that is down may never answer.
    const done = () => {
      clearTimeout(timer)
      asking = false
    }
    const timer = setTimeout(done, NUDGE_FOR_MS)
    timer.unref()
    cluster.sendCommand(undefined, true, ['EXISTS', key]).then(done, done)
  }
  return (args, firstKey) => {
    const timer = setTimeout(() => nudge(firstKey), NUDGE_AFTER_MS)
    timer.unref()
    return cluster.sendCommand(firstKey, false, args).then(
      (reply) => {
        clearTimeout(timer)
        return reply
      },
      (err) => {
        clearTimeout(timer)
        nudge(firstKey)
        throw err
      },
    )
  }
}

/**
 * @param {string} kind
 * @param {(args: string[], firstKey: string) => Promise<unknown>} send
 * @param {(wait: string[], firstKey: string) => Promise<unknown>} sendWait `WAIT`, where `send` sent the key's writes
 * @returns {Runner}
 */
function runner(kind, send, sendWait) {
  return {
    kind,
    async send(args, firstKey) {
      try {
        return await send(args, firstKey)
      } catch (err) {
        throw commandFailed(args, err)
      }
    },
    async waitForReplicas(firstKey, replicas, waitMs) {
      const wait = ['WAIT', String(replicas), String(Math.max(1, Math.floor(waitMs)))]
      let confirmed
      try {
        confirmed = Number(await sendWait(wait, firstKey))
      } catch (err) {
        throw commandFailed(wait, err)
      }
      if (!(confirmed >= replicas)) {
        throw storeError(
          'ERR_STORE_NOT_REPLICATED',
          `session store: a deletion reached the primary, but ${confirmed} of the ${replicas} replicas asked for ` +
            `confirmed it within ${Math.floor(waitMs)} ms: a failover now could bring the deleted session back (retry)`,
        )
      }
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
