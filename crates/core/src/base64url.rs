//! Strict base64url (RFC 4648 §5, no padding, canonical trailing bits), as JWE compact segments use it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Length of the base64url text for `n` bytes, without padding.
pub fn encoded_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

/// Appends the base64url text of `bytes` to `out` (no allocation when `out` has room).
pub fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Decodes strict base64url: no padding, no whitespace, no non-alphabet byte, no stray trailing bits.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Decodes into a fixed-size array, refusing any other decoded length.
pub fn decode_exact<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != encoded_len(N) {
        return None;
    }
    let mut out = [0u8; N];
    match URL_SAFE_NO_PAD.decode_slice(text, &mut out) {
        Ok(n) if n == N => Some(out),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn decode_exact_checks_length() {
        assert!(decode_exact::<12>("AAAAAAAAAAAAAAAA").is_some());
        assert!(decode_exact::<12>("AAAAAAAAAAAAAAA").is_none());
        assert!(decode_exact::<16>("AAAAAAAAAAAAAAAAAAAAAA").is_some());
        assert!(decode_exact::<16>("AAAAAAAAAAAAAAAAAAAAAB").is_none());
    }
}
