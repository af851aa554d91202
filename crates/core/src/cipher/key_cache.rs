//! The drop-in `encrypt`/`decrypt` take a secret on every call, as the SDK's do; deriving its key each time
//! would cost more than the sealing. This cache keeps the ready ciphers of the most recent secrets (or
//! secret lists), keyed by a SHA-256 digest of them: it never holds a secret itself.

use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::cipher::{CipherOptions, SessionCipher};
use crate::error::Result;

/// How many distinct secrets (or secret lists) keep their derived keys.
pub(crate) const KEY_CACHE_CAPACITY: usize = 16;

/// Ciphers by secret digest, most recently used first.
pub struct KeyCache {
    entries: Mutex<Vec<([u8; 32], Arc<SessionCipher>)>>,
}

impl KeyCache {
    /// An empty cache (`const`, for a process-wide `static`).
    pub const fn new() -> KeyCache {
        KeyCache {
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The cipher for `secrets` (with the default options), derived on first use. The lock is held only
    /// around the lookup and the insertion, never while the caller does anything else (such as calling
    /// into JavaScript, which may come back here); `true` says the cipher was derived by this call.
    pub fn get<S: AsRef<str>>(&self, secrets: &[S]) -> Result<(Arc<SessionCipher>, bool)> {
        let mut fingerprint_input = Zeroizing::new(Vec::new());
        for secret in secrets {
            let secret = secret.as_ref();
            fingerprint_input.extend_from_slice(&(secret.len() as u64).to_le_bytes());
            fingerprint_input.extend_from_slice(secret.as_bytes());
        }
        let fingerprint: [u8; 32] = Sha256::digest(fingerprint_input.as_slice()).into();
        if let Some(cipher) = self.take_to_front(&fingerprint) {
            return Ok((cipher, false));
        }
        // Derived without the lock: two threads may both derive the same new secret, and both are right.
        let cipher = Arc::new(SessionCipher::new(secrets, CipherOptions::default())?);
        let mut entries = self.lock();
        entries.insert(0, (fingerprint, cipher.clone()));
        entries.truncate(KEY_CACHE_CAPACITY);
        Ok((cipher, true))
    }

    fn take_to_front(&self, fingerprint: &[u8; 32]) -> Option<Arc<SessionCipher>> {
        let mut entries = self.lock();
        // Digests of secrets are compared in constant time, like everything else derived from a secret.
        let position = entries
            .iter()
            .position(|(f, _)| bool::from(f.ct_eq(fingerprint)))?;
        let entry = entries.remove(position);
        let cipher = entry.1.clone();
        entries.insert(0, entry);
        Some(cipher)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<([u8; 32], Arc<SessionCipher>)>> {
        // Nothing can panic while the lock is held, but a poisoned cache is still a valid cache.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_once_and_keeps_the_most_recent() {
        let cache = KeyCache::new();
        let (first, fresh) = cache.get(&["secret-0"]).unwrap();
        assert!(fresh);
        let (again, fresh) = cache.get(&["secret-0"]).unwrap();
        assert!(!fresh && Arc::ptr_eq(&first, &again));
        // A list is its own entry, and ["ab"] is not ["a", "b"].
        assert!(cache.get(&["secret-0", "older"]).unwrap().1);
        assert!(cache.get(&["a", "b"]).unwrap().1);
        assert!(cache.get(&["ab"]).unwrap().1);
        for i in 1..=KEY_CACHE_CAPACITY {
            cache.get(&[format!("secret-{i}")]).unwrap();
        }
        assert!(cache.get(&["secret-0"]).unwrap().1, "evicted");
        assert_eq!(cache.lock().len(), KEY_CACHE_CAPACITY);
    }

    #[test]
    fn bad_secrets_are_refused_and_not_cached() {
        let cache = KeyCache::new();
        assert_eq!(
            cache.get(&[""]).unwrap_err().code.as_str(),
            "ERR_SECRET_INVALID"
        );
        assert!(cache.lock().is_empty());
    }
}
