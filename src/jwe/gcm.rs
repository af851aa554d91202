//! AES-256-GCM for x86-64 CPUs with AES-NI and CLMUL (every x86-64 CPU of the last decade), picked at run
//! time; the `aes-gcm` crate remains the portable path and the test oracle.
//!
//! Why not just the crate: its GHASH (via `polyval`) multiplies and reduces one 16-byte block at a time, a
//! serial chain that made it the largest single cost of sealing or opening a 3 KB session, and its AES-CTR
//! runs eight blocks at a time with 128-bit AES-NI. Here:
//!
//! - GHASH runs in the POLYVAL domain exactly as the `ghash` crate does (RFC 8452, appendix A: byte-reversed
//!   blocks, key `mulX_POLYVAL(reverse(H))`), but aggregated: eight blocks are multiplied by H⁸…H¹, summed
//!   unreduced and reduced once (Gueron–Kounavis), so the carry-less multiplications run in parallel.
//! - AES-256 (key schedule by `AESKEYGENASSIST`, as Intel's white paper gives it) encrypts the counter
//!   blocks 16 at a time with VAES on 512-bit registers when the CPU has AVX-512 and VAES, 8 at a time with
//!   VAES on 256-bit registers with AVX2 and VAES, and 8 at a time with AES-NI otherwise.
//!
//! Decryption verifies the tag (in constant time) before it decrypts, as `aes-gcm` does, so a failed attempt
//! with one key of a ring leaves the buffer untouched for the next. Key material (round keys, powers of H)
//! is wiped on drop.

#[cfg(target_arch = "x86_64")]
pub use x86::Gcm;

/// A stand-in where there is no accelerated implementation: never constructed.
#[cfg(not(target_arch = "x86_64"))]
pub enum Gcm {}

#[cfg(not(target_arch = "x86_64"))]
impl Gcm {
    pub fn new(_key: &[u8; 32]) -> Option<Gcm> {
        None
    }

    pub fn encrypt(&self, _nonce: &[u8; 12], _aad: &[u8], _buffer: &mut [u8]) -> [u8; 16] {
        match *self {}
    }

    pub fn decrypt(
        &self,
        _nonce: &[u8; 12],
        _aad: &[u8],
        _buffer: &mut [u8],
        _tag: &[u8; 16],
    ) -> Result<(), ()> {
        match *self {}
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::*;
    use subtle::ConstantTimeEq;
    use zeroize::{Zeroize, ZeroizeOnDrop};

    /// How many blocks GHASH folds per reduction (and how many powers of H are kept).
    const LANES: usize = 8;

    /// AES-256 has 14 rounds: 15 round keys.
    const ROUNDS: usize = 14;

    /// Which instructions encrypt the counter blocks, chosen once per key.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Ctr {
        AesNi,
        Vaes256,
        Vaes512,
    }

    /// One key, ready: the AES round keys and H¹…H⁸ in the POLYVAL domain.
    pub struct Gcm {
        keys: Keys,
        ctr: Ctr,
    }

    #[derive(Zeroize, ZeroizeOnDrop)]
    struct Keys {
        /// The AES-256 key schedule.
        round: [[u8; 16]; ROUNDS + 1],
        /// `h[i]` is H^(i+1) as POLYVAL bytes.
        h: [[u8; 16]; LANES],
        /// `k[i]`: the low half XOR the high half of `h[i]`, in the low 8 bytes (for Karatsuba).
        k: [[u8; 16]; LANES],
    }

    fn supported() -> bool {
        std::arch::is_x86_feature_detected!("aes")
            && std::arch::is_x86_feature_detected!("pclmulqdq")
            && std::arch::is_x86_feature_detected!("ssse3")
            && std::arch::is_x86_feature_detected!("sse4.1")
    }

    fn ctr_backend() -> Ctr {
        if std::env::var_os("SESSION_SEAL_NO_VAES").is_some()
            || !std::arch::is_x86_feature_detected!("vaes")
        {
            Ctr::AesNi
        } else if std::arch::is_x86_feature_detected!("avx512f") {
            Ctr::Vaes512
        } else if std::arch::is_x86_feature_detected!("avx2") {
            Ctr::Vaes256
        } else {
            Ctr::AesNi
        }
    }

    impl Gcm {
        /// The accelerated cipher for `key`, or `None` when this CPU lacks AES-NI, CLMUL or SSE4.1.
        pub fn new(key: &[u8; 32]) -> Option<Gcm> {
            if !supported() {
                return None;
            }
            // SAFETY: the CPU features were checked above.
            let keys = unsafe { Keys::new(key) };
            Some(Gcm {
                keys,
                ctr: ctr_backend(),
            })
        }

        /// The same key with the other counter-mode implementations this CPU has (for tests).
        #[cfg(test)]
        pub fn variants(key: &[u8; 32]) -> Vec<Gcm> {
            let vaes = std::arch::is_x86_feature_detected!("vaes");
            [
                (Ctr::AesNi, true),
                (
                    Ctr::Vaes256,
                    vaes && std::arch::is_x86_feature_detected!("avx2"),
                ),
                (
                    Ctr::Vaes512,
                    vaes && std::arch::is_x86_feature_detected!("avx512f"),
                ),
            ]
            .into_iter()
            .filter(|(_, available)| *available)
            .filter_map(|(ctr, _)| Gcm::with_backend(key, ctr))
            .collect()
        }

        #[cfg(test)]
        fn with_backend(key: &[u8; 32], ctr: Ctr) -> Option<Gcm> {
            let mut gcm = Gcm::new(key)?;
            gcm.ctr = ctr;
            Some(gcm)
        }

        /// Encrypts `buffer` in place and returns the tag.
        pub fn encrypt(&self, nonce: &[u8; 12], aad: &[u8], buffer: &mut [u8]) -> [u8; 16] {
            self.ctr(nonce, buffer);
            self.tag(nonce, aad, buffer)
        }

        /// Verifies `tag` over `aad` and the ciphertext in `buffer`, then decrypts it in place. On a bad tag
        /// the buffer is left as it was.
        pub fn decrypt(
            &self,
            nonce: &[u8; 12],
            aad: &[u8],
            buffer: &mut [u8],
            tag: &[u8; 16],
        ) -> Result<(), ()> {
            let expected = self.tag(nonce, aad, buffer);
            if !bool::from(expected.ct_eq(tag)) {
                return Err(());
            }
            self.ctr(nonce, buffer);
            Ok(())
        }

        /// XORs the keystream for counters 2, 3, … into `buffer` (GCM's inc32 from J0 = nonce ‖ 1).
        fn ctr(&self, nonce: &[u8; 12], buffer: &mut [u8]) {
            // SAFETY: `Gcm` exists only when AES-NI was detected; the VAES paths only when VAES and
            // AVX2 / AVX-512F were too.
            unsafe {
                let done = match self.ctr {
                    Ctr::Vaes512 => self.ctr_vaes512(nonce, buffer),
                    Ctr::Vaes256 => self.ctr_vaes256(nonce, buffer),
                    Ctr::AesNi => 0,
                };
                self.ctr_aesni(nonce, buffer, done);
            }
        }

        /// GHASH over `aad` and `ciphertext`, XOR E(J0).
        fn tag(&self, nonce: &[u8; 12], aad: &[u8], ciphertext: &[u8]) -> [u8; 16] {
            let mut j0 = [0u8; 16];
            j0[..12].copy_from_slice(nonce);
            j0[15] = 1;
            // SAFETY: `Gcm` exists only when the CPU features were detected.
            unsafe {
                let s = self.ghash(aad, ciphertext);
                let mask = encrypt_block(&self.keys.round, _mm_loadu_si128(j0.as_ptr().cast()));
                let mut out = [0u8; 16];
                _mm_storeu_si128(out.as_mut_ptr().cast(), _mm_xor_si128(s, mask));
                out
            }
        }

        /// The counter-mode keystream for 16-byte blocks `first..`, XORed into `buffer[16 * first..]`.
        #[target_feature(enable = "aes,sse2,ssse3,sse4.1")]
        unsafe fn ctr_aesni(&self, nonce: &[u8; 12], buffer: &mut [u8], first: usize) {
            let round = load_round_keys(&self.keys.round);
            let base = counter_base(nonce);
            let mut counter = 2u32.wrapping_add(first as u32);
            let mut chunks = buffer[first * 16..].chunks_exact_mut(128);
            for chunk in &mut chunks {
                let mut blocks: [__m128i; 8] =
                    core::array::from_fn(|i| counter_block(base, counter.wrapping_add(i as u32)));
                counter = counter.wrapping_add(8);
                for b in &mut blocks {
                    *b = _mm_xor_si128(*b, round[0]);
                }
                for key in &round[1..ROUNDS] {
                    for b in &mut blocks {
                        *b = _mm_aesenc_si128(*b, *key);
                    }
                }
                let p = chunk.as_mut_ptr();
                for (i, b) in blocks.iter().enumerate() {
                    let keystream = _mm_aesenclast_si128(*b, round[ROUNDS]);
                    let at = p.add(16 * i).cast();
                    _mm_storeu_si128(at, _mm_xor_si128(_mm_loadu_si128(at), keystream));
                }
            }
            // The last blocks (fewer than 8): all at once, through a buffer.
            let rest = chunks.into_remainder();
            if !rest.is_empty() {
                let mut blocks: [__m128i; 8] = core::array::from_fn(|i| {
                    _mm_xor_si128(
                        counter_block(base, counter.wrapping_add(i as u32)),
                        round[0],
                    )
                });
                for key in &round[1..ROUNDS] {
                    for b in &mut blocks {
                        *b = _mm_aesenc_si128(*b, *key);
                    }
                }
                let mut keystream = [0u8; 128];
                for (i, b) in blocks.iter().enumerate() {
                    _mm_storeu_si128(
                        keystream.as_mut_ptr().add(16 * i).cast(),
                        _mm_aesenclast_si128(*b, round[ROUNDS]),
                    );
                }
                for (d, k) in rest.iter_mut().zip(keystream) {
                    *d ^= k;
                }
                keystream.zeroize();
            }
        }

        /// Whole 128-byte steps with VAES on 256-bit registers; returns how many blocks were done.
        #[target_feature(enable = "aes,vaes,avx2")]
        unsafe fn ctr_vaes256(&self, nonce: &[u8; 12], buffer: &mut [u8]) -> usize {
            let round: [__m256i; ROUNDS + 1] = core::array::from_fn(|i| {
                _mm256_broadcastsi128_si256(_mm_loadu_si128(self.keys.round[i].as_ptr().cast()))
            });
            let base = counter_base(nonce);
            let mut counter = 2u32;
            let mut steps = 0;
            for chunk in buffer.chunks_exact_mut(128) {
                let mut blocks: [__m256i; 4] = core::array::from_fn(|i| {
                    let c = counter.wrapping_add(2 * i as u32);
                    _mm256_set_m128i(
                        counter_block(base, c.wrapping_add(1)),
                        counter_block(base, c),
                    )
                });
                counter = counter.wrapping_add(8);
                for b in &mut blocks {
                    *b = _mm256_xor_si256(*b, round[0]);
                }
                for key in &round[1..ROUNDS] {
                    for b in &mut blocks {
                        *b = _mm256_aesenc_epi128(*b, *key);
                    }
                }
                let p = chunk.as_mut_ptr();
                for (i, b) in blocks.iter().enumerate() {
                    let keystream = _mm256_aesenclast_epi128(*b, round[ROUNDS]);
                    let at = p.add(32 * i).cast();
                    _mm256_storeu_si256(at, _mm256_xor_si256(_mm256_loadu_si256(at), keystream));
                }
                steps += 1;
            }
            steps * 8
        }

        /// Whole 256-byte steps with VAES on 512-bit registers; returns how many blocks were done.
        #[target_feature(enable = "aes,vaes,avx512f")]
        unsafe fn ctr_vaes512(&self, nonce: &[u8; 12], buffer: &mut [u8]) -> usize {
            let round: [__m512i; ROUNDS + 1] = core::array::from_fn(|i| {
                _mm512_broadcast_i32x4(_mm_loadu_si128(self.keys.round[i].as_ptr().cast()))
            });
            let base = counter_base(nonce);
            let mut counter = 2u32;
            let mut steps = 0;
            let mut counters = [[0u8; 16]; 16];
            for chunk in buffer.chunks_exact_mut(256) {
                for (i, block) in counters.iter_mut().enumerate() {
                    _mm_storeu_si128(
                        block.as_mut_ptr().cast(),
                        counter_block(base, counter.wrapping_add(i as u32)),
                    );
                }
                counter = counter.wrapping_add(16);
                let mut blocks: [__m512i; 4] =
                    core::array::from_fn(|i| _mm512_loadu_si512(counters[4 * i].as_ptr().cast()));
                for b in &mut blocks {
                    *b = _mm512_xor_si512(*b, round[0]);
                }
                for key in &round[1..ROUNDS] {
                    for b in &mut blocks {
                        *b = _mm512_aesenc_epi128(*b, *key);
                    }
                }
                let p = chunk.as_mut_ptr();
                for (i, b) in blocks.iter().enumerate() {
                    let keystream = _mm512_aesenclast_epi128(*b, round[ROUNDS]);
                    let at = p.add(64 * i).cast();
                    _mm512_storeu_si512(at, _mm512_xor_si512(_mm512_loadu_si512(at), keystream));
                }
                steps += 1;
            }
            steps * 16
        }

        #[target_feature(enable = "pclmulqdq,sse2,ssse3,sse4.1")]
        unsafe fn ghash(&self, aad: &[u8], ciphertext: &[u8]) -> __m128i {
            let powers = self.keys.powers();
            let mut y = _mm_setzero_si128();
            y = absorb(&powers, y, aad);
            y = absorb(&powers, y, ciphertext);
            let mut lengths = [0u8; 16];
            lengths[..8].copy_from_slice(&((aad.len() as u64) * 8).to_be_bytes());
            lengths[8..].copy_from_slice(&((ciphertext.len() as u64) * 8).to_be_bytes());
            y = fold(&powers, y, &[reversed(&lengths)]);
            _mm_shuffle_epi8(y, reverse_mask())
        }
    }

    /// nonce ‖ 0⁴ as a block.
    #[inline(always)]
    unsafe fn counter_base(nonce: &[u8; 12]) -> __m128i {
        let mut block = [0u8; 16];
        block[..12].copy_from_slice(nonce);
        _mm_loadu_si128(block.as_ptr().cast())
    }

    /// nonce ‖ counter (big-endian) as a block.
    #[inline(always)]
    unsafe fn counter_block(base: __m128i, counter: u32) -> __m128i {
        _mm_insert_epi32::<3>(base, counter.swap_bytes() as i32)
    }

    #[inline(always)]
    unsafe fn load_round_keys(round: &[[u8; 16]; ROUNDS + 1]) -> [__m128i; ROUNDS + 1] {
        core::array::from_fn(|i| _mm_loadu_si128(round[i].as_ptr().cast()))
    }

    #[inline(always)]
    unsafe fn encrypt_with(round: &[__m128i; ROUNDS + 1], block: __m128i) -> __m128i {
        let mut b = _mm_xor_si128(block, round[0]);
        for key in &round[1..ROUNDS] {
            b = _mm_aesenc_si128(b, *key);
        }
        _mm_aesenclast_si128(b, round[ROUNDS])
    }

    #[target_feature(enable = "aes,sse2")]
    unsafe fn encrypt_block(round: &[[u8; 16]; ROUNDS + 1], block: __m128i) -> __m128i {
        encrypt_with(&load_round_keys(round), block)
    }

    /// One step of the AES-256 key schedule for the even round keys (Intel's `KEY_256_ASSIST_1`).
    #[inline(always)]
    unsafe fn assist_even(mut t1: __m128i, t2: __m128i) -> __m128i {
        let t2 = _mm_shuffle_epi32(t2, 0xFF);
        let mut t4 = _mm_slli_si128(t1, 4);
        t1 = _mm_xor_si128(t1, t4);
        t4 = _mm_slli_si128(t4, 4);
        t1 = _mm_xor_si128(t1, t4);
        t4 = _mm_slli_si128(t4, 4);
        t1 = _mm_xor_si128(t1, t4);
        _mm_xor_si128(t1, t2)
    }

    /// The odd round keys (`KEY_256_ASSIST_2`).
    #[inline(always)]
    unsafe fn assist_odd(t1: __m128i, mut t3: __m128i) -> __m128i {
        let t2 = _mm_shuffle_epi32(_mm_aeskeygenassist_si128(t1, 0x00), 0xAA);
        let mut t4 = _mm_slli_si128(t3, 4);
        t3 = _mm_xor_si128(t3, t4);
        t4 = _mm_slli_si128(t4, 4);
        t3 = _mm_xor_si128(t3, t4);
        t4 = _mm_slli_si128(t4, 4);
        t3 = _mm_xor_si128(t3, t4);
        _mm_xor_si128(t3, t2)
    }

    impl Keys {
        #[target_feature(enable = "aes,pclmulqdq,sse2,ssse3,sse4.1")]
        unsafe fn new(key: &[u8; 32]) -> Keys {
            let mut keys = Keys {
                round: [[0; 16]; ROUNDS + 1],
                h: [[0; 16]; LANES],
                k: [[0; 16]; LANES],
            };
            let mut round = [_mm_setzero_si128(); ROUNDS + 1];
            let mut t1 = _mm_loadu_si128(key.as_ptr().cast());
            let mut t3 = _mm_loadu_si128(key.as_ptr().add(16).cast());
            round[0] = t1;
            round[1] = t3;
            // Each step makes an even round key from the previous pair and, except the last, an odd one.
            macro_rules! expand_even {
                ($i:expr, $rcon:expr) => {
                    t1 = assist_even(t1, _mm_aeskeygenassist_si128(t3, $rcon));
                    round[$i] = t1;
                };
            }
            macro_rules! expand {
                ($i:expr, $rcon:expr) => {
                    expand_even!($i, $rcon);
                    t3 = assist_odd(t1, t3);
                    round[$i + 1] = t3;
                };
            }
            expand!(2, 0x01);
            expand!(4, 0x02);
            expand!(6, 0x04);
            expand!(8, 0x08);
            expand!(10, 0x10);
            expand!(12, 0x20);
            expand_even!(14, 0x40);
            for (bytes, key) in keys.round.iter_mut().zip(&round) {
                _mm_storeu_si128(bytes.as_mut_ptr().cast(), *key);
            }
            // H = E(0¹²⁸), as a POLYVAL key: mulX_POLYVAL(reverse(H)).
            let mut h = [0u8; 16];
            _mm_storeu_si128(
                h.as_mut_ptr().cast(),
                _mm_shuffle_epi8(encrypt_with(&round, _mm_setzero_si128()), reverse_mask()),
            );
            let mut h1: [u8; 16] = polyval::mulx(&h.into()).into();
            h.zeroize();
            let h = _mm_loadu_si128(h1.as_ptr().cast());
            let mut power = h;
            for i in 0..LANES {
                if i > 0 {
                    let (lo, hi, mid) = product(power, h, karatsuba(h));
                    power = reduce(lo, hi, mid);
                }
                _mm_storeu_si128(keys.h[i].as_mut_ptr().cast(), power);
                _mm_storeu_si128(keys.k[i].as_mut_ptr().cast(), karatsuba(power));
            }
            h1.zeroize();
            round.zeroize();
            keys
        }

        #[target_feature(enable = "sse2")]
        unsafe fn powers(&self) -> Loaded {
            let mut loaded = Loaded {
                h: [_mm_setzero_si128(); LANES],
                k: [_mm_setzero_si128(); LANES],
            };
            for i in 0..LANES {
                loaded.h[i] = _mm_loadu_si128(self.h[i].as_ptr().cast());
                loaded.k[i] = _mm_loadu_si128(self.k[i].as_ptr().cast());
            }
            loaded
        }
    }

    /// H¹…H⁸ and their Karatsuba halves, in registers.
    struct Loaded {
        h: [__m128i; LANES],
        k: [__m128i; LANES],
    }

    #[inline(always)]
    unsafe fn reverse_mask() -> __m128i {
        _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    }

    /// A GHASH block as a POLYVAL field element.
    #[inline(always)]
    unsafe fn reversed(block: &[u8; 16]) -> __m128i {
        _mm_shuffle_epi8(_mm_loadu_si128(block.as_ptr().cast()), reverse_mask())
    }

    /// The XOR of the two 64-bit halves (in the low half), for Karatsuba's middle product.
    #[inline(always)]
    unsafe fn karatsuba(h: __m128i) -> __m128i {
        _mm_xor_si128(h, _mm_shuffle_epi32(h, 0x0E))
    }

    /// The unreduced 256-bit product a·h as (low×low, high×high, (a_lo^a_hi)×(h_lo^h_hi)).
    #[inline(always)]
    unsafe fn product(a: __m128i, h: __m128i, hk: __m128i) -> (__m128i, __m128i, __m128i) {
        (
            _mm_clmulepi64_si128(a, h, 0x00),
            _mm_clmulepi64_si128(a, h, 0x11),
            _mm_clmulepi64_si128(karatsuba(a), hk, 0x00),
        )
    }

    /// Montgomery reduction of a (sum of) products, as the `polyval` crate's CLMUL backend does it: the
    /// result is the POLYVAL "dot" product, a·h·x⁻¹²⁸.
    #[inline(always)]
    unsafe fn reduce(t0: __m128i, t1: __m128i, mid: __m128i) -> __m128i {
        let t2 = _mm_xor_si128(mid, _mm_xor_si128(t0, t1));
        let v0 = t0;
        let v1 = _mm_xor_si128(_mm_shuffle_epi32(t0, 0x0E), t2);
        let v2 = _mm_xor_si128(t1, _mm_shuffle_epi32(t2, 0x0E));
        let v3 = _mm_shuffle_epi32(t1, 0x0E);

        let v2 = xor5(
            v2,
            v0,
            _mm_srli_epi64(v0, 1),
            _mm_srli_epi64(v0, 2),
            _mm_srli_epi64(v0, 7),
        );
        let v1 = xor4(
            v1,
            _mm_slli_epi64(v0, 63),
            _mm_slli_epi64(v0, 62),
            _mm_slli_epi64(v0, 57),
        );
        let v3 = xor5(
            v3,
            v1,
            _mm_srli_epi64(v1, 1),
            _mm_srli_epi64(v1, 2),
            _mm_srli_epi64(v1, 7),
        );
        let v2 = xor4(
            v2,
            _mm_slli_epi64(v1, 63),
            _mm_slli_epi64(v1, 62),
            _mm_slli_epi64(v1, 57),
        );
        _mm_unpacklo_epi64(v2, v3)
    }

    #[inline(always)]
    unsafe fn xor4(a: __m128i, b: __m128i, c: __m128i, d: __m128i) -> __m128i {
        _mm_xor_si128(_mm_xor_si128(a, b), _mm_xor_si128(c, d))
    }

    #[inline(always)]
    unsafe fn xor5(a: __m128i, b: __m128i, c: __m128i, d: __m128i, e: __m128i) -> __m128i {
        _mm_xor_si128(a, _mm_xor_si128(_mm_xor_si128(b, c), _mm_xor_si128(d, e)))
    }

    /// Folds up to eight blocks into the state: y' = (y ⊕ x₁)·Hⁿ ⊕ x₂·Hⁿ⁻¹ ⊕ … ⊕ xₙ·H¹, one reduction.
    #[inline(always)]
    unsafe fn fold(powers: &Loaded, y: __m128i, blocks: &[__m128i]) -> __m128i {
        let n = blocks.len();
        debug_assert!((1..=LANES).contains(&n));
        let first = _mm_xor_si128(y, blocks[0]);
        let (mut lo, mut hi, mut mid) = product(first, powers.h[n - 1], powers.k[n - 1]);
        for (i, &x) in blocks.iter().enumerate().skip(1) {
            let (l, h, m) = product(x, powers.h[n - 1 - i], powers.k[n - 1 - i]);
            lo = _mm_xor_si128(lo, l);
            hi = _mm_xor_si128(hi, h);
            mid = _mm_xor_si128(mid, m);
        }
        reduce(lo, hi, mid)
    }

    /// Absorbs `data` (zero-padded to whole blocks) into the state.
    #[target_feature(enable = "pclmulqdq,sse2,ssse3,sse4.1")]
    unsafe fn absorb(powers: &Loaded, mut y: __m128i, data: &[u8]) -> __m128i {
        let mask = reverse_mask();
        let mut chunks = data.chunks_exact(16 * LANES);
        for chunk in &mut chunks {
            let p = chunk.as_ptr();
            let blocks: [__m128i; LANES] = core::array::from_fn(|i| {
                _mm_shuffle_epi8(_mm_loadu_si128(p.add(16 * i).cast()), mask)
            });
            y = fold(powers, y, &blocks);
        }
        let rest = chunks.remainder();
        if rest.is_empty() {
            return y;
        }
        let mut blocks = [_mm_setzero_si128(); LANES];
        let n = rest.len().div_ceil(16);
        for (i, block) in rest.chunks(16).enumerate() {
            let mut padded = [0u8; 16];
            padded[..block.len()].copy_from_slice(block);
            blocks[i] = reversed(&padded);
        }
        fold(powers, y, &blocks[..n])
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::x86::Gcm;
    use aes_gcm::aead::AeadInPlace;
    use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};

    use crate::test_noise::noise as bytes;

    #[test]
    fn matches_the_aes_gcm_crate_for_every_length_and_aad() {
        let Some(_) = Gcm::new(&[0; 32]) else {
            eprintln!("no AES-NI/CLMUL here: the portable path is used, nothing to compare");
            return;
        };
        for case in 0..40u64 {
            let key: [u8; 32] = bytes(case, 32).try_into().unwrap();
            let nonce: [u8; 12] = bytes(case + 1000, 12).try_into().unwrap();
            let oracle = Aes256Gcm::new(&key.into());
            for fast in Gcm::variants(&key) {
                for len in (0..300).chain([1023, 1024, 1025, 4096, 65_537]) {
                    let aad = bytes(case * 7 + len as u64, (len * 3 + case as usize) % 150);
                    let plaintext = bytes(case ^ len as u64, len);
                    let mut ours = plaintext.clone();
                    let tag = fast.encrypt(&nonce, &aad, &mut ours);
                    let mut theirs = plaintext.clone();
                    let expected = oracle
                        .encrypt_in_place_detached(Nonce::from_slice(&nonce), &aad, &mut theirs)
                        .unwrap();
                    assert_eq!(ours, theirs, "ciphertext, len {len}");
                    assert_eq!(&tag[..], &expected[..], "tag, len {len}, aad {}", aad.len());
                    fast.decrypt(&nonce, &aad, &mut ours, &tag).unwrap();
                    assert_eq!(ours, plaintext);
                }
            }
        }
    }

    #[test]
    fn every_backend_agrees_around_its_step_sizes() {
        let Some(_) = Gcm::new(&[0; 32]) else {
            return;
        };
        // The vector paths take 128- or 256-byte steps and hand the rest to AES-NI: check the seams.
        let key = [9u8; 32];
        let oracle = Aes256Gcm::new(&key.into());
        for fast in Gcm::variants(&key) {
            for len in [
                127, 128, 129, 255, 256, 257, 383, 384, 385, 511, 512, 513, 4000,
            ] {
                let data = bytes(len as u64, len);
                let mut ours = data.clone();
                let tag = fast.encrypt(&[1; 12], b"", &mut ours);
                let mut theirs = data.clone();
                let expected = oracle
                    .encrypt_in_place_detached(Nonce::from_slice(&[1; 12]), b"", &mut theirs)
                    .unwrap();
                assert_eq!((ours, &tag[..]), (theirs, &expected[..]));
            }
        }
    }

    #[test]
    fn a_bad_tag_fails_and_leaves_the_buffer_untouched() {
        let Some(fast) = Gcm::new(&[7; 32]) else {
            return;
        };
        let oracle = Aes256Gcm::new(&[7; 32].into());
        let nonce = [3u8; 12];
        let mut sealed = b"a session of some length, more than one block".to_vec();
        let tag = fast.encrypt(&nonce, b"aad", &mut sealed);
        let mut crate_copy = sealed.clone();
        oracle
            .decrypt_in_place_detached(
                Nonce::from_slice(&nonce),
                b"aad",
                &mut crate_copy,
                Tag::from_slice(&tag),
            )
            .unwrap();
        for flip in 0..16 {
            let mut bad = tag;
            bad[flip] ^= 1;
            let mut buffer = sealed.clone();
            assert!(fast.decrypt(&nonce, b"aad", &mut buffer, &bad).is_err());
            assert_eq!(buffer, sealed);
        }
        let mut buffer = sealed.clone();
        assert!(fast.decrypt(&nonce, b"aaD", &mut buffer, &tag).is_err());
        buffer[0] ^= 0x80;
        assert!(fast.decrypt(&nonce, b"aad", &mut buffer, &tag).is_err());
    }
}
