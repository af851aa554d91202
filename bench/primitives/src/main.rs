//! AES-256-GCM (ring, aws-lc-rs, RustCrypto's aes-gcm) and base64url (base64, base64-simd) side by side at
//! the sizes a session cookie has, in one process, interleaved round by round so that a busy machine slows
//! every candidate alike. Prints the median of the rounds' per-call times, in µs.
//!
//! `cargo run --release` in this directory (`-- --rounds N` to change the 41 default).

use std::hint::black_box;
use std::time::Instant;

use aes_gcm::aead::AeadInPlace;
use aes_gcm::KeyInit;
use base64::Engine;

const KEY: [u8; 32] = [7; 32];
const IV: [u8; 12] = [9; 12];
const AAD: &[u8] = b"eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiZGlyIn0";

type Case = (&'static str, Box<dyn FnMut()>);

fn aead_cases(size: usize) -> Vec<Case> {
    let plaintext: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();

    let ring_key = ring::aead::LessSafeKey::new(
        ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, &KEY).unwrap(),
    );
    let aws_key = aws_lc_rs::aead::LessSafeKey::new(
        aws_lc_rs::aead::UnboundKey::new(&aws_lc_rs::aead::AES_256_GCM, &KEY).unwrap(),
    );
    let rc_key = aes_gcm::Aes256Gcm::new((&KEY).into());

    let mut sealed = plaintext.clone();
    let tag = ring_key
        .seal_in_place_separate_tag(
            ring::aead::Nonce::assume_unique_for_key(IV),
            ring::aead::Aad::from(AAD),
            &mut sealed,
        )
        .unwrap();
    let tag: [u8; 16] = tag.as_ref().try_into().unwrap();

    let mut cases: Vec<Case> = Vec::new();
    macro_rules! case {
        ($name:expr, $body:expr) => {
            cases.push(($name, Box::new($body)));
        };
    }
    {
        let (k, mut buf, p) = (ring_key, plaintext.clone(), plaintext.clone());
        case!("seal ring", move || {
            buf.copy_from_slice(&p);
            black_box(
                k.seal_in_place_separate_tag(
                    ring::aead::Nonce::assume_unique_for_key(IV),
                    ring::aead::Aad::from(AAD),
                    &mut buf,
                )
                .unwrap(),
            );
        });
    }
    {
        let (k, mut buf, p) = (aws_key, plaintext.clone(), plaintext.clone());
        case!("seal aws-lc-rs", move || {
            buf.copy_from_slice(&p);
            black_box(
                k.seal_in_place_separate_tag(
                    aws_lc_rs::aead::Nonce::assume_unique_for_key(IV),
                    aws_lc_rs::aead::Aad::from(AAD),
                    &mut buf,
                )
                .unwrap(),
            );
        });
    }
    {
        let (k, mut buf, p) = (rc_key.clone(), plaintext.clone(), plaintext.clone());
        case!("seal aes-gcm", move || {
            buf.copy_from_slice(&p);
            black_box(
                k.encrypt_in_place_detached(aes_gcm::Nonce::from_slice(&IV), AAD, &mut buf)
                    .unwrap(),
            );
        });
    }
    let ring_key = ring::aead::LessSafeKey::new(
        ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, &KEY).unwrap(),
    );
    let aws_key = aws_lc_rs::aead::LessSafeKey::new(
        aws_lc_rs::aead::UnboundKey::new(&aws_lc_rs::aead::AES_256_GCM, &KEY).unwrap(),
    );
    {
        let (k, mut buf, c) = (ring_key, sealed.clone(), sealed.clone());
        case!("open ring", move || {
            buf.copy_from_slice(&c);
            black_box(
                k.open_in_place_separate_tag(
                    ring::aead::Nonce::assume_unique_for_key(IV),
                    ring::aead::Aad::from(AAD),
                    ring::aead::Tag::from(tag),
                    &mut buf,
                    0..,
                )
                .unwrap()
                .len(),
            );
        });
    }
    {
        let (k, mut buf, c) = (aws_key, sealed.clone(), sealed.clone());
        let mut out = vec![0u8; c.len()];
        case!("open aws-lc-rs", move || {
            buf.copy_from_slice(&c);
            // aws-lc-rs has no separate-tag in-place open; gather-open reads ciphertext and tag apart.
            k.open_separate_gather(
                aws_lc_rs::aead::Nonce::assume_unique_for_key(IV),
                aws_lc_rs::aead::Aad::from(AAD),
                &buf,
                &tag,
                &mut out,
            )
            .unwrap();
            black_box(&out);
        });
    }
    {
        let (k, mut buf, c) = (rc_key, sealed.clone(), sealed.clone());
        case!("open aes-gcm", move || {
            buf.copy_from_slice(&c);
            k.decrypt_in_place_detached(
                aes_gcm::Nonce::from_slice(&IV),
                AAD,
                &mut buf,
                aes_gcm::Tag::from_slice(&tag),
            )
            .unwrap();
            black_box(&buf);
        });
    }
    {
        let (mut buf, c) = (sealed.clone(), sealed.clone());
        case!("memcpy (baseline)", move || {
            buf.copy_from_slice(&c);
            black_box(&buf);
        });
    }
    cases
}

fn base64_cases(size: usize) -> Vec<Case> {
    let bytes: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
    let mut cases: Vec<Case> = Vec::new();
    {
        let b = bytes.clone();
        let mut out = String::with_capacity(text.len());
        cases.push((
            "encode base64",
            Box::new(move || {
                out.clear();
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode_string(&b, &mut out);
                black_box(&out);
            }),
        ));
    }
    {
        let b = bytes.clone();
        cases.push((
            "encode base64-simd",
            Box::new(move || {
                black_box(base64_simd::URL_SAFE_NO_PAD.encode_to_string(&b));
            }),
        ));
    }
    {
        let t = text.clone();
        cases.push((
            "decode base64",
            Box::new(move || {
                black_box(
                    base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(&t)
                        .unwrap(),
                );
            }),
        ));
    }
    {
        let t = text.clone();
        cases.push((
            "decode base64-simd",
            Box::new(move || {
                black_box(base64_simd::URL_SAFE_NO_PAD.decode_to_vec(&t).unwrap());
            }),
        ));
    }
    cases
}

fn main() {
    let rounds = std::env::args()
        .skip_while(|a| a != "--rounds")
        .nth(1)
        .map_or(41, |n| n.parse().unwrap());
    println!("| size | operation | median µs per call |");
    println!("| ---: | --- | ---: |");
    for size in [512, 3 * 1024, 12 * 1024] {
        let mut cases = aead_cases(size);
        cases.extend(base64_cases(size));
        let iterations = (2_000_000 / size).max(200);
        let mut samples = vec![Vec::new(); cases.len()];
        for _ in 0..rounds {
            for (i, (_, run)) in cases.iter_mut().enumerate() {
                let start = Instant::now();
                for _ in 0..iterations {
                    run();
                }
                samples[i].push(start.elapsed().as_secs_f64() * 1e6 / iterations as f64);
            }
        }
        for ((name, _), mut times) in cases.into_iter().zip(samples) {
            times.sort_by(f64::total_cmp);
            println!("| {size} | {name} | {:.3} |", times[times.len() / 2]);
        }
    }
}
