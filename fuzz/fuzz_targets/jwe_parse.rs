//! `jwe::CompactJwe::parse` on arbitrary text: never panics, refuses with a structural code, and whatever
//! it accepts is exactly one canonical compact JWE with an empty encrypted key and a supported header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use session_seal_core::testing::base64url;
use session_seal_core::testing::jwe::CompactJwe;

fn b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    base64url::encode_into(bytes, &mut out);
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match CompactJwe::parse(text) {
        Ok(jwe) => {
            let segments: Vec<&str> = text.split('.').collect();
            assert_eq!(segments.len(), 5);
            assert_eq!(segments[0], jwe.header_segment);
            assert!(segments[1].is_empty(), "an encrypted key was accepted");
            // Strict base64url: re-encoding the decoded bytes gives back exactly what was received.
            assert_eq!(segments[2], b64(&jwe.iv));
            assert_eq!(segments[3], b64(&jwe.ciphertext));
            assert_eq!(segments[4], b64(&jwe.tag));
            let header_bytes = base64url::decode(segments[0]).expect("accepted header decodes");
            assert_eq!(segments[0], b64(&header_bytes));
            let without_bom = header_bytes
                .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                .unwrap_or(&header_bytes);
            assert_eq!(without_bom, jwe.header.json.as_bytes());
            assert_eq!(jwe.header.get("alg").and_then(|v| v.as_str()), Some("dir"));
            assert_eq!(
                jwe.header.get("enc").and_then(|v| v.as_str()),
                Some("A256GCM")
            );
            assert!(jwe.header.get("zip").is_none() && jwe.header.get("crit").is_none());
        }
        Err(err) => {
            assert!(!err.message.is_empty());
            assert!(
                session_seal_core::ErrorCode::PARSE.contains(&err.code),
                "unexpected code {err:?}"
            );
        }
    }
});
