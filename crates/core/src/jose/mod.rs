//! Layer 2, keys and JWE: the SDK's HKDF key derivation and key ring (`keys`), and compact JWE
//! `dir`/`A256GCM` parsed, sealed and opened as jose does (`jwe`). The bindings need only the secrets'
//! rules and the short-secret warning.

crate::internal!(
    mod jwe;
);
crate::internal!(
    mod keys;
);

pub use keys::{
    check_secret_count, secret_of_wrong_type, KeyRing, Secrets, MAX_SECRETS, SHORT_SECRET_WARNING,
    SHORT_SECRET_WARNING_CODE,
};
