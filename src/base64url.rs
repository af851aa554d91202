//! Strict base64url (RFC 4648 §5, no padding, canonical trailing bits), as JWE compact segments use it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Length of the base64url text for `n` bytes, without padding.
pub fn encoded_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

/// Appends the base64url text of `bytes` to `out` (no allocation when `out` has room).
pub fn encode_into(bytes: &[u8], out: &mut String) {
    #[cfg(target_arch = "x86_64")]
    let bytes = match avx2::available() {
        // SAFETY: AVX2 is present; the prefix is written as ASCII.
        true => unsafe { &bytes[avx2::encode_prefix(bytes, out)..] },
        false => bytes,
    };
    // The rest (or everything): whole 3-byte groups were done above, so this simply continues the text.
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Decodes strict base64url: no padding, no whitespace, no non-alphabet byte, no stray trailing bits.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    #[cfg(target_arch = "x86_64")]
    let text = match avx2::available() {
        // SAFETY: AVX2 is present.
        true => &text[unsafe { avx2::decode_prefix(text.as_bytes(), &mut out)? }..],
        false => text,
    };
    // The rest (or everything), from a 4-character boundary: the crate checks the final group's length
    // and trailing bits.
    URL_SAFE_NO_PAD.decode_vec(text, &mut out).ok()?;
    Some(out)
}

/// AVX2 base64url (Muła and Lemire's method, as in aklomp/base64): 24 bytes ⇄ 32 characters per step, for
/// the whole groups before the last 32 characters or so; the `base64` crate does the rest.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use core::arch::x86_64::*;

    pub fn available() -> bool {
        std::arch::is_x86_feature_detected!("avx2")
    }

    /// Encodes whole 24-byte steps of `bytes` while 32 bytes can be loaded; returns how many were done.
    #[target_feature(enable = "avx2")]
    pub unsafe fn encode_prefix(bytes: &[u8], out: &mut String) -> usize {
        // Each step reads 32 bytes starting 4 before the 24 it encodes (the first step, from 0).
        if bytes.len() < 32 {
            return 0;
        }
        let steps = (bytes.len() - 4) / 24;
        let out = out.as_mut_vec();
        out.reserve(steps * 32);
        let mut dst = out.as_mut_ptr().add(out.len());
        let src = bytes.as_ptr();
        for step in 0..steps {
            let block = if step == 0 {
                let block = _mm256_loadu_si256(src.cast());
                _mm256_permutevar8x32_epi32(block, _mm256_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6))
            } else {
                _mm256_loadu_si256(src.add(step * 24 - 4).cast())
            };
            let text = translate(reshuffle(block));
            _mm256_storeu_si256(dst.cast(), text);
            dst = dst.add(32);
        }
        // SAFETY: `steps * 32` ASCII bytes were written within the reserved capacity.
        out.set_len(out.len() + steps * 32);
        steps * 24
    }

    /// Splits 24 bytes (at offset 4 of each 16-byte lane's 12) into 32 six-bit values, one per byte.
    #[inline(always)]
    unsafe fn reshuffle(input: __m256i) -> __m256i {
        let input = _mm256_shuffle_epi8(
            input,
            _mm256_set_epi8(
                10, 11, 9, 10, 7, 8, 6, 7, 4, 5, 3, 4, 1, 2, 0, 1, 14, 15, 13, 14, 11, 12, 10, 11,
                8, 9, 7, 8, 5, 6, 4, 5,
            ),
        );
        let t0 = _mm256_and_si256(input, _mm256_set1_epi32(0x0FC0_FC00));
        let t1 = _mm256_mulhi_epu16(t0, _mm256_set1_epi32(0x0400_0040));
        let t2 = _mm256_and_si256(input, _mm256_set1_epi32(0x003F_03F0));
        let t3 = _mm256_mullo_epi16(t2, _mm256_set1_epi32(0x0100_0010));
        _mm256_or_si256(t1, t3)
    }

    /// Six-bit values to the URL-safe alphabet: A–Z, a–z, 0–9, `-`, `_`.
    #[inline(always)]
    unsafe fn translate(values: __m256i) -> __m256i {
        // Offsets by range: [0..25] +65, [26..51] +71, [52..61] -4, 62 → '-' (-17), 63 → '_' (+32).
        let lut = _mm256_setr_epi8(
            65, 71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -17, 32, 0, 0, 65, 71, -4, -4, -4, -4,
            -4, -4, -4, -4, -4, -4, -17, 32, 0, 0,
        );
        let mut indices = _mm256_subs_epu8(values, _mm256_set1_epi8(51));
        let above_25 = _mm256_cmpgt_epi8(values, _mm256_set1_epi8(25));
        indices = _mm256_sub_epi8(indices, above_25);
        _mm256_add_epi8(values, _mm256_shuffle_epi8(lut, indices))
    }

    /// Decodes whole 32-character steps of `text` while at least one more character follows (the crate
    /// judges the final group); returns how many characters were done, or `None` at a byte outside the
    /// alphabet. `out` must have room for 24 bytes per step plus 8.
    #[target_feature(enable = "avx2")]
    pub unsafe fn decode_prefix(text: &[u8], out: &mut Vec<u8>) -> Option<usize> {
        if text.len() <= 32 {
            return Some(0);
        }
        let steps = (text.len() - 1) / 32;
        out.reserve(steps * 24 + 8);
        let mut dst = out.as_mut_ptr().add(out.len());
        let src = text.as_ptr();
        // Invalid when lut_lo[low nibble] & lut_hi[high nibble] != 0 (see the classes in `decode_class`).
        let lut_lo = _mm256_setr_epi8(
            0x25, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x23, 0x3B, 0x3B, 0x3A,
            0x3B, 0x33, 0x25, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x23, 0x3B,
            0x3B, 0x3A, 0x3B, 0x33,
        );
        let lut_hi = _mm256_setr_epi8(
            0x20, 0x20, 0x01, 0x02, 0x04, 0x08, 0x04, 0x10, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
            0x20, 0x20, 0x20, 0x20, 0x01, 0x02, 0x04, 0x08, 0x04, 0x10, 0x20, 0x20, 0x20, 0x20,
            0x20, 0x20, 0x20, 0x20,
        );
        // What to add, by high nibble; index 0 stands for '_'.
        let lut_roll = _mm256_setr_epi8(
            -32, 0, 17, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, -32, 0, 17, 4, -65, -65,
            -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
        );
        let nibble = _mm256_set1_epi8(0x0F);
        for step in 0..steps {
            let chars = _mm256_loadu_si256(src.add(step * 32).cast());
            let hi = _mm256_and_si256(_mm256_srli_epi32(chars, 4), nibble);
            let lo = _mm256_and_si256(chars, nibble);
            let invalid = _mm256_and_si256(
                _mm256_shuffle_epi8(lut_lo, lo),
                _mm256_shuffle_epi8(lut_hi, hi),
            );
            if _mm256_testz_si256(invalid, invalid) == 0 {
                return None;
            }
            let underscore = _mm256_cmpeq_epi8(chars, _mm256_set1_epi8(b'_' as i8));
            let roll = _mm256_shuffle_epi8(lut_roll, _mm256_andnot_si256(underscore, hi));
            let values = _mm256_add_epi8(chars, roll);
            _mm256_storeu_si256(dst.cast(), pack(values));
            dst = dst.add(24);
        }
        // SAFETY: `steps * 24` bytes were written within the reserved capacity.
        out.set_len(out.len() + steps * 24);
        Some(steps * 32)
    }

    /// 32 six-bit values to 24 bytes (the low 24 of the result).
    #[inline(always)]
    unsafe fn pack(values: __m256i) -> __m256i {
        let merged = _mm256_maddubs_epi16(values, _mm256_set1_epi32(0x0140_0140));
        let merged = _mm256_madd_epi16(merged, _mm256_set1_epi32(0x0001_1000));
        let packed = _mm256_shuffle_epi8(
            merged,
            _mm256_setr_epi8(
                2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1, 0, 6, 5, 4, 10, 9, 8,
                14, 13, 12, -1, -1, -1, -1,
            ),
        );
        _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, -1, -1))
    }
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

    use crate::test_noise::noise;

    #[test]
    fn vector_paths_match_the_crate_exactly() {
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
        }
    }

    #[test]
    fn vector_decode_refuses_exactly_what_the_crate_refuses() {
        // Every byte value at many positions of texts long enough for several vector steps, and the
        // final groups' trailing bits.
        for n in [40usize, 96, 100, 130, 200] {
            let good = URL_SAFE_NO_PAD.encode(noise(n as u64 + 7, n));
            for position in (0..good.len()).step_by(3).chain([good.len() - 1]) {
                for byte in 0..=255u8 {
                    let mut text = good.clone().into_bytes();
                    text[position] = byte;
                    let Ok(text) = String::from_utf8(text) else {
                        continue;
                    };
                    assert_eq!(
                        decode(&text),
                        URL_SAFE_NO_PAD.decode(&text).ok(),
                        "{n} {position} {byte}"
                    );
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
    fn decode_exact_checks_length() {
        assert!(decode_exact::<12>("AAAAAAAAAAAAAAAA").is_some());
        assert!(decode_exact::<12>("AAAAAAAAAAAAAAA").is_none());
        assert!(decode_exact::<16>("AAAAAAAAAAAAAAAAAAAAAA").is_some());
        assert!(decode_exact::<16>("AAAAAAAAAAAAAAAAAAAAAB").is_none());
    }
}
