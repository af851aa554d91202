//! Strict base64url (RFC 4648 §5, no padding, canonical trailing bits), as JWE compact segments use it.
//!
//! From the `base64-simd` crate: at cookie sizes it is 4–7 times faster than the `base64` crate (see
//! `bench/primitives`), which at 3 KB is a fifth of a whole seal. The `base64` crate is the test oracle.

use base64_simd::URL_SAFE_NO_PAD as BASE64URL;

/// Length of the base64url text for `n` bytes, without padding.
pub fn encoded_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

/// Appends the base64url text of `bytes` to `out` (no allocation when `out` has room).
pub fn encode_into(bytes: &[u8], out: &mut String) {
    BASE64URL.encode_append(bytes, out);
}

/// Decodes strict base64url: no padding, no whitespace, no non-alphabet byte, no stray trailing bits.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    BASE64URL.decode_to_vec(text).ok()
}

/// Decodes `text` into `out` when it is the strict base64url of exactly `out.len()` bytes (no
/// allocation); `false` for any other text, which `decode` then judges.
pub fn decode_exact(text: &str, out: &mut [u8]) -> bool {
    let len = out.len();
    text.len() == encoded_len(len)
        && BASE64URL
            .decode(text.as_bytes(), base64_simd::Out::from_slice(out))
            .is_ok_and(|decoded| decoded.len() == len)
}

/// `decode` into `out`, replacing what it held (no allocation when it has room); `false`, with `out`
/// empty, where `decode` gives `None`.
pub fn decode_into(text: &str, out: &mut Vec<u8>) -> bool {
    out.clear();
    let decoded = BASE64URL.decode_append(text, out).is_ok();
    if !decoded {
        out.clear();
    }
    decoded
}

/// jose's base64url decoding as Node runs it (`atob` after mapping `-_` to `+/`): forgiving-base64, which
/// skips ASCII whitespace, takes `=` padding and ignores stray trailing bits; `+` and `/` are refused.
/// Only for v3 signed cookies, whose signature the SDK's `verifySigned` reads this way (a strict reader would
/// refuse cookies the SDK accepts); everything else is read strictly with `decode`.
pub fn decode_like_jose(text: &str) -> Option<Vec<u8>> {
    if text.contains(['+', '/']) {
        return None;
    }
    let standard: Vec<u8> = text
        .bytes()
        .map(|b| match b {
            b'-' => b'+',
            b'_' => b'/',
            other => other,
        })
        .collect();
    base64_simd::forgiving_decode_to_vec(&standard).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    #[test]
    fn round_trips_every_length() {
        for n in 0..70 {
            let bytes: Vec<u8> = (0..n as u8).map(|b| b.wrapping_mul(37)).collect();
            let mut text = String::new();
            encode_into(&bytes, &mut text);
            assert_eq!(text.len(), encoded_len(n));
            assert_eq!(decode(&text).unwrap(), bytes);
        }
    }

    use crate::test_noise::noise;

    #[test]
    fn encoding_matches_the_base64_crate_exactly() {
        for n in (0..200).chain([255, 256, 257, 1000, 3000, 4097, 65_536]) {
            let bytes = noise(n as u64, n);
            let mut ours = String::from("prefix.");
            encode_into(&bytes, &mut ours);
            assert_eq!(
                ours,
                format!("prefix.{}", URL_SAFE_NO_PAD.encode(&bytes)),
                "{n}"
            );
            let text = &ours["prefix.".len()..];
            assert_eq!(decode(text).unwrap(), bytes, "{n}");
            let mut reused = vec![7u8; n % 5];
            assert!(decode_into(text, &mut reused));
            assert_eq!(reused, bytes, "{n}");
            let mut exact = vec![0u8; n];
            assert!(decode_exact(text, &mut exact));
            assert_eq!(exact, bytes, "{n}");
            assert!(!decode_exact(text, &mut vec![0u8; n + 1]));
        }
    }

    #[test]
    fn decoding_refuses_exactly_what_the_base64_crate_refuses() {
        // Every byte value at many positions of texts long enough for several SIMD steps, and the final
        // groups' trailing bits.
        for n in [40usize, 96, 100, 130, 200] {
            let good = URL_SAFE_NO_PAD.encode(noise(n as u64 + 7, n));
            for position in (0..good.len()).step_by(3).chain([good.len() - 1]) {
                for byte in 0..=255u8 {
                    let mut text = good.clone().into_bytes();
                    text[position] = byte;
                    let Ok(text) = String::from_utf8(text) else {
                        continue;
                    };
                    let expected = URL_SAFE_NO_PAD.decode(&text).ok();
                    assert_eq!(decode(&text), expected, "{n} {position} {byte}");
                    let mut reused = vec![1, 2, 3];
                    assert_eq!(decode_into(&text, &mut reused), expected.is_some());
                    assert_eq!(reused, expected.clone().unwrap_or_default());
                    let mut exact = vec![0u8; n];
                    assert_eq!(decode_exact(&text, &mut exact), expected.is_some_and(|e| e.len() == n));
                }
            }
            for cut in 0..good.len() {
                assert_eq!(
                    decode(&good[..cut]),
                    URL_SAFE_NO_PAD.decode(&good[..cut]).ok()
                );
            }
            let non_ascii = format!("{}é{}", &good[..33], &good[35..]);
            assert_eq!(decode(&non_ascii), None);
        }
    }

    #[test]
    fn refuses_padding_standard_alphabet_whitespace_and_stray_bits() {
        assert!(decode("YQ").is_some());
        assert!(decode("YQ==").is_none());
        assert!(decode("a+b/").is_none());
        assert!(decode("YW Jj").is_none());
        assert!(
            decode("YR").is_none(),
            "non-zero trailing bits are not canonical"
        );
        assert!(decode("Y").is_none());
    }

    #[test]
    fn decode_like_jose_forgives_what_atob_forgives() {
        let strict = URL_SAFE_NO_PAD.encode([0xfb, 0xff, 0x01, 0x7e]);
        assert_eq!(strict, "-_8Bfg");
        let bytes = Some(vec![0xfb, 0xff, 0x01, 0x7e]);
        for text in ["-_8Bfg", "-_8Bfg==", "-_8Bfh", " -_8B\tfg\n", "-_8\x0cBfg"] {
            assert_eq!(decode_like_jose(text), bytes, "{text:?}");
        }
        for text in [
            "+/8Bfg",
            "-_8Bfg=",
            "-_8Bfg===",
            "=-_8Bfg",
            "-_8Bf",
            "-_8B.fg",
            "-_8B\u{a0}fg",
        ] {
            assert_eq!(decode_like_jose(text), None, "{text:?}");
        }
        assert_eq!(decode_like_jose(""), Some(vec![]));
    }
}
