//! The protected header's rules, as jose applies them: `crit`, `zip`, `alg` and `enc` when reading;
//! the header JSON when sealing.

use super::*;

/// The header rules for both directions, in jose's order: `crit`, `zip`, `alg`, `enc`.
pub(super) fn check_header(params: &Map<String, Value>) -> Result<()> {
    if let Some(crit) = params.get("crit") {
        // Every listed extension must be understood, and this library understands none.
        let names = crit
            .as_array()
            .filter(|a| !a.is_empty())
            .ok_or_else(crit_malformed)?;
        let first = names[0]
            .as_str()
            .filter(|s| !s.is_empty())
            .ok_or_else(crit_malformed)?;
        if names.iter().any(|n| n.as_str().is_none_or(str::is_empty)) {
            return Err(crit_malformed());
        }
        return Err(not_supported(format!(
            "Extension Header Parameter \"{first}\" is not recognized"
        )));
    }
    if let Some(zip) = params.get("zip") {
        let refuse = refusal(zip.as_str() == Some("DEF"));
        return Err(refuse(format!(
            "JWE \"zip\" (Compression Algorithm) Header Parameter {zip} is not supported: session cookies are never compressed"
        )));
    }
    // jose checks that both are present before it asks whether either is supported.
    let alg = non_empty_string(params, "alg")
        .ok_or_else(|| jwe_invalid("missing JWE Algorithm (alg) in JWE Header"))?;
    let enc = non_empty_string(params, "enc")
        .ok_or_else(|| jwe_invalid("missing JWE Encryption Algorithm (enc) in JWE Header"))?;
    if alg.starts_with("PBES2") {
        return Err(alg_not_allowed(
            "\"alg\" (Algorithm) Header Parameter value not allowed",
        ));
    }
    if enc != ENC {
        let refuse = refusal(JOSE_CONTENT_ENCRYPTIONS.contains(&enc));
        return Err(refuse(format!(
            "JWE \"enc\" (Encryption Algorithm) Header Parameter \"{enc}\" is not supported: only \"A256GCM\""
        )));
    }
    if alg != ALG {
        let refuse = refusal(JOSE_SYMMETRIC_KEY_MANAGEMENT.contains(&alg));
        return Err(refuse(format!(
            "JWE \"alg\" (Algorithm) Header Parameter \"{alg}\" is not supported: only \"dir\""
        )));
    }
    Ok(())
}

/// The content encryptions jose implements besides ours: with the SDK's 32-byte key, its attempt fails as
/// a malformed or undecryptable JWE.
const JOSE_CONTENT_ENCRYPTIONS: [&str; 5] = [
    "A128GCM",
    "A192GCM",
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
];

/// The key managements jose runs with a 32-byte secret (the others refuse such a key outright).
const JOSE_SYMMETRIC_KEY_MANAGEMENT: [&str; 4] = ["A256KW", "A128GCMKW", "A192GCMKW", "A256GCMKW"];

/// Names jose would attempt get their own variant (same code); see `ErrorCode::JoseUnusedBySessions`.
fn refusal(jose_attempts_it: bool) -> fn(String) -> crate::error::Error {
    match jose_attempts_it {
        true => unused_by_sessions,
        false => not_supported,
    }
}

fn non_empty_string<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn crit_malformed() -> crate::error::Error {
    jwe_invalid(
        "\"crit\" (Critical) Header Parameter MUST be an array of non-empty strings when present",
    )
}

/// The header text the SDK writes: `{ enc, alg, ...additional }` with JavaScript's property order
/// (integer-like keys first, ascending; then insertion order; a repeated key keeps its first place).
/// `additional` is the JSON text of an object; its values are copied verbatim, never re-formatted.
pub fn header_json(additional: Option<&str>) -> Result<String> {
    let mut members: Vec<(String, Box<RawValue>)> = vec![
        (
            "enc".into(),
            RawValue::from_string(format!("\"{ENC}\"")).expect("valid JSON"),
        ),
        (
            "alg".into(),
            RawValue::from_string(format!("\"{ALG}\"")).expect("valid JSON"),
        ),
    ];
    if let Some(text) = additional {
        let raw: indexmap::IndexMap<String, Box<RawValue>> =
            serde_json::from_str(text).map_err(|e| {
                match e.to_string().contains("recursion limit") {
                    true => invalid_arg_value(
                        "additionalHeaders nests deeper than 128 levels, the limit for headers",
                    ),
                    false => invalid_arg_value("additionalHeaders must be a JSON object"),
                }
            })?;
        for (key, value) in raw {
            match members.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => members.push((key, value)),
            }
        }
    }
    members.sort_by_key(|(key, _)| array_index(key).map_or((1, 0), |i| (0, i)));
    let mut json = String::from("{");
    for (i, (key, value)) in members.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&serde_json::to_string(key).expect("strings serialize"));
        json.push(':');
        json.push_str(value.get());
    }
    json.push('}');
    // Pieces of valid JSON, so only the depth can fail: the reader's limit, applied when sealing too.
    let Value::Object(params) = parse_value(&without_lone_surrogates(&json))
        .map_err(|e| invalid_arg_value(format!("additionalHeaders cannot be read back: {e}")))?
    else {
        return Err(internal(
            "a header built as an object reads back as something else",
        ));
    };
    check_crit_duplicates(&params)?;
    check_header(&params)?;
    Ok(json)
}

/// jose refuses a `crit` list with repeated names when sealing.
fn check_crit_duplicates(params: &Map<String, Value>) -> Result<()> {
    if let Some(Value::Array(names)) = params.get("crit") {
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(jwe_invalid(
                    "\"crit\" (Critical) Header Parameter MUST NOT contain duplicate values",
                ));
            }
        }
    }
    Ok(())
}

/// JavaScript orders "array index" keys (canonical integers below 2^32 - 1) before all others.
fn array_index(key: &str) -> Option<u64> {
    let canonical = key == "0" || (!key.starts_with('0') && !key.is_empty() && key.len() <= 10);
    if !canonical || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse::<u64>().ok().filter(|&i| i < u32::MAX as u64)
}
