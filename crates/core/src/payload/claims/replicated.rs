//! jose's check of the claims a protected header replicates (`iss`, `sub`, `aud`), read as JavaScript
//! reads them.

use super::*;

/// jose's `jwtDecrypt` check of the claims a protected header replicates: a header `iss` or `sub` must be
/// `===` the payload's, a header `aud` must `JSON.stringify` to the same text as the payload's.
///
/// Both sides are read from their original JSON text as JavaScript reads it — strings as UTF-16 code units
/// (lone surrogates kept apart from U+FFFD), numbers as correctly rounded doubles, object members with
/// integer-like names first — so nothing is equal here that JavaScript would tell apart.
pub fn check_replicated(header_json: &str, payload: &str) -> Result<()> {
    let header = replicated_members(header_json)
        .map_err(|e| jwt_invalid(format!("JWE Protected Header: {e}")))?;
    if header.iter().all(Option::is_none) {
        return Ok(());
    }
    let claims = replicated_members(payload).map_err(|e| jwt_invalid(format!("payload: {e}")))?;
    for ((name, in_header), in_payload) in REPLICATED.iter().zip(header).zip(claims) {
        let Some(in_header) = in_header else { continue };
        let equal = in_payload.is_some_and(|in_payload| {
            if *name == "aud" {
                let limit = MAX_COMPARED_DEPTH;
                matches!((JsValue::read(in_header, limit), JsValue::read(in_payload, limit)),
                    (Some(a), Some(b)) if a.stringifies_like(&b))
            } else {
                matches!((JsValue::read(in_header, 0), JsValue::read(in_payload, 0)),
                    (Some(a), Some(b)) if a.strictly_equals(&b))
            }
        });
        if !equal {
            return Err(claim_invalid(format!(
                "replicated \"{name}\" claim header parameter mismatch"
            )));
        }
    }
    Ok(())
}

const REPLICATED: [&str; 3] = ["iss", "sub", "aud"];

/// Deeper than any header can be (serde refuses a header nested 128 levels), so a payload `aud` nested
/// beyond it cannot equal the header's anyway.
const MAX_COMPARED_DEPTH: usize = 128;

/// The raw text of the last top-level `iss`, `sub` and `aud` members of a JSON object.
fn replicated_members(text: &str) -> std::result::Result<[Option<&str>; 3], serde_json::Error> {
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = [Option<&'de str>; 3];
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut found = [None; 3];
            while let Some(key) = map.next_key::<&'de RawValue>()? {
                let name = js_string(key.get());
                match REPLICATED.iter().position(|r| {
                    name.as_deref()
                        .is_some_and(|n| n.iter().copied().eq(r.encode_utf16()))
                }) {
                    Some(i) => found[i] = Some(map.next_value::<&'de RawValue>()?.get()),
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(found)
        }
    }
    serde_json::Deserializer::from_str(text).deserialize_map(Members)
}

/// A JSON value as `JSON.parse` builds it, for comparing as JavaScript compares.
#[derive(Debug, PartialEq)]
enum JsValue {
    Null,
    Bool(bool),
    Number(f64),
    /// UTF-16 code units, lone surrogates included.
    String(Vec<u16>),
    Array(Vec<JsValue>),
    /// Members in JavaScript's own-key order: array-index names ascending, then the rest as first seen;
    /// a repeated name keeps its first place and its last value.
    Object(Vec<(Vec<u16>, JsValue)>),
}

impl JsValue {
    /// Reads a JSON text already known to be valid, nesting at most `depth` containers.
    fn read(raw: &str, depth: usize) -> Option<JsValue> {
        let raw = raw.trim_matches([' ', '\t', '\n', '\r']);
        Some(match raw.as_bytes().first()? {
            b'n' => JsValue::Null,
            b't' => JsValue::Bool(true),
            b'f' => JsValue::Bool(false),
            b'"' => JsValue::String(js_string(raw)?),
            b'[' => {
                let items: Vec<&RawValue> = serde_json::from_str(raw).ok()?;
                let depth = depth.checked_sub(1)?;
                JsValue::Array(
                    items
                        .into_iter()
                        .map(|item| JsValue::read(item.get(), depth))
                        .collect::<Option<_>>()?,
                )
            }
            b'{' => {
                let depth = depth.checked_sub(1)?;
                let pairs: Pairs = serde_json::from_str(raw).ok()?;
                let mut members: Vec<(Vec<u16>, JsValue)> = Vec::with_capacity(pairs.0.len());
                for (key, value) in pairs.0 {
                    let key = js_string(key.get())?;
                    let value = JsValue::read(value.get(), depth)?;
                    match members.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = value,
                        None => members.push((key, value)),
                    }
                }
                members.sort_by_key(|(key, _)| array_index(key).map_or((1, 0), |i| (0, i)));
                JsValue::Object(members)
            }
            // JSON's number grammar is a subset of Rust's; Rust rounds correctly, overflow is ±inf.
            _ => JsValue::Number(raw.parse().ok()?),
        })
    }

    /// `a === b` (objects are never `===` a value from another parse).
    fn strictly_equals(&self, other: &JsValue) -> bool {
        match (self, other) {
            (JsValue::Array(_) | JsValue::Object(_), _) => false,
            (JsValue::Number(a), JsValue::Number(b)) => a == b,
            (a, b) => a == b,
        }
    }

    /// `JSON.stringify(a) === JSON.stringify(b)`: non-finite numbers print as `null`, `-0` as `0`.
    fn stringifies_like(&self, other: &JsValue) -> bool {
        match (self, other) {
            (JsValue::Number(a), JsValue::Number(b)) if a.is_finite() && b.is_finite() => a == b,
            (JsValue::Number(n), JsValue::Null) | (JsValue::Null, JsValue::Number(n)) => {
                !n.is_finite()
            }
            (JsValue::Number(a), JsValue::Number(b)) => !a.is_finite() && !b.is_finite(),
            (JsValue::Array(a), JsValue::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.stringifies_like(y))
            }
            (JsValue::Object(a), JsValue::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.stringifies_like(vb))
            }
            (a, b) => a == b,
        }
    }
}

/// The members of a JSON object in order, names and values as raw text.
struct Pairs<'a>(Vec<(&'a RawValue, &'a RawValue)>);

impl<'de> serde::Deserialize<'de> for Pairs<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct PairsVisitor;
        impl<'de> Visitor<'de> for PairsVisitor {
            type Value = Pairs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(PairsVisitor)
    }
}

/// The UTF-16 code units of a JSON string literal (quotes included), escapes decoded as `JSON.parse`
/// decodes them: a lone surrogate escape stays a lone surrogate.
fn js_string(literal: &str) -> Option<Vec<u16>> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut units = Vec::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buffer = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buffer));
            continue;
        }
        let unit = match chars.next()? {
            '"' => 0x22,
            '\\' => 0x5c,
            '/' => 0x2f,
            'b' => 0x08,
            'f' => 0x0c,
            'n' => 0x0a,
            'r' => 0x0d,
            't' => 0x09,
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                if hex.len() != 4 {
                    return None;
                }
                u16::from_str_radix(&hex, 16).ok()?
            }
            _ => return None,
        };
        units.push(unit);
    }
    Some(units)
}

/// JavaScript's "array index" names (canonical integers below 2^32 - 1), which objects list first.
fn array_index(name: &[u16]) -> Option<u32> {
    let canonical = name == [u16::from(b'0')] || (!name.is_empty() && name[0] != u16::from(b'0'));
    if !canonical || name.len() > 10 || !name.iter().all(|u| (0x30..=0x39).contains(u)) {
        return None;
    }
    let value = name.iter().fold(0u64, |n, u| n * 10 + u64::from(u - 0x30));
    u32::try_from(value).ok().filter(|&i| i != u32::MAX)
}
