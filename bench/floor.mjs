// The best plain, synchronous `node:crypto` implementation of the SDK's cookie format we could write: the
// floor any JavaScript can reach. Same format (compact JWE, dir + A256GCM, HKDF-SHA256 key), same exp/nbf/iat
// rules (15 s tolerance), key derived once, one cipher call each way, Node's native base64url, V8's JSON.
// It is checked at the start of every bench run to interoperate with session-seal both ways.

import { createCipheriv, createDecipheriv, hkdfSync, randomFillSync } from 'node:crypto'

const HEADER_JSON = '{"enc":"A256GCM","alg":"dir"}' // what the SDK writes
const HEADER = Buffer.from(HEADER_JSON).toString('base64url')
const AAD = Buffer.from(HEADER, 'latin1')

// IVs come from a pooled CSPRNG buffer (as Node's own randomUUID does): one syscall per 512 seals.
const IV_POOL = Buffer.allocUnsafe(12 * 512)
let ivOffset = IV_POOL.length

function nextIv() {
  if (ivOffset === IV_POOL.length) {
    randomFillSync(IV_POOL)
    ivOffset = 0
  }
  const iv = IV_POOL.subarray(ivOffset, ivOffset + 12)
  ivOffset += 12
  return iv
}

export class NodeCryptoCipher {
  constructor({ secret, clockTolerance = 15, maxCookieBytes = 65536 }) {
    // A raw key Buffer: measured ~3 % faster per call than a KeyObject from createSecretKey.
    this.key = Buffer.from(hkdfSync('sha256', secret, '', 'JWE CEK', 32))
    this.tolerance = clockTolerance
    this.max = maxCookieBytes
  }

  /** `{ ...session, exp }` as JSON, sealed. */
  seal(session, expiresAt) {
    let json
    if (Object.hasOwn(session, 'exp')) {
      json = JSON.stringify({ ...session, exp: expiresAt })
    } else {
      json = JSON.stringify(session)
      json = (json.length === 2 ? '{' : json.slice(0, -1) + ',') + '"exp":' + JSON.stringify(expiresAt) + '}'
    }
    const iv = nextIv()
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(AAD)
    const ciphertext = cipher.update(json, 'utf8')
    cipher.final()
    return (
      HEADER + '..' + iv.toString('base64url') + '.' + ciphertext.toString('base64url') + '.' +
      cipher.getAuthTag().toString('base64url')
    )
  }

  /** The payload, or null for any bad, expired or foreign cookie. */
  unseal(cookie, now = Math.floor(Date.now() / 1000)) {
    if (typeof cookie !== 'string') throw new TypeError('cookie value must be a string')
    if (cookie.length > this.max) return null
    const parts = cookie.split('.')
    if (parts.length !== 5 || parts[1] !== '') return null
    const [header, , ivText, ciphertextText, tagText] = parts
    if (header !== HEADER && !acceptableHeader(header)) return null
    const iv = Buffer.from(ivText, 'base64url')
    const tag = Buffer.from(tagText, 'base64url')
    if (iv.length !== 12 || tag.length !== 16) return null
    let payload
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv)
      decipher.setAAD(header === HEADER ? AAD : Buffer.from(header, 'latin1'))
      decipher.setAuthTag(tag)
      // Decoding base64url and UTF-8 inside the decipher's own update skips two intermediate copies:
      // measured ~4 % faster at ~3 KB and ~15 % at ~60 KB than Buffer.from + toString.
      const text = decipher.update(ciphertextText, 'base64url', 'utf8') + decipher.final('utf8')
      payload = JSON.parse(text)
    } catch {
      return null
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null
    const { exp, nbf, iat } = payload
    if (iat !== undefined && typeof iat !== 'number') return null
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + this.tolerance)) return null
    if (exp !== undefined && (typeof exp !== 'number' || exp <= now - this.tolerance)) return null
    return payload
  }
}

function acceptableHeader(segment) {
  try {
    const h = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return h && h.alg === 'dir' && h.enc === 'A256GCM' && h.zip === undefined && h.crit === undefined && h.iat === undefined
  } catch {
    return false
  }
}
