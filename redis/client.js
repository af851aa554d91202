'use strict'
// One way to send a command, whatever the app's client: node-redis v4/v5 (a client or a cluster) or ioredis
// (`Redis` or `Cluster`). Neither library is a dependency: the app hands us its own, connected client.

const { storeError } = require('./errors')

/** How each supported client sends a raw command; `firstKey` routes it on a cluster. */
function commandRunner(client) {
  if (typeof client === 'function') return lazyRunner(client)
  if (client === null || typeof client !== 'object') {
    throw storeError('ERR_INVALID_ARG_TYPE', 'createRedisSessionStore: `client` must be a node-redis or ioredis client')
  }
  // ioredis (`Redis` and `Cluster`): `call` routes by the command's keys on a cluster.
  if (typeof client.call === 'function' && typeof client.callBuffer === 'function') {
    return runner(client.isCluster ? 'ioredis-cluster' : 'ioredis', (args) => client.call(...args))
  }
  if (typeof client.sendCommand === 'function') {
    // node-redis cluster: `sendCommand(firstKey, isReadonly, args)`.
    if (typeof client.getSlotMaster === 'function') {
      return runner('node-redis-cluster', (args, firstKey) => client.sendCommand(firstKey, false, args))
    }
    // node-redis client: `sendCommand(args)`.
    return runner('node-redis', (args) => client.sendCommand(args))
  }
  throw storeError(
    'ERR_INVALID_ARG_TYPE',
    'createRedisSessionStore: `client` must be a node-redis (createClient/createCluster) or ioredis (Redis/Cluster) client',
  )
}

/** `send(args, firstKey)`: the client's reply, or ERR_STORE_COMMAND carrying the client's error as `cause`. */
function runner(kind, send) {
  return {
    kind,
    async send(args, firstKey) {
      try {
        return await send(args, firstKey)
      } catch (err) {
        // The command name only: the arguments hold sealed values and key names.
        throw storeError('ERR_STORE_COMMAND', `session store: Redis ${args[0]} failed: ${describe(err)}`, err)
      }
    },
  }
}

/**
 * `client` given as a function: called on the first command (not when the app's modules are imported, so that
 * `next build` needs no Redis), and again on a later command if the client it gave could not be had.
 */
function lazyRunner(connect) {
  let pending = null
  return {
    kind: 'lazy',
    async send(args, firstKey) {
      pending ??= Promise.resolve()
        .then(connect)
        .then(commandRunner)
        .catch((err) => {
          pending = null
          throw err && err.code === 'ERR_INVALID_ARG_TYPE'
            ? err
            : storeError('ERR_STORE_COMMAND', `session store: the Redis client could not be had: ${describe(err)}`, err)
        })
      return (await pending).send(args, firstKey)
    },
  }
}

/**
 * Runs `operation` with a deadline: a client that queues commands while it reconnects (both libraries do by
 * default) would otherwise leave the request waiting for as long as Redis is away.
 */
function withDeadline(operation, timeoutMs, work) {
  let timer
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
  return Promise.race([Promise.resolve().then(work), deadline]).finally(() => clearTimeout(timer))
}

/** The client's message, e.g. "The client is closed", "connect ECONNREFUSED 127.0.0.1:6379". */
function describe(err) {
  if (err instanceof AggregateError && err.errors.length) return describe(err.errors[0])
  const message = err && err.message ? err.message : String(err)
  return err && err.code && !message.includes(err.code) ? `${err.code}: ${message}` : message
}

module.exports = { commandRunner, withDeadline }
