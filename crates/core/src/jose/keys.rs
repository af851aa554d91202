//! Key derivation and the key ring.
//!
//! The SDK never uses the secret directly: it derives a 32-byte key with HKDF-SHA256 (empty salt) and an
//! `info` string naming the purpose. We derive once per secret and keep the ready AES-GCM instance, so the
//! hot path does no key work. Every buffer holding key material is zeroized on drop.

use hkdf::Hkdf;
use sha2::Sha256;
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::primitives::aead::AeadKey;

use crate::error::{secret_invalid, Result};

/// HKDF `info` for the JWE content-encryption key (v4 and v3 stateless cookies).
const ENCRYPTION_INFO: &[u8] = b"JWE CEK";
/// HKDF `info` for the HS256 key of v3 signed stateful cookies.
const SIGNING_INFO: &[u8] = b"JWS Cookie Signing";
/// Secrets shorter than this are accepted but worth a warning (`openssl rand -hex 32` gives 64 chars).
pub const RECOMMENDED_SECRET_BYTES: usize = 32;

/// 32 bytes derived from a secret. Only ever lives inside this type, which wipes it on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DerivedKey([u8; 32]);

impl DerivedKey {
    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for DerivedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DerivedKey(<redacted>)")
    }
}

/// HKDF-SHA256 of `secret` with an empty salt and `info` naming the purpose: the SDK's construction, and the
/// one every key of this crate uses, each purpose with its own `info`.
pub fn derive(secret: &str, info: &[u8]) -> DerivedKey {
    let mut okm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&[]), secret.as_bytes())
        .expand(info, &mut okm)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    let key = DerivedKey(okm);
    okm.zeroize();
    key
}

/// The JWE content-encryption key for `secret`, as the SDK derives it (the tests' independent check of the
/// key ring, which derives it through `derived`).
#[cfg(any(test, feature = "testing"))]
pub fn encryption_key(secret: &str) -> DerivedKey {
    derive(secret, ENCRYPTION_INFO)
}

/// The HS256 key that v3 used to sign stateful session-id cookies.
pub(crate) fn signing_key(secret: &str) -> DerivedKey {
    derive(secret, SIGNING_INFO)
}

/// The most secrets a ring takes. A forged cookie is tried against every secret of the ring before it is
/// refused, so the count bounds what one bad request can cost: 16 is far more than any
/// rotation needs (two or three), and keeps a forgery at 64 KiB, the largest cookie read, under ~0.2 ms.
pub const MAX_SECRETS: usize = 16;

/// Refuses an empty list, and one longer than `MAX_SECRETS` before any of it is read.
pub fn check_secret_count(count: usize) -> Result<()> {
    if count == 0 {
        return Err(secret_invalid(
            "no secret given: pass a string or a non-empty list of strings",
        ));
    }
    if count > MAX_SECRETS {
        return Err(secret_invalid(format!(
            "{count} secrets given, more than the {MAX_SECRETS} a key ring takes: keep the current secret and the few it rotated from"
        )));
    }
    Ok(())
}

/// A `secret` argument of the wrong kind (`got`, JavaScript's `typeof` word), or an element of a secret
/// list that is not a string. The message never repeats the value.
pub fn secret_of_wrong_type(index: Option<usize>, got: &str) -> crate::Error {
    match index {
        None => secret_invalid(format!(
            "secret must be a non-empty string or an array of them, got {got}"
        )),
        Some(index) => secret_invalid(format!("secret[{index}] must be a string, got {got}")),
    }
}

/// The process warning for a secret under `RECOMMENDED_SECRET_BYTES`, given once per process.
pub const SHORT_SECRET_WARNING: &str =
    "session-seal: a secret is shorter than 32 bytes; generate one with `openssl rand -hex 32`";
/// The warning's `code`, for `process.on('warning')` filters.
pub const SHORT_SECRET_WARNING_CODE: &str = "SESSION_SEAL_SHORT_SECRET";

/// The secrets a caller gave, newest first, as read from JavaScript; wiped on drop, never printed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secrets(Vec<Zeroizing<String>>);

impl Secrets {
    /// The secrets, newest first.
    pub fn new(secrets: Vec<String>) -> Self {
        Secrets(secrets.into_iter().map(Zeroizing::new).collect())
    }

    /// The secrets as key derivation takes them.
    pub fn as_slice(&self) -> &[Zeroizing<String>] {
        &self.0
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({}, <redacted>)", self.0.len())
    }
}

/// Refuses what cannot be a secret. The message never repeats the secret itself.
pub(crate) fn check_secret(secret: &str, index: usize) -> Result<()> {
    if secret.is_empty() {
        return Err(secret_invalid(format!("secret[{index}] is empty")));
    }
    Ok(())
}

/// One secret's ready-to-use AES-256-GCM key (wiped on drop by `AeadKey`).
struct RingKey {
    aead: AeadKey,
    short: bool,
}

impl RingKey {
    fn new(secret: &str, info: &[u8]) -> RingKey {
        RingKey {
            aead: AeadKey::new(derive(secret, info).as_bytes()),
            short: secret.len() < RECOMMENDED_SECRET_BYTES,
        }
    }
}

/// The secrets an app accepts, newest first: index 0 seals, every one unseals (rotation).
pub struct KeyRing {
    keys: Vec<RingKey>,
}

impl KeyRing {
    /// Derives a key per secret. One to `MAX_SECRETS` secrets, none of them empty.
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Result<Self> {
        Self::derived(secrets, ENCRYPTION_INFO)
    }

    /// The same ring for another purpose: the keys derived with `info` (e.g. a session store's values,
    /// which must never open as cookies).
    pub fn derived<S: AsRef<str>>(secrets: &[S], info: &[u8]) -> Result<Self> {
        check_secret_count(secrets.len())?;
        // Built at its final capacity: a growing Vec would move the keys and free the old, unwiped copies
        // (`tests/key_material_wiped.rs` checks every freed block).
        let mut keys = Vec::with_capacity(secrets.len());
        for (index, secret) in secrets.iter().enumerate() {
            let secret = secret.as_ref();
            check_secret(secret, index)?;
            keys.push(RingKey::new(secret, info));
        }
        Ok(KeyRing { keys })
    }

    /// The key that seals: the first secret's.
    pub fn sealing(&self) -> &AeadKey {
        &self.keys[0].aead
    }

    /// Every key that may open a cookie, in the order they are tried.
    pub fn opening(&self) -> impl Iterator<Item = (usize, &AeadKey)> {
        self.keys.iter().map(|k| &k.aead).enumerate()
    }

    /// How many secrets the ring holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Never true of a ring made by `new` (kept for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// True when some secret is shorter than recommended, so the caller can warn once.
    pub fn has_short_secret(&self) -> bool {
        self.keys.iter().any(|k| k.short)
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyRing({} keys, <redacted>)", self.keys.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_of_the_wrong_type_are_named_never_echoed() {
        let e = secret_of_wrong_type(None, "number");
        assert_eq!(e.code, crate::ErrorCode::SecretInvalid);
        assert_eq!(
            e.message,
            "secret must be a non-empty string or an array of them, got number"
        );
        let e = secret_of_wrong_type(Some(2), "object");
        assert_eq!(e.message, "secret[2] must be a string, got object");
        assert!(SHORT_SECRET_WARNING.contains(&RECOMMENDED_SECRET_BYTES.to_string()));
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn derivation_is_hkdf_sha256_with_empty_salt() {
        // RFC 5869 test case 3 has an empty salt and empty info; ours differ only in info, so check the
        // construction against an independent computation with the hmac crate.
        use hmac::{Hmac, Mac};
        let secret = "a secret";
        let mut extract = <Hmac<Sha256> as Mac>::new_from_slice(&[0u8; 32]).unwrap();
        extract.update(secret.as_bytes());
        let prk = extract.finalize().into_bytes();
        let mut expand = <Hmac<Sha256> as Mac>::new_from_slice(&prk).unwrap();
        expand.update(b"JWE CEK");
        expand.update(&[1]);
        let expected = expand.finalize().into_bytes();
        assert_eq!(hex(encryption_key(secret).as_bytes()), hex(&expected));
        assert_ne!(
            encryption_key(secret).as_bytes(),
            signing_key(secret).as_bytes()
        );
    }

    #[test]
    fn empty_secrets_are_refused_and_not_echoed() {
        let err = KeyRing::new(&["good-secret", ""]).unwrap_err();
        assert_eq!(err.code.as_str(), "ERR_SECRET_INVALID");
        assert!(err.message.contains("secret[1]"));
        assert!(!err.message.contains("good-secret"));
        let none: [&str; 0] = [];
        assert_eq!(
            KeyRing::new(&none).unwrap_err().code.as_str(),
            "ERR_SECRET_INVALID"
        );
    }

    #[test]
    fn rings_take_up_to_max_secrets() {
        let secrets: Vec<String> = (0..=MAX_SECRETS).map(|i| format!("secret-{i}")).collect();
        assert_eq!(
            KeyRing::new(&secrets[..MAX_SECRETS]).unwrap().len(),
            MAX_SECRETS
        );
        let err = KeyRing::new(&secrets).unwrap_err();
        assert_eq!(err.code.as_str(), "ERR_SECRET_INVALID");
        assert!(
            err.message.contains("17 secrets") && err.message.contains("16"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("secret-0"));
    }

    #[test]
    fn debug_output_redacts_keys() {
        let ring = KeyRing::new(&["super-secret-value"]).unwrap();
        let shown = format!("{ring:?} {:?}", encryption_key("super-secret-value"));
        assert!(!shown.contains("super-secret-value"));
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn short_secrets_are_flagged() {
        assert!(KeyRing::new(&["short"]).unwrap().has_short_secret());
        assert!(!KeyRing::new(&["x".repeat(32)]).unwrap().has_short_secret());
    }
}
