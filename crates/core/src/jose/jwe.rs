//! Compact JWE with `alg: dir` and `enc: A256GCM`, the only shape the SDK writes.
//!
//! `header..iv.ciphertext.tag`: the ASCII of the encoded header is the AES-GCM additional data. Parsing
//! follows jose's order of checks so the same bad cookie gets the same error code, but is stricter where
//! a session cookie allows it (strict base64url, no `zip`, only `dir`/`A256GCM`).

use rand::RngCore;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::sync::OnceLock;

use crate::primitives::aead::AeadKey;
pub use crate::primitives::aead::{IV_LEN, TAG_LEN};
use crate::primitives::base64url;
use crate::error::{
    alg_not_allowed, decryption_failed, internal, invalid_arg_value, jwe_invalid, not_supported,
    unused_by_sessions, Result,
};
use crate::json::{parse_value, without_lone_surrogates};
use crate::jose::keys::KeyRing;

mod header;
use header::check_header;
pub use header::header_json;

/// The only key management sessions use: the key itself (`dir`).
pub const ALG: &str = "dir";
/// The only content encryption sessions use.
pub const ENC: &str = "A256GCM";

/// A parsed protected header: its exact JSON text (for the caller) and its parameters (for the checks).
#[derive(Debug, Clone)]
pub struct ProtectedHeader {
    /// The header's JSON text, as decoded.
    pub json: Cow<'static, str>,
    /// Its parameters.
    pub params: Cow<'static, Map<String, Value>>,
    /// The header the SDK writes, parsed and checked once: no parameter to look up again.
    sdk_default: bool,
}

impl ProtectedHeader {
    fn decode(segment: &str) -> Result<Self> {
        // The header the SDK writes, on nearly every cookie: parsed and checked once, then borrowed.
        static SDK_DEFAULT: OnceLock<ProtectedHeader> = OnceLock::new();
        if segment == SDK_DEFAULT_HEADER_SEGMENT {
            let parsed = SDK_DEFAULT.get_or_init(|| {
                let header = Self::decode_text(SDK_DEFAULT_HEADER_SEGMENT)
                    .expect("the SDK's header is valid");
                check_header(&header.params).expect("the SDK's header passes the checks");
                header
            });
            return Ok(ProtectedHeader {
                json: Cow::Borrowed(parsed.json.as_ref()),
                params: Cow::Borrowed(parsed.params.as_ref()),
                sdk_default: true,
            });
        }
        Self::decode_text(segment)
    }

    /// Whether this is the header the SDK writes, `{"enc":"A256GCM","alg":"dir"}` and nothing else: it has
    /// passed the checks, and names no claim, `iat` included.
    pub fn is_sdk_default(&self) -> bool {
        self.sdk_default
    }

    fn decode_text(segment: &str) -> Result<Self> {
        let invalid = || {
            jwe_invalid("JWE Protected Header is invalid: not base64url-encoded JSON of an object")
        };
        let bytes = base64url::decode(segment).ok_or_else(invalid)?;
        let json = utf8_without_bom(bytes).ok_or_else(invalid)?;
        match parse_value(&without_lone_surrogates(&json)) {
            Ok(Value::Object(params)) => Ok(ProtectedHeader {
                json: Cow::Owned(json),
                params: Cow::Owned(params),
                sdk_default: false,
            }),
            _ => Err(invalid()),
        }
    }

    /// No text, no parameters (a placeholder; allocates nothing).
    pub fn empty() -> Self {
        ProtectedHeader {
            json: Cow::Borrowed(""),
            params: Cow::Owned(Map::new()),
            sdk_default: false,
        }
    }

    /// A header parameter, if present.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.params.get(name)
    }
}

/// The protected header the SDK writes, and what a session is sealed under when the caller adds none.
pub const SDK_DEFAULT_HEADER: &str = r#"{"enc":"A256GCM","alg":"dir"}"#;

/// The base64url of `SDK_DEFAULT_HEADER`.
const SDK_DEFAULT_HEADER_SEGMENT: &str = "eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiZGlyIn0";

/// `utf8_without_bom` of bytes the caller keeps: the text, and whether it is all ASCII.
pub fn utf8_text_without_bom(bytes: &[u8]) -> Option<(&str, bool)> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if bytes.is_ascii() {
        // SAFETY: ASCII is UTF-8.
        return Some((unsafe { std::str::from_utf8_unchecked(bytes) }, true));
    }
    std::str::from_utf8(bytes).ok().map(|text| (text, false))
}

/// Strict UTF-8 as the WHATWG fatal decoder reads it: a leading byte-order mark is dropped.
pub fn utf8_without_bom(mut bytes: Vec<u8>) -> Option<String> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if bytes.is_ascii() {
        // SAFETY: ASCII is UTF-8.
        return Some(unsafe { String::from_utf8_unchecked(bytes) });
    }
    String::from_utf8(bytes).ok()
}

/// A compact JWE whose structure has been checked, ready to decrypt.
#[derive(Debug)]
pub struct CompactJwe<'a> {
    /// The header segment exactly as received: the AAD.
    pub header_segment: &'a str,
    /// The protected header, checked.
    pub header: ProtectedHeader,
    /// The initialization vector.
    pub iv: [u8; IV_LEN],
    /// The ciphertext, decoded.
    pub ciphertext: Vec<u8>,
    /// The authentication tag.
    pub tag: [u8; TAG_LEN],
}

impl<'a> CompactJwe<'a> {
    /// Splits and decodes `compact`, checking everything that can be checked without a key.
    pub fn parse(compact: &'a str) -> Result<Self> {
        Self::parse_into(compact, Vec::new())
    }

    /// `parse`, with the ciphertext decoded into `buffer` (its contents replaced; no allocation when it
    /// has room), which `decrypt` hands back holding the plaintext.
    pub fn parse_into(compact: &'a str, buffer: Vec<u8>) -> Result<Self> {
        match Self::parse_fast(compact, buffer) {
            Some(parsed) => parsed,
            None => Self::parse_split(compact),
        }
    }

    /// `parse` by splitting at every dot: the reference, and the path for anything unusual.
    fn parse_split(compact: &'a str) -> Result<Self> {
        let found = compact.split('.').count();
        if found != 5 {
            return Err(jwe_invalid(format!(
                "Invalid Compact JWE: expected 5 dot-separated segments, found {found}"
            )));
        }
        let mut parts = compact.split('.');
        let [header_segment, encrypted_key, iv, ciphertext, tag] =
            std::array::from_fn(|_| parts.next().unwrap_or_default());
        Self::from_segments([header_segment, encrypted_key, iv, ciphertext, tag], None)
    }

    /// The common case without scanning the long ciphertext for dots: the first three dots from the start,
    /// the last from the end, and the ciphertext between them decodes — so it holds no dot, and there are
    /// exactly five segments. `None` when that is not so; `parse` then finds the exact error.
    fn parse_fast(compact: &'a str, mut buffer: Vec<u8>) -> Option<Result<Self>> {
        let bytes = compact.as_bytes();
        let dot = |from: usize| {
            bytes[from..]
                .iter()
                .position(|&b| b == b'.')
                .map(|i| from + i)
        };
        let first = dot(0)?;
        let second = dot(first + 1)?;
        let third = dot(second + 1)?;
        let last = bytes.iter().rposition(|&b| b == b'.')?;
        if last <= third {
            return None;
        }
        if !base64url::decode_into(&compact[third + 1..last], &mut buffer) {
            return None;
        }
        let segments = [
            &compact[..first],
            &compact[first + 1..second],
            &compact[second + 1..third],
            &compact[third + 1..last],
            &compact[last + 1..],
        ];
        Some(Self::from_segments(segments, Some(buffer)))
    }

    /// The checks after the split, in jose's order (`ciphertext` when it is already decoded).
    fn from_segments(segments: [&'a str; 5], ciphertext: Option<Vec<u8>>) -> Result<Self> {
        let [header_segment, encrypted_key, iv, ciphertext_segment, tag] = segments;
        let header = ProtectedHeader::decode(header_segment)?;
        let ciphertext = match ciphertext {
            Some(decoded) => decoded,
            None => base64url::decode(ciphertext_segment).ok_or_else(|| {
                jwe_invalid("Failed to base64url decode the ciphertext (segment 4)")
            })?,
        };
        let iv_bytes = decode_optional::<IV_LEN>(iv, "iv (segment 3)")?;
        let tag_bytes = decode_optional::<TAG_LEN>(tag, "tag (segment 5)")?;
        if !header.is_sdk_default() {
            check_header(&header.params)?;
        }
        if !encrypted_key.is_empty() {
            return Err(jwe_invalid(
                "Encountered unexpected JWE Encrypted Key: segment 2 must be empty for alg \"dir\"",
            ));
        }
        let iv_bytes =
            iv_bytes.ok_or_else(|| jwe_invalid("JWE Initialization Vector missing (segment 3)"))?;
        let tag_bytes =
            tag_bytes.ok_or_else(|| jwe_invalid("JWE Authentication Tag missing (segment 5)"))?;
        let tag = tag_bytes.map_err(|len| {
            jwe_invalid(format!(
                "Invalid Authentication Tag length: {len} bytes, expected 16 (segment 5)"
            ))
        })?;
        let iv = iv_bytes.map_err(|len| {
            jwe_invalid(format!(
                "Invalid Initialization Vector length: {len} bytes, expected 12 (segment 3)"
            ))
        })?;
        Ok(CompactJwe {
            header_segment,
            header,
            iv,
            ciphertext,
            tag,
        })
    }

    /// Tries each key of the ring in order; returns the plaintext and the index of the key that opened it.
    pub fn decrypt(self, ring: &KeyRing) -> Result<(Vec<u8>, usize)> {
        let aad = self.header_segment.as_bytes();
        let mut buffer = self.ciphertext;
        // A failed attempt leaves the buffer unspecified, so every key after the first opens a fresh copy.
        let pristine = (ring.len() > 1).then(|| buffer.clone());
        for (index, key) in ring.opening() {
            if index > 0 {
                if let Some(pristine) = &pristine {
                    buffer.copy_from_slice(pristine);
                }
            }
            if key.open_in_place(&self.iv, aad, &mut buffer, &self.tag) {
                return Ok((buffer, index));
            }
        }
        Err(decryption_failed(
            "decryption operation failed: wrong secret, or the cookie was altered",
        ))
    }
}

/// A segment that must decode to `N` bytes: `None` when empty, else its bytes, or how many bytes it held
/// instead (the caller words that error later, in jose's order).
fn decode_optional<const N: usize>(
    segment: &str,
    what: &str,
) -> Result<Option<std::result::Result<[u8; N], usize>>> {
    if segment.is_empty() {
        return Ok(None);
    }
    let mut bytes = [0u8; N];
    if base64url::decode_exact(segment, &mut bytes) {
        return Ok(Some(Ok(bytes)));
    }
    base64url::decode(segment)
        .map(|other| Some(Err(other.len())))
        .ok_or_else(|| jwe_invalid(format!("Failed to base64url decode the {what}")))
}

/// The length of the compact JWE for a header and plaintext of these lengths.
pub fn sealed_len(header_json_len: usize, plaintext_len: usize) -> usize {
    base64url::encoded_len(header_json_len)
        + 2
        + base64url::encoded_len(IV_LEN)
        + 1
        + base64url::encoded_len(plaintext_len)
        + 1
        + base64url::encoded_len(TAG_LEN)
}

/// Seals `plaintext` under `key` with a fresh random IV, writing the compact JWE into one allocation.
pub fn encrypt(key: &AeadKey, header_json: &str, mut plaintext: Vec<u8>) -> Result<String> {
    let mut out = String::new();
    encrypt_into(key, header_json, &mut plaintext, &mut out)?;
    Ok(out)
}

/// `encrypt` into `out`, replacing what it held (sized once; no allocation when it has room), with the
/// plaintext encrypted in place.
pub fn encrypt_into(
    key: &AeadKey,
    header_json: &str,
    plaintext: &mut [u8],
    out: &mut String,
) -> Result<()> {
    let mut iv = [0u8; IV_LEN];
    rand::rng().fill_bytes(&mut iv);
    let total = sealed_len(header_json.len(), plaintext.len());
    out.clear();
    out.reserve(total);
    if header_json == SDK_DEFAULT_HEADER {
        out.push_str(SDK_DEFAULT_HEADER_SEGMENT);
    } else {
        base64url::encode_into(header_json.as_bytes(), out);
    }
    let tag = key.seal_in_place(&iv, out.as_bytes(), plaintext)?;
    out.push_str("..");
    base64url::encode_into(&iv, out);
    out.push('.');
    base64url::encode_into(plaintext, out);
    out.push('.');
    base64url::encode_into(&tag, out);
    debug_assert_eq!(out.len(), total);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(secret: &str) -> KeyRing {
        KeyRing::new(&[secret]).unwrap()
    }

    fn b64(text: &str) -> String {
        let mut out = String::new();
        base64url::encode_into(text.as_bytes(), &mut out);
        out
    }

    #[test]
    fn header_is_enc_alg_then_extras_in_js_order() {
        assert_eq!(
            header_json(None).unwrap(),
            r#"{"enc":"A256GCM","alg":"dir"}"#
        );
        assert_eq!(
            header_json(Some(r#"{"iat":1,"alg":"dir","2":true,"1":1.50}"#)).unwrap(),
            r#"{"1":1.50,"2":true,"enc":"A256GCM","alg":"dir","iat":1}"#
        );
        assert_eq!(
            header_json(Some(r#"{"alg":"A256KW"}"#))
                .unwrap_err()
                .code
                .as_str(),
            "ERR_JOSE_NOT_SUPPORTED"
        );
        assert_eq!(
            header_json(Some(r#"{"zip":"DEF"}"#))
                .unwrap_err()
                .code
                .as_str(),
            "ERR_JOSE_NOT_SUPPORTED"
        );
        assert_eq!(
            header_json(Some(r#"{"crit":["a","a"]}"#))
                .unwrap_err()
                .code
                .as_str(),
            "ERR_JWE_INVALID"
        );
    }

    #[test]
    fn seal_then_open_round_trips() {
        let keys = ring("secret-one");
        let jwe = encrypt(
            keys.sealing(),
            &header_json(None).unwrap(),
            b"{\"a\":1}".to_vec(),
        )
        .unwrap();
        assert_eq!(jwe.split('.').count(), 5);
        let (plaintext, index) = CompactJwe::parse(&jwe).unwrap().decrypt(&keys).unwrap();
        assert_eq!((plaintext.as_slice(), index), (&b"{\"a\":1}"[..], 0));
        let err = CompactJwe::parse(&jwe)
            .unwrap()
            .decrypt(&ring("other"))
            .unwrap_err();
        assert_eq!(err.code.as_str(), "ERR_JWE_DECRYPTION_FAILED");
    }

    #[test]
    fn every_key_of_a_ring_opens_from_the_original_ciphertext() {
        // ring clears the buffer when a tag does not match, so a ring whose third key is the right one
        // only opens if the second and third attempts start again from the ciphertext.
        let secrets = ["newest", "older", "oldest"];
        let all = KeyRing::new(&secrets).unwrap();
        for (index, secret) in secrets.iter().enumerate() {
            let plaintext = format!("{{\"sealed by\":{index}}}").repeat(20);
            let jwe = encrypt(
                ring(secret).sealing(),
                &header_json(None).unwrap(),
                plaintext.clone().into_bytes(),
            )
            .unwrap();
            let (opened, by) = CompactJwe::parse(&jwe).unwrap().decrypt(&all).unwrap();
            assert_eq!((opened, by), (plaintext.into_bytes(), index));
        }
    }

    #[test]
    fn structural_errors_name_the_segment() {
        let keys = ring("s");
        let good = encrypt(keys.sealing(), &header_json(None).unwrap(), b"{}".to_vec()).unwrap();
        let parts: Vec<&str> = good.split('.').collect();
        let with = |i: usize, v: &str| {
            let mut p = parts.clone();
            p[i] = v;
            p.join(".")
        };
        let code = |s: &str| CompactJwe::parse(s).unwrap_err();
        assert!(code("a.b.c.d").message.contains("5 dot-separated"));
        assert!(code(&with(2, ""))
            .message
            .contains("Initialization Vector missing"));
        assert!(code(&with(4, ""))
            .message
            .contains("Authentication Tag missing"));
        assert!(code(&with(2, "AAAA")).message.contains("segment 3"));
        assert!(code(&with(4, "AAAA")).message.contains("segment 5"));
        assert!(code(&with(1, "AAAA")).message.contains("segment 2"));
        assert!(code(&with(3, "a=")).message.contains("segment 4"));
        assert_eq!(code(&with(0, &b64("[]"))).code.as_str(), "ERR_JWE_INVALID");
        assert_eq!(
            code(&with(
                0,
                &b64(r#"{"alg":"dir","enc":"A256GCM","crit":["x"]}"#)
            ))
            .code
            .as_str(),
            "ERR_JOSE_NOT_SUPPORTED"
        );
        assert_eq!(
            code(&with(0, &b64(r#"{"alg":"dir","enc":"A256GCM","crit":[]}"#)))
                .code
                .as_str(),
            "ERR_JWE_INVALID"
        );
        assert_eq!(
            code(&with(0, &b64(r#"{"alg":"dir"}"#))).code.as_str(),
            "ERR_JWE_INVALID"
        );
        assert_eq!(
            code(&with(0, &b64(r#"{"alg":"none","enc":"A256GCM"}"#)))
                .code
                .as_str(),
            "ERR_JOSE_NOT_SUPPORTED"
        );
    }

    #[test]
    fn the_fast_split_agrees_with_splitting_at_every_dot() {
        let keys = ring("s");
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let headers = [
            header_json(None).unwrap(),
            r#"{"alg":"dir","enc":"A256GCM","iat":1}"#.to_string(),
        ];
        let show = |r: Result<CompactJwe>| format!("{r:?}");
        for round in 0..3000 {
            let header = &headers[round % 2];
            let good = encrypt(keys.sealing(), header, vec![b'x'; next(200)]).unwrap();
            let mut cookie = good.into_bytes();
            for _ in 0..next(3) {
                if cookie.is_empty() {
                    break;
                }
                let at = next(cookie.len());
                match next(4) {
                    0 => cookie.insert(at, b'.'),
                    1 => {
                        cookie.remove(at);
                    }
                    2 => cookie[at] = b"A.=_-+/ \xc3"[next(9)],
                    _ => cookie.truncate(at),
                }
            }
            let Ok(cookie) = String::from_utf8(cookie) else {
                continue;
            };
            assert_eq!(
                show(CompactJwe::parse_into(&cookie, vec![9; round % 7])),
                show(CompactJwe::parse_split(&cookie)),
                "{cookie}"
            );
        }
    }

    #[test]
    fn the_sdk_header_is_parsed_once_and_the_same() {
        let mut segment = String::new();
        base64url::encode_into(br#"{"enc":"A256GCM","alg":"dir"}"#, &mut segment);
        assert_eq!(segment, SDK_DEFAULT_HEADER_SEGMENT);
        assert_eq!(header_json(None).unwrap(), SDK_DEFAULT_HEADER);
        let sealed = encrypt(ring("s").sealing(), SDK_DEFAULT_HEADER, b"{}".to_vec()).unwrap();
        assert!(sealed.starts_with(&format!("{segment}..")));
        let cached = ProtectedHeader::decode(&segment).unwrap();
        let fresh = ProtectedHeader::decode_text(&segment).unwrap();
        assert_eq!((cached.json, cached.params), (fresh.json, fresh.params));
    }

    #[test]
    fn utf8_checks_agree_with_std() {
        for len in [0, 1, 63, 64, 65, 200] {
            let ascii = vec![b'a'; len];
            assert_eq!(
                utf8_without_bom(ascii.clone()).unwrap().as_bytes(),
                &ascii[..]
            );
            for at in 0..len {
                for byte in [0x80u8, 0xC3, 0xFF] {
                    let mut bytes = ascii.clone();
                    bytes[at] = byte;
                    assert_eq!(
                        utf8_without_bom(bytes.clone()),
                        String::from_utf8(bytes).ok(),
                        "{len} {at} {byte}"
                    );
                }
            }
        }
    }

    #[test]
    fn additional_headers_too_deep_to_read_back_are_an_argument_error() {
        let deep = format!(r#"{{"deep":{}{}}}"#, "[".repeat(200), "]".repeat(200));
        let err = header_json(Some(&deep)).unwrap_err();
        assert_eq!(err.code.as_str(), "ERR_INVALID_ARG_VALUE", "{err:?}");
        let fits = format!(r#"{{"deep":{}{}}}"#, "[".repeat(100), "]".repeat(100));
        assert!(header_json(Some(&fits)).is_ok());
    }

    #[test]
    fn header_bom_is_dropped_like_textdecoder() {
        assert_eq!(utf8_without_bom(b"\xEF\xBB\xBF{}".to_vec()).unwrap(), "{}");
        assert!(utf8_without_bom(b"\xff".to_vec()).is_none());
    }
}
