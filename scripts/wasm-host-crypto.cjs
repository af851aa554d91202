'use strict'

// AES-256-GCM for the WebAssembly build, from the host: node:crypto (OpenSSL, with the CPU's AES
// instructions). The module imports these two functions as `session_seal_host` (crates/core/src/aead.rs).
// `npm run build:all` writes the function below into the WASM package's loader and its worker script (napi-rs
// generates both, and offers no other way to add an import), each handing it the module's memory: so the
// function must stand alone, its `require` included. AES compiled to WebAssembly has no hardware
// instructions and cost ~40 ns a byte; through the host a cookie takes a few microseconds.
//
// Pointers and lengths arrive as signed 32-bit numbers: `>>> 0` reads them as the unsigned addresses they
// are. A failure of any kind is status 1, never an exception thrown into WebAssembly.

/**
 * The two imports, working on `memory`. Every argument is a number: an address in `memory` or a length.
 * @typedef {(key: number, iv: number, aad: number, aadLength: number, data: number, length: number, tag: number) => 0 | 1} Aead
 * @param {WebAssembly.Memory} memory
 * @returns {{ aes_256_gcm_seal: Aead, aes_256_gcm_open: Aead }}
 */
module.exports = function hostCrypto(memory) {
  const { createCipheriv, createDecipheriv } = require('node:crypto')
  const KEY_LEN = 32
  const IV_LEN = 12
  const TAG_LEN = 16
  const ALGORITHM = 'aes-256-gcm'
  /** @param {number} pointer @param {number} length */
  const view = (pointer, length) => new Uint8Array(memory.buffer, pointer >>> 0, length >>> 0)

  return {
    /** Encrypts `data` in place and writes the 16-byte tag at `tag`. */
    aes_256_gcm_seal(key, iv, aad, aadLength, data, length, tag) {
      try {
        const cipher = createCipheriv(ALGORITHM, view(key, KEY_LEN), view(iv, IV_LEN), { authTagLength: TAG_LEN })
        cipher.setAAD(view(aad, aadLength))
        const sealed = cipher.update(view(data, length))
        cipher.final()
        view(data, length).set(sealed)
        view(tag, TAG_LEN).set(cipher.getAuthTag())
        return 0
      } catch {
        return 1
      }
    },

    /** Checks the tag and, only when it holds, writes the plaintext over `data`. */
    aes_256_gcm_open(key, iv, aad, aadLength, data, length, tag) {
      try {
        const decipher = createDecipheriv(ALGORITHM, view(key, KEY_LEN), view(iv, IV_LEN), { authTagLength: TAG_LEN })
        decipher.setAAD(view(aad, aadLength))
        decipher.setAuthTag(view(tag, TAG_LEN))
        const opened = decipher.update(view(data, length))
        decipher.final() // throws when the tag does not verify: nothing has been written
        view(data, length).set(opened)
        return 0
      } catch {
        return 1
      }
    },
  }
}
