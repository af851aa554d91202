//! Layer 1, the vetted primitives: AES-256-GCM (`aead`) and strict base64url (`base64url`), adapted from
//! maintained crates; nothing here is cryptography of our own.

pub mod aead;
pub mod base64url;
