'use strict'
// session-seal/redis: a SessionDataStore for @auth0/nextjs-auth0's stateful mode that keeps each session sealed
// in Redis or Valkey, single node or cluster. docs/redis.md has the design and every option.

const { StoreCipher, STORE_MAX_ID_BYTES, STORE_MAX_BATCH } = require('../index.js')
const { RedisSessionStore } = require('./store')

/**
 * A store for `new Auth0Client({ sessionStore })`: `get`, `set`, `update`, `delete` and `deleteByLogoutToken`,
 * and `listSessions`; each value sealed under a key of its own derived from `secret`, and bound to its id.
 * @type {typeof import('./index').createRedisSessionStore}
 */
function createRedisSessionStore(options) {
  return new RedisSessionStore(options, (cipherOptions) => new StoreCipher(cipherOptions), {
    maxIdBytes: STORE_MAX_ID_BYTES,
    maxListed: STORE_MAX_BATCH,
  })
}

// A literal of names, so that Node's ESM import finds each export (its CommonJS lexer reads this statement).
module.exports = { createRedisSessionStore }

/**
 * The exports are what index.d.ts declares: no name it lacks, and each one assignable to its declaration
 * (`tsc --checkJs` fails here otherwise).
 * @type {[keyof typeof module.exports] extends [keyof typeof import('./index')] ? typeof import('./index') : never}
 */
const exportsAsDeclared = module.exports
void exportsAsDeclared
