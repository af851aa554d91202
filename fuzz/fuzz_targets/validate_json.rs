//! `session::validate_json` on arbitrary text and on generated JSON shaped like the SDK's SessionData.
//! The first byte picks the mode: 0 = the rest is raw text; otherwise a JSON value is built from the bytes
//! (mostly SessionData member names, values of every type, up to a modest depth).
//!
//! Invariants: no panic; validating text equals validating its parse; every problem renders; a problem's
//! path is non-empty unless the root itself is wrong.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use session_seal_core::payload::session;
use std::sync::LazyLock;

/// The SessionData family's member names (read off the core's shapes), and a few that JavaScript treats
/// specially.
static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut names = session::member_names();
    names.extend(["exp", "__proto__", "constructor"]);
    names
});

fn key(u: &mut Unstructured) -> Result<String> {
    Ok(if u.ratio(7, 8)? {
        (*u.choose(&NAMES)?).to_string()
    } else {
        u.arbitrary()?
    })
}

fn value(u: &mut Unstructured, depth: u32) -> Result<Value> {
    let pick = if depth == 0 {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=6)?
    };
    Ok(match pick {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => match u.int_in_range(0..=2)? {
            0 => Value::from(u.arbitrary::<i64>()?),
            1 => Value::from(u.arbitrary::<u64>()?),
            _ => serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        },
        3 | 4 => Value::String(u.arbitrary()?),
        5 => {
            let len = u.int_in_range(0..=4)?;
            Value::Array(
                (0..len)
                    .map(|_| value(u, depth - 1))
                    .collect::<Result<_>>()?,
            )
        }
        _ => {
            let len = u.int_in_range(0..=8)?;
            let mut map = Map::new();
            for _ in 0..len {
                map.insert(key(u)?, value(u, depth - 1)?);
            }
            Value::Object(map)
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = if mode == 0 {
        match std::str::from_utf8(rest) {
            Ok(text) => text.to_string(),
            Err(_) => return,
        }
    } else {
        let mut u = Unstructured::new(rest);
        match value(&mut u, 6) {
            Ok(v) => v.to_string(),
            Err(_) => return,
        }
    };
    let problems = session::validate_json(&text);
    if let Ok(parsed) = session_seal_core::testing::json::parse_value(&text) {
        assert_eq!(problems, session::validate(&parsed));
    }
    if !problems.is_empty() {
        assert!(session::describe(&problems).starts_with("invalid session"));
    }
    for problem in &problems {
        assert!(!problem.message.is_empty());
    }
});
