//! `SessionCipher::open` / `unseal` on hostile cookies. The first byte picks the mode:
//! - even: the rest is the cookie text, as received from the internet;
//! - odd: the rest is `header NUL plaintext`, sealed under one of the ring's keys with a correct tag, so the
//!   fuzzer reaches everything after decryption (UTF-8, claims scan, claim checks, replicated claims, the
//!   v3 conversion) instead of stopping at the tag.
//!
//! Invariants: no panic; `open` fails with a cookie-level code or returns a payload that is one JSON object
//! (judged by serde, independently of the library's scanners); in the sealed mode, `ERR_JWT_INVALID` only
//! for a plaintext that is not UTF-8 JSON of an object, as jose;
//! `unseal` is `None` exactly when `open` fails (or a v3 payload cannot be converted), and whatever it
//! returns is JSON that V8's `JSON.parse` will take.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;
use session_seal_core::payload::claims::Clock;
use session_seal_core::testing::{jwe, legacy};
use session_seal_core::{CipherOptions, ErrorCode, SessionCipher};

static CIPHER: LazyLock<SessionCipher> = LazyLock::new(|| {
    SessionCipher::new(
        &["fuzz-secret-newest-0123456789abcdef", "fuzz-secret-older"],
        CipherOptions::default(),
    )
    .unwrap()
});

/// A fixed moment, so runs are reproducible.
const NOW: f64 = 1_800_000_000.0;

/// Whether `text` is one JSON value by the RFC 8259 grammar V8's `JSON.parse` implements (any depth, lone
/// surrogate escapes allowed): serde's validating skip, independent of the library's own scanners.
fn is_json(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// What jose's `validateClaimsSet` accepts as a claims set: strict UTF-8 (one BOM dropped) of a JSON object.
fn is_json_object(plaintext: &[u8]) -> bool {
    let plaintext = plaintext
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(plaintext);
    match std::str::from_utf8(plaintext) {
        Ok(text) => {
            is_json(text)
                && text
                    .trim_start_matches([' ', '\t', '\n', '\r'])
                    .starts_with('{')
        }
        Err(_) => false,
    }
}

/// `header NUL plaintext`, sealed with a correct tag; also returns the plaintext.
fn sealed(key: usize, rest: &[u8]) -> (String, Vec<u8>) {
    let split = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    let header = String::from_utf8_lossy(&rest[..split]);
    let plaintext = rest.get(split + 1..).unwrap_or_default().to_vec();
    let (_, cipher) = CIPHER
        .ring()
        .opening()
        .nth(key % CIPHER.ring().len())
        .unwrap();
    let cookie =
        jwe::encrypt(cipher, &header, plaintext.clone()).expect("AES-GCM seals any length here");
    (cookie, plaintext)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (cookie, plaintext) = if mode & 1 == 0 {
        match std::str::from_utf8(rest) {
            Ok(text) => (text.to_string(), None),
            Err(_) => return,
        }
    } else {
        let (cookie, plaintext) = sealed(usize::from(mode >> 1), rest);
        (cookie, Some(plaintext))
    };
    let clock = Clock::new(NOW, 15.0).unwrap();
    let opened = CIPHER.open(&cookie, clock);
    let unsealed = CIPHER.unseal(&cookie, clock);
    match opened {
        Ok(opened) => {
            assert!(opened.key_index < CIPHER.ring().len());
            // Checked against serde, not against the library's own (fast) scanner.
            assert!(
                is_json_object(opened.payload.as_bytes()),
                "open accepted a payload that is not a JSON object"
            );
            if let Some(plaintext) = &plaintext {
                assert!(is_json_object(plaintext));
            }
            assert!(serde_json::from_str::<&RawValue>(&opened.header.json).is_ok());
            let legacy = legacy::is_legacy_header(&opened.header.params);
            match unsealed {
                Some(session) => {
                    assert!(is_json(&session), "unseal returned text JSON.parse refuses");
                    if !legacy {
                        assert_eq!(session, opened.payload);
                    }
                }
                None => assert!(legacy, "a v4 cookie opened but did not unseal"),
            }
        }
        Err(err) => {
            assert!(ErrorCode::OPEN.contains(&err.code), "unexpected {err:?}");
            if let (Some(plaintext), ErrorCode::JwtInvalid) = (&plaintext, err.code) {
                // jose refuses a claims set only when it is not UTF-8 JSON of an object.
                assert!(
                    !is_json_object(plaintext),
                    "refused a JSON object as not one: {err:?}"
                );
            }
            assert!(!err.message.is_empty());
            assert!(unsealed.is_none(), "unseal accepted what open refused");
        }
    }
});
