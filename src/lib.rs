//! session-seal: seal, unseal and validate the encrypted session cookies of `@auth0/nextjs-auth0` v4
//! (and read its v3 legacy cookies), byte-compatible with the SDK.
//!
//! The core is plain Rust, one module per concern; only `bindings` knows about Node.

pub mod base64url;
pub mod cipher;
pub mod claims;
pub mod cookies;
pub mod error;
pub mod inspect;
pub mod json;
pub mod jwe;
pub mod keys;
pub mod legacy;
pub mod session;

/// Deterministic bytes for the differential tests of the vector code paths (GCM, base64url).
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

// Registered with Node by napi-derive; a test build has no Node to call it, so it looks unused there.
#[cfg_attr(test, allow(dead_code))]
mod bindings;

pub use cipher::{CipherOptions, Opened, SessionCipher};
pub use error::{Error, ErrorCode, Result};
