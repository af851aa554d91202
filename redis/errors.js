'use strict'
// The store's own error codes. Sealing errors keep the addon's codes (`ERR_JWE_*`, `ERR_INPUT_TOO_LARGE`, …).

/**
 * Coded errors of session-seal/redis, each with what it means; docs/redis.md lists the same.
 * @type {{ readonly [Code in import('./index').RedisSessionStoreErrorCode]: Code }}
 */
const CODES = {
  /** Redis did not answer within `timeout` ms (down, unreachable, or the client is still reconnecting). */
  ERR_STORE_TIMEOUT: 'ERR_STORE_TIMEOUT',
  /** The client or Redis refused the command (closed client, refused connection, error reply). */
  ERR_STORE_COMMAND: 'ERR_STORE_COMMAND',
  /** A deletion reached the primary, but fewer replicas than `replicas` confirmed it in time. */
  ERR_STORE_NOT_REPLICATED: 'ERR_STORE_NOT_REPLICATED',
  ERR_INVALID_ARG_TYPE: 'ERR_INVALID_ARG_TYPE',
  ERR_INVALID_ARG_VALUE: 'ERR_INVALID_ARG_VALUE',
}

/**
 * @param {import('./index').RedisSessionStoreErrorCode} code
 * @param {string} message
 * @param {Error} [cause]
 * @returns {Error & { code: string }}
 */
function storeError(code, message, cause) {
  const err = /** @type {Error & { code: string }} */ (new Error(message, cause === undefined ? undefined : { cause }))
  err.code = CODES[code]
  return err
}

module.exports = { CODES, storeError }
