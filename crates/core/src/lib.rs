//! session-seal: seal, unseal and validate the encrypted session cookies of `@auth0/nextjs-auth0` v4
//! (and read its v3 legacy cookies), byte-compatible with the SDK.
//!
//! Every rule of session-seal lives in this crate, in plain Rust with no Node-API in it; the
//! `session_seal` napi crate at the repository root is glue over it. The folders are the layers, each
//! built only on those before it:
//!
//! 1. `primitives`: AES-256-GCM and base64url, from vetted crates;
//! 2. `jose`: HKDF keys and the key ring, compact JWE;
//! 3. `payload`: the time claims and the SessionData family;
//! 4. `cipher`: `SessionCipher` (sealing and opening cookies), v3 legacy cookies, the drop-in policy;
//! 5. `stores`: the SDK's cookie stores (`cookies`) and server-side store values (`server`).
//!
//! Beside them, used by every layer: `error` (the codes), `json` (JavaScript's JSON rules) and `input`
//! (the argument rules and their messages). `ARCHITECTURE.md` maps the modules.

pub mod cipher;
pub mod error;
pub mod input;
mod jose;
pub mod json;
mod payload;
mod primitives;
mod stores;

// The modules by their former flat names, while the glue and the tests move to the layered paths.
pub use cipher::{dropin, key_cache, legacy};
pub use jose::{jwe, keys};
pub use payload::{claims, session};
pub use primitives::{aead, base64url};
pub use stores::cookies::{self, inspect};
pub use stores::server as store;

pub use cipher::{CipherOptions, Opened, SessionCipher};
pub use error::{Error, ErrorCode, Result};

/// Deterministic bytes for the differential tests (AES-GCM against its oracle).
#[cfg(test)]
mod test_noise {
    /// `n` bytes from an xorshift generator seeded with `seed`: varied, reproducible, no dependency.
    pub fn noise(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }
}
