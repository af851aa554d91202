//! Inputs the fuzzers (`fuzz/`) once stopped on, replayed on every `cargo test` with the target's own
//! construction and invariants, so each stays fixed without a fuzzer. Add a file under
//! `tests/fuzz_regressions/<target>/` for every new crash.

use std::path::Path;

use session_seal_core::cipher::Opened;
use session_seal_core::payload::claims::Clock;
use session_seal_core::testing::jwe;
use session_seal_core::{CipherOptions, ErrorCode, SessionCipher};

/// The `open` target's key ring and clock.
fn fuzz_cipher() -> SessionCipher {
    SessionCipher::new(
        &["fuzz-secret-newest-0123456789abcdef", "fuzz-secret-older"],
        CipherOptions::default(),
    )
    .unwrap()
}

const NOW: f64 = 1_800_000_000.0;

/// The `open` target's cookie: even first byte, the rest as text; odd, `header NUL plaintext` sealed.
fn open_target_cookie(cipher: &SessionCipher, data: &[u8]) -> Option<String> {
    let (&mode, rest) = data.split_first()?;
    if mode & 1 == 0 {
        return std::str::from_utf8(rest).ok().map(str::to_string);
    }
    let split = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    let header = String::from_utf8_lossy(&rest[..split]);
    let plaintext = rest.get(split + 1..).unwrap_or_default().to_vec();
    let index = usize::from(mode >> 1) % cipher.ring().len();
    let (_, key) = cipher.ring().opening().nth(index).unwrap();
    Some(jwe::encrypt(key, &header, plaintext).unwrap())
}

fn open(data: &[u8]) -> (session_seal_core::Result<Opened>, Option<String>) {
    let cipher = fuzz_cipher();
    let cookie = open_target_cookie(&cipher, data).expect("a replayable input");
    let clock = Clock::new(NOW, 15.0).unwrap();
    (cipher.open(&cookie, clock), cipher.unseal(&cookie, clock))
}

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(path).unwrap())
        })
        .collect()
}

#[test]
fn every_open_crash_replays_cleanly() {
    let inputs = inputs("open");
    assert!(!inputs.is_empty());
    for (name, data) in inputs {
        match open(&data) {
            (Ok(_), _) => {}
            (Err(err), unsealed) => {
                assert!(ErrorCode::OPEN.contains(&err.code), "{name}: {err:?}");
                assert_eq!(unsealed, None, "{name}");
            }
        }
    }
}

/// 2026-11-27, `open` target: a header whose `alg` starts with `PBES2` is jose's
/// `ERR_JOSE_ALG_NOT_ALLOWED` (a code added after the target was written, which it did not yet list).
#[test]
fn a_pbes2_alg_is_refused_as_not_allowed() {
    let (opened, unsealed) = open(
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fuzz_regressions/open/crash-608549b0851095002d8a6c25b3d32247ff268380"),
        )
        .unwrap(),
    );
    assert_eq!(
        opened.unwrap_err().code.as_str(),
        "ERR_JOSE_ALG_NOT_ALLOWED"
    );
    assert_eq!(unsealed, None);
}

/// `validate_json` stopped on a session whose object held a member named
/// `$serde_json::private::RawValue`: serde_json's `Value` (our reference, then) takes that name for an
/// embedded raw value and parses the member's string as JSON. Validation read the text as JSON.parse does
/// and was right; every `Value` built from outside text now comes from `json::parse_value`, which agrees.
#[test]
fn serde_json_raw_value_member_name_is_plain_data_everywhere() {
    use session_seal_core::payload::session;
    use session_seal_core::stores::cookies::Jar;
    use session_seal_core::testing::json::parse_value;
    const TOKEN: &str = "$serde_json::private::RawValue";

    // validate_json (the fuzz target's invariant): the text and its parse agree.
    for text in [
        format!(r#"{{"{TOKEN}":"26222"}}"#),
        format!(r#"{{"user":{{"{TOKEN}":"{{\"sub\":\"x\"}}"}},"tokenSet":{{"{TOKEN}":"1"}}}}"#),
        r#"{"\u0024serde_json::private::RawValue":"[]"}"#.to_string(),
    ] {
        let problems = session::validate_json(&text);
        assert_eq!(
            problems,
            session::validate(&parse_value(&text).unwrap()),
            "{text}"
        );
        assert!(problems
            .iter()
            .any(|p| p.path.is_empty() || p.message.contains("required")));
    }

    // A protected header: the member is data and the header stays an object.
    let cipher = fuzz_cipher();
    let (_, key) = cipher.ring().opening().next().unwrap();
    let header = format!(r#"{{"alg":"dir","enc":"A256GCM","x":{{"{TOKEN}":"[1"}}}}"#);
    let cookie = jwe::encrypt(key, &header, br#"{"a":1}"#.to_vec()).unwrap();
    let opened = cipher
        .open(&cookie, Clock::new(NOW, 15.0).unwrap())
        .unwrap();
    assert_eq!(opened.header.get("x").unwrap()[TOKEN], "[1");

    // A jar given as a name → value object: the name is a cookie name like any other.
    let jar = Jar::from_json(&format!(r#"{{"{TOKEN}":"{{\"__session\":\"forged\"}}"}}"#)).unwrap();
    assert_eq!(jar.get(TOKEN), Some(r#"{"__session":"forged"}"#));
    assert_eq!(jar.get("__session"), None);
}
