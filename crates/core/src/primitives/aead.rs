//! AES-256-GCM (the JWE content encryption `A256GCM`) from vetted implementations: `ring` natively, and
//! on WebAssembly (where ring's assembly does not build) the host's: Node's `node:crypto` (OpenSSL),
//! imported by the module as `session_seal_host` (`scripts/wasm-host-crypto.cjs`, which `npm run build:all`
//! writes into the WASM package's loader and its worker threads). AES in WebAssembly
//! has no hardware instructions and ran at ~40 ns a byte; the host's AES-NI takes a few microseconds per
//! cookie. Nothing here is cryptography of our own: this module only adapts the APIs to one, and wipes
//! the key on drop.

use std::fmt;
use std::mem::ManuallyDrop;

use crate::error::{internal, Result};

/// AES-256 keys are 32 bytes.
pub const KEY_LEN: usize = 32;
/// GCM nonces are 12 bytes.
pub const IV_LEN: usize = 12;
/// GCM tags are 16 bytes.
pub const TAG_LEN: usize = 16;

#[cfg(not(target_family = "wasm"))]
type Inner = ring::aead::LessSafeKey;
/// The host keys its own cipher per call, so the WebAssembly build keeps only the key's bytes.
#[cfg(target_family = "wasm")]
type Inner = [u8; KEY_LEN];

// The host's AES-256-GCM, provided by the WebAssembly loader. Each call works on this module's memory:
// `data` (`len` bytes) is encrypted or decrypted in place; `seal` writes the tag, `open` verifies it and
// leaves `data` untouched unless it does. Both return 0 on success.
#[cfg(target_family = "wasm")]
#[link(wasm_import_module = "session_seal_host")]
extern "C" {
    fn aes_256_gcm_seal(
        key: *const u8,
        iv: *const u8,
        aad: *const u8,
        aad_len: usize,
        data: *mut u8,
        len: usize,
        tag: *mut u8,
    ) -> u32;
    fn aes_256_gcm_open(
        key: *const u8,
        iv: *const u8,
        aad: *const u8,
        aad_len: usize,
        data: *mut u8,
        len: usize,
        tag: *const u8,
    ) -> u32;
}

/// One AES-256-GCM key, expanded and ready, wiped on drop.
///
/// Neither implementation wipes its expanded key (round keys, GHASH key H = AES_K(0), from which tags can
/// be forged) when dropped, so this wrapper does: the key drops itself, then its bytes are overwritten.
pub struct AeadKey {
    inner: ManuallyDrop<Inner>,
}

impl AeadKey {
    /// Expands `key` for sealing and opening.
    pub fn new(key: &[u8; KEY_LEN]) -> AeadKey {
        #[cfg(not(target_family = "wasm"))]
        let inner = {
            use ring::aead::{LessSafeKey, UnboundKey, AES_256_GCM};
            let unbound =
                UnboundKey::new(&AES_256_GCM, key).expect("a 32-byte key is an AES-256-GCM key");
            LessSafeKey::new(unbound)
        };
        #[cfg(target_family = "wasm")]
        let inner = *key;
        AeadKey {
            inner: ManuallyDrop::new(inner),
        }
    }

    /// Encrypts `buffer` in place and returns the tag.
    pub fn seal_in_place(
        &self,
        iv: &[u8; IV_LEN],
        aad: &[u8],
        buffer: &mut [u8],
    ) -> Result<[u8; TAG_LEN]> {
        let refused = |_| internal("AES-GCM refused the plaintext length");
        #[cfg(not(target_family = "wasm"))]
        {
            use ring::aead::{Aad, Nonce};
            let nonce = Nonce::assume_unique_for_key(*iv);
            let tag = self
                .inner
                .seal_in_place_separate_tag(nonce, Aad::from(aad), buffer)
                .map_err(refused)?;
            let mut out = [0u8; TAG_LEN];
            out.copy_from_slice(tag.as_ref());
            Ok(out)
        }
        #[cfg(target_family = "wasm")]
        {
            let mut tag = [0u8; TAG_LEN];
            // SAFETY: every pointer is valid for the length passed with it (the key, IV and tag have their
            // fixed sizes) for the duration of the call, which neither keeps nor frees any of them.
            let status = unsafe {
                aes_256_gcm_seal(
                    self.inner.as_ptr(),
                    iv.as_ptr(),
                    aad.as_ptr(),
                    aad.len(),
                    buffer.as_mut_ptr(),
                    buffer.len(),
                    tag.as_mut_ptr(),
                )
            };
            if status == 0 {
                Ok(tag)
            } else {
                Err(refused(()))
            }
        }
    }

    /// Verifies the tag and decrypts `buffer` in place. On failure (`false`) the buffer's contents are
    /// unspecified: ring may have decrypted or cleared it, so a caller trying another key must start again
    /// from a copy of the ciphertext.
    #[must_use]
    pub fn open_in_place(
        &self,
        iv: &[u8; IV_LEN],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> bool {
        #[cfg(not(target_family = "wasm"))]
        {
            use ring::aead::{Aad, Nonce, Tag};
            let nonce = Nonce::assume_unique_for_key(*iv);
            self.inner
                .open_in_place_separate_tag(nonce, Aad::from(aad), Tag::from(*tag), buffer, 0..)
                .is_ok()
        }
        #[cfg(target_family = "wasm")]
        {
            // SAFETY: as in `seal_in_place`; the tag is only read.
            let status = unsafe {
                aes_256_gcm_open(
                    self.inner.as_ptr(),
                    iv.as_ptr(),
                    aad.as_ptr(),
                    aad.len(),
                    buffer.as_mut_ptr(),
                    buffer.len(),
                    tag.as_ptr(),
                )
            };
            status == 0
        }
    }
}

impl Drop for AeadKey {
    fn drop(&mut self) {
        // SAFETY: `inner` is dropped exactly once, here, and never used again. `ManuallyDrop` is
        // transparent, and the key is flat (natively ring's: round keys, field elements, CPU-feature
        // tokens, a `&'static` algorithm descriptor, nothing owned elsewhere; on WebAssembly its bytes),
        // so once the destructor has run, overwriting the bytes with zeros is sound.
        unsafe {
            ManuallyDrop::drop(&mut self.inner);
            zeroize::zeroize_flat_type(std::ptr::addr_of_mut!(self.inner).cast::<Inner>());
        }
    }
}

impl fmt::Debug for AeadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AeadKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_noise::noise;
    use aes_gcm::aead::AeadInPlace;
    use aes_gcm::KeyInit;

    fn oracle(key: &[u8; KEY_LEN]) -> aes_gcm::Aes256Gcm {
        aes_gcm::Aes256Gcm::new(key.into())
    }

    /// Every length a cookie part can have and then some, against RustCrypto's implementation both ways.
    #[test]
    fn agrees_with_the_aes_gcm_crate() {
        for (round, len) in (0..=80)
            .chain([255, 256, 1000, 3000, 4097, 12_288])
            .enumerate()
        {
            let key: [u8; KEY_LEN] = noise(round as u64, KEY_LEN).try_into().unwrap();
            let iv: [u8; IV_LEN] = noise(round as u64 + 1000, IV_LEN).try_into().unwrap();
            let aad = noise(round as u64 + 2000, round % 40);
            let plaintext = noise(round as u64 + 3000, len);

            let ours = AeadKey::new(&key);
            let mut sealed = plaintext.clone();
            let tag = ours.seal_in_place(&iv, &aad, &mut sealed).unwrap();
            let mut expected = plaintext.clone();
            let expected_tag = oracle(&key)
                .encrypt_in_place_detached(aes_gcm::Nonce::from_slice(&iv), &aad, &mut expected)
                .unwrap();
            assert_eq!((&sealed, &tag[..]), (&expected, &expected_tag[..]), "{len}");

            let mut opened = sealed.clone();
            assert!(ours.open_in_place(&iv, &aad, &mut opened, &tag));
            assert_eq!(opened, plaintext);

            let mut bad_tag = tag;
            bad_tag[round % TAG_LEN] ^= 1 << (round % 8);
            assert!(!ours.open_in_place(&iv, &aad, &mut sealed.clone(), &bad_tag));
            if len > 0 {
                let mut altered = sealed.clone();
                altered[round % len] ^= 0x80;
                assert!(!ours.open_in_place(&iv, &aad, &mut altered, &tag));
            }
            let mut other_aad = aad.clone();
            other_aad.push(0);
            assert!(!ours.open_in_place(&iv, &other_aad, &mut sealed.clone(), &tag));
        }
    }

    #[test]
    fn a_dropped_key_leaves_no_key_material_behind() {
        use std::mem::size_of;
        let mut slot = ManuallyDrop::new(AeadKey::new(&[0x5a; KEY_LEN]));
        let start = std::ptr::addr_of!(slot).cast::<u8>();
        // SAFETY: the bytes of `slot`, which lives on this stack frame; read before and after its drop.
        let key_bytes =
            || unsafe { std::slice::from_raw_parts(start, size_of::<AeadKey>()).to_vec() };
        assert!(
            key_bytes().iter().any(|&b| b != 0),
            "a live key holds key material"
        );
        // SAFETY: dropped once; `slot` is not used as an AeadKey afterwards.
        unsafe { ManuallyDrop::drop(&mut slot) };
        assert!(
            key_bytes().iter().all(|&b| b == 0),
            "every byte of the key is wiped on drop"
        );
    }

    #[test]
    fn debug_output_is_redacted() {
        assert_eq!(
            format!("{:?}", AeadKey::new(&[1; KEY_LEN])),
            "AeadKey(<redacted>)"
        );
    }
}
