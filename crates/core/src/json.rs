//! JSON text helpers where serde and JavaScript disagree.
//!
//! `JSON.stringify` writes a lone UTF-16 surrogate (half an emoji, say) as an escape like `\ud800`, and
//! `JSON.parse` reads it back; serde refuses to decode one into a Rust string. We never re-emit text we
//! analysed with serde, so for analysis a lone surrogate escape is swapped for `\ufffd`: same length, same
//! structure, same types — every byte offset into the clean text is valid in the original.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::fmt;

/// Parses JSON text into a `Value` as `JSON.parse` sees it.
///
/// serde_json's own `Value` has a trap for us: with its `raw_value` feature (which this crate uses), an
/// object whose first member is named `$serde_json::private::RawValue` is taken for an embedded raw value
/// and that member's string is parsed as JSON in its place. In a cookie, a header or a jar that name is just
/// a name, so every `Value` built from outside text is built here instead. Same limits as serde_json
/// (128 levels of nesting, numbers within f64).
pub fn parse_value(text: &str) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = PlainValue.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// A `Value` built member by member, with no special member names.
struct PlainValue;

impl<'de> DeserializeSeed<'de> for PlainValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PlainValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(PlainValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // A repeated name keeps its first place and takes the last value, as in JSON.parse.
            members.insert(key, map.next_value_seed(PlainValue)?);
        }
        Ok(Value::Object(members))
    }
}

/// `text` with every lone surrogate escape replaced by `\ufffd` (borrowed when there is none).
pub fn without_lone_surrogates(text: &str) -> Cow<'_, str> {
    if !text.contains("\\u") {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = escape_at(bytes, i) else {
            i += 2; // `\"`, `\\`, `\n`…: skip the escaped character too
            continue;
        };
        let paired = match unit {
            0xD800..=0xDBFF => {
                escape_at(bytes, i + 6).is_some_and(|next| (0xDC00..=0xDFFF).contains(&next))
            }
            0xDC00..=0xDFFF => false,
            _ => {
                i += 6;
                continue;
            }
        };
        if paired {
            i += 12;
            continue;
        }
        out.get_or_insert_with(|| bytes.to_vec())[i + 2..i + 6].copy_from_slice(b"fffd");
        i += 6;
    }
    match out {
        // Only ASCII hex digits were rewritten, so the bytes are still UTF-8.
        Some(bytes) => {
            Cow::Owned(String::from_utf8(bytes).expect("ASCII-for-ASCII rewrite keeps UTF-8"))
        }
        None => Cow::Borrowed(text),
    }
}

/// The code unit of a `\uXXXX` escape starting at `at`, if there is one.
fn escape_at(bytes: &[u8], at: usize) -> Option<u16> {
    let escape = bytes.get(at..at + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&escape[2..]).ok()?;
    u16::from_str_radix(hex, 16).ok()
}

/// The part of `original` at the same place as `part` in `clean` (a text from `without_lone_surrogates`).
pub fn same_place<'a>(original: &'a str, clean: &str, part: &str) -> &'a str {
    let start = part.as_ptr() as usize - clean.as_ptr() as usize;
    &original[start..start + part.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn serde_json_raw_value_token_is_just_a_member_name() {
        let text = r#"{"$serde_json::private::RawValue":"[1,2]","b":{"\u0024serde_json::private::RawValue":"7"}}"#;
        let value = super::parse_value(text).unwrap();
        assert_eq!(value["$serde_json::private::RawValue"], "[1,2]");
        assert_eq!(value["b"]["$serde_json::private::RawValue"], "7");
        // serde_json's own Value reads the same text as something else entirely: the trap avoided.
        assert_ne!(serde_json::from_str::<Value>(text).ok(), Some(value));
    }

    #[test]
    fn parse_value_reads_what_serde_json_reads_otherwise() {
        let text = r#"{"b":[1.0,1e21,-0.5,"\u0041\n",18446744073709551615,-9223372036854775808],"a":null,"b":{"d":true},"c":false}"#;
        assert_eq!(
            super::parse_value(text).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert!(super::parse_value("{} x").is_err());
        assert!(super::parse_value("1e400").is_err());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(super::parse_value(&deep).is_err());
    }

    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_escapes_of_the_same_length() {
        let cases = [
            (r#"{"a":"\ud800"}"#, r#"{"a":"\ufffd"}"#),
            (r#"{"\udc00x":1}"#, r#"{"\ufffdx":1}"#),
            (r#"["\ud83d\ude00"]"#, r#"["\ud83d\ude00"]"#),
            (r#"["\ud83d\u0041"]"#, r#"["\ufffd\u0041"]"#),
            (r#"["\\ud800"]"#, r#"["\\ud800"]"#),
            (r#"["\ud800\ud800\udc00"]"#, r#"["\ufffd\ud800\udc00"]"#),
            (r#"["\ud800"#, r#"["\ufffd"#),
        ];
        for (input, expected) in cases {
            let clean = without_lone_surrogates(input);
            assert_eq!(clean, expected, "{input}");
            assert_eq!(clean.len(), input.len());
        }
        assert!(matches!(
            without_lone_surrogates(r#"{"a":"b"}"#),
            Cow::Borrowed(_)
        ));
        let value: Value =
            serde_json::from_str(&without_lone_surrogates(r#"{"x":"\udfff"}"#)).unwrap();
        assert_eq!(value["x"], "\u{fffd}");
    }
}
