//! session-seal: seal, unseal and validate the encrypted session cookies of `@auth0/nextjs-auth0` v4
//! (and read its v3 legacy cookies), byte-compatible with the SDK.
//!
//! Every rule of session-seal lives in this crate, in plain Rust with no Node-API in it; the
//! `session_seal` napi crate at the repository root is glue over it. The folders are the layers, each
//! built only on those before it:
//!
//! 1. `primitives`: AES-256-GCM and base64url, from vetted crates;
//! 2. [`jose`]: HKDF keys and the key ring, compact JWE;
//! 3. [`payload`]: the time claims and the SessionData family;
//! 4. [`cipher`]: [`SessionCipher`] (sealing and opening cookies), v3 legacy cookies, the drop-in policy;
//! 5. [`stores`]: the SDK's cookie stores ([`stores::cookies`]) and server-side store values
//!    ([`stores::server`]).
//!
//! Beside them, used by every layer: [`error`] (the codes JavaScript branches on), `json` (JavaScript's
//! JSON rules) and [`input`] (the argument rules and their messages). Only what the bindings call is
//! public; the rest is crate-private, reachable from the integration tests, fuzz targets and benchmarks
//! through the `testing` feature. `ARCHITECTURE.md` maps the modules.

#![warn(missing_docs)]

/// Declares a module of the crate's internals: private to the crate, and public with the `testing`
/// feature, for the tests and fuzz targets that hold the internals to their references.
macro_rules! internal {
    ($(#[$attr:meta])* mod $name:ident;) => {
        #[cfg(feature = "testing")]
        $(#[$attr])*
        pub mod $name;
        #[cfg(not(feature = "testing"))]
        $(#[$attr])*
        pub(crate) mod $name;
    };
}
pub(crate) use internal;

pub mod cipher;
pub mod error;
pub mod input;
pub mod jose;
internal!(
    mod json;
);
pub mod payload;
internal!(
    mod primitives;
);
pub mod stores;

pub use cipher::{CipherOptions, SessionCipher};
pub use error::{Error, ErrorCode, Result};

/// The crate's internals, for its own integration tests, fuzz targets and benchmarks (the `testing`
/// feature): the primitives, compact JWE, v3 conversion, JavaScript's JSON rules, and the reference checks
/// the shipped code is held to. Not an API.
#[cfg(feature = "testing")]
pub mod testing {
    pub use crate::cipher::legacy;
    pub use crate::cipher::{Opened, DEFAULT_HEADER};
    pub use crate::jose::jwe;
    pub use crate::json;
    pub use crate::primitives::{aead, base64url};
}

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
