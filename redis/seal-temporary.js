'use strict'
// TEMPORARY — replaced by the addon's StoreCipher once the core crate split (issue 11) has landed on main.
//
// Stands in for the native store cipher with the existing addon so the rest of session-seal/redis (keys,
// scripts, clients, SDK integration, tests, benchmark) can be built meanwhile. Same interface as the native one:
//   new StoreCipher({ secret })      secret: string | string[] (first seals, every one opens)
//   seal(id, session, expiresAt)     -> sealed value (string)
//   open(id, value, { now })         -> { session, keyIndex, expiresAt }; throws a coded error
//   indexTags(kind, value)           -> one keyed tag per secret, index 0 for writing
// It derives per-purpose secrets in JavaScript, which the final version does in Rust.

const crypto = require('node:crypto')
const { SessionCipher } = require('../index.js')

const STORE_INFO = 'session-seal store value'
const INDEX_INFO = 'session-seal store index'

const derive = (secret, info) => Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), info, 32))

class StoreCipher {
  constructor({ secret }) {
    const secrets = Array.isArray(secret) ? secret : [secret]
    if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length === 0)) {
      const err = new Error('secret must be a non-empty string or a non-empty list of non-empty strings')
      err.code = 'ERR_SECRET_INVALID'
      throw err
    }
    this.cipher = new SessionCipher({ secret: secrets.map((s) => derive(s, STORE_INFO).toString('hex')) })
    this.indexKeys = secrets.map((s) => derive(s, INDEX_INFO))
  }

  seal(id, session, expiresAt) {
    return this.cipher.sealPayload({ id, session }, expiresAt)
  }

  open(id, value, options) {
    const { payload, keyIndex } = this.cipher.open(value, options)
    if (payload.id !== id) {
      const err = new Error('the stored value belongs to another session id')
      err.code = 'ERR_JWT_CLAIM_VALIDATION_FAILED'
      throw err
    }
    return { session: payload.session, keyIndex, expiresAt: payload.exp }
  }

  indexTags(kind, value) {
    return this.indexKeys.map((key) =>
      crypto.createHmac('sha256', key).update(`${kind}\0${value}`).digest('base64url').slice(0, 22),
    )
  }
}

module.exports = { StoreCipher }
