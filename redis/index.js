'use strict'
// session-seal/redis: a SessionDataStore for @auth0/nextjs-auth0's stateful mode that keeps each session sealed
// in Redis or Valkey, single node or cluster. docs/redis.md has the design and every option.

const { StoreCipher } = require('../index.js')
const { RedisSessionStore } = require('./store')

/**
 * A store for `new Auth0Client({ sessionStore })`: `get`, `set`, `update`, `delete` and `deleteByLogoutToken`,
 * each value sealed under a key of its own derived from `secret`, and bound to its session id.
 */
function createRedisSessionStore(options) {
  return new RedisSessionStore(options, (secret) => new StoreCipher({ secret }))
}

exports.createRedisSessionStore = createRedisSessionStore
