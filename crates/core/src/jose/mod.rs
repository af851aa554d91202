//! Layer 2, keys and JWE: the SDK's HKDF key derivation and key ring (`keys`), and compact JWE
//! `dir`/`A256GCM` parsed, sealed and opened as jose does (`jwe`).

pub mod jwe;
pub mod keys;
