//! session-seal: seal, unseal and validate the encrypted session cookies of `@auth0/nextjs-auth0` v4
//! (and read its v3 legacy cookies), byte-compatible with the SDK.
//!
//! Every rule of session-seal lives in this crate, in plain Rust with no Node-API in it, one module per
//! concern; the `session_seal` napi crate at the repository root is glue over it. `ARCHITECTURE.md` maps
//! the modules.

pub mod aead;
pub mod base64url;
pub mod cipher;
pub mod claims;
pub mod cookies;
pub mod dropin;
pub mod error;
pub mod input;
pub mod inspect;
pub mod json;
pub mod jwe;
pub mod key_cache;
pub mod keys;
pub mod legacy;
pub mod session;
pub mod store;

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
