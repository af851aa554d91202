//! The request's cookies: the `Jar` the SDK's `RequestCookies` is, read from a `Cookie` header or a list
//! or object, its size caps, and URI component coding.

use super::*;

/// A request's cookies as the SDK's `RequestCookies` holds them: names in first-seen order, each with its
/// last value; `set` keeps a name's place, `delete` closes the gap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jar {
    cookies: IndexMap<String, String>,
}

impl Jar {
    /// A jar without cookies.
    pub fn new() -> Self {
        Jar::default()
    }

    /// Parses a `Cookie` header as `new RequestCookies(new Headers({ cookie }))` does: the header is
    /// trimmed of HTTP whitespace, pairs are split at `;` (and the spaces after it), a pair without `=`
    /// is the name with the value `"true"`, values are `decodeURIComponent`-ed and a pair whose value
    /// does not decode is skipped. Names are taken as they are (not trimmed).
    pub fn parse_header(header: &str) -> Jar {
        let header = header.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
        let mut jar = Jar::new();
        for (i, pair) in header.split(';').enumerate() {
            let pair = if i == 0 {
                pair
            } else {
                pair.trim_start_matches(' ')
            };
            if pair.is_empty() {
                continue;
            }
            match pair.find('=') {
                None => jar.set(pair, "true"),
                Some(at) => {
                    if let Some(value) = decode_uri_component(&pair[at + 1..]) {
                        jar.set(&pair[..at], &value);
                    }
                }
            }
        }
        jar
    }

    /// A jar from JSON: an array of `{ name, value }` (what `getAll()` returns) or an object of
    /// `name: value` strings. Values are taken as they are (already decoded). A repeated name keeps its
    /// first place and its last value. A value that is absent or `null` is an empty cookie, as the SDK's
    /// stores read the `{ name, value: undefined }` entries Next.js's `cookies()` lists for the cookies a
    /// `proxy.ts` deleted.
    pub fn from_json(text: &str) -> Result<Jar> {
        Jar::from_json_named(text, "cookies")
    }

    /// `from_json`, with `what` naming the jar in errors: `cookies`, or `cookies.getAll()` for what a jar's
    /// `getAll()` returned (the caller passed the jar, not the list).
    pub fn from_json_named(text: &str, what: &str) -> Result<Jar> {
        if text.len() > MAX_JAR_BYTES {
            return Err(jar_too_large(text.len()));
        }
        let value = parse_value(text)
            .map_err(|e| invalid_arg_value(format!("{what}: not a cookie list ({e})")))?;
        let mut jar = Jar::new();
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let wrong = |key: &str| {
                        invalid_arg_type(format!(
                            "{what}[{i}].{key} must be a string (cookies are {{ name, value }} objects)"
                        ))
                    };
                    let name = match item.get("name") {
                        Some(Value::String(name)) => name,
                        _ => return Err(wrong("name")),
                    };
                    match item.get("value") {
                        Some(Value::String(value)) => jar.set(name, value),
                        None | Some(Value::Null) => jar.set(name, ""),
                        Some(_) => return Err(wrong("value")),
                    }
                }
            }
            Value::Object(members) => {
                for (name, value) in &members {
                    match value {
                        Value::String(value) => jar.set(name, value),
                        Value::Null => jar.set(name, ""),
                        _ => {
                            return Err(invalid_arg_type(format!(
                                "{what}[{}] must be a string value",
                                serde_json::to_string(name).unwrap_or_default()
                            )))
                        }
                    }
                }
            }
            _ => {
                return Err(invalid_arg_type(
                    "cookies must be a Cookie header, a name → value object, a { name, value } list or \
                     an object with getAll()",
                ))
            }
        }
        Ok(jar)
    }

    /// The value of the cookie `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// Whether the jar holds `name`.
    pub fn has(&self, name: &str) -> bool {
        self.cookies.contains_key(name)
    }

    /// `RequestCookies.set`: a new name goes last, a known one keeps its place.
    pub fn set(&mut self, name: &str, value: &str) {
        match self.cookies.get_mut(name) {
            Some(existing) => value.clone_into(existing),
            None => {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
    }

    /// `RequestCookies.delete`: the others keep their order.
    pub fn delete(&mut self, name: &str) {
        self.cookies.shift_remove(name);
    }

    /// The cookies, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.cookies.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// How many cookies the jar holds.
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// Whether the jar holds no cookie.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// The `Cookie` header `RequestCookies` writes after a change: `name=encodeURIComponent(value)`
    /// joined by `"; "`.
    pub fn to_header(&self) -> String {
        let mut out = String::new();
        for (i, (name, value)) in self.iter().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            out.push_str(name);
            out.push('=');
            encode_uri_component_into(value, &mut out);
        }
        out
    }
}

impl<N: AsRef<str>, V: AsRef<str>> FromIterator<(N, V)> for Jar {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut jar = Jar::new();
        for (name, value) in iter {
            jar.set(name.as_ref(), value.as_ref());
        }
        jar
    }
}

pub(crate) fn jar_too_large(len: usize) -> crate::Error {
    input_too_large(format!(
        "the cookies are {len} bytes, over the {MAX_JAR_BYTES}-byte limit"
    ))
}

/// Refuses a `Cookie` header (or a value to write) over `MAX_JAR_BYTES` before it is copied.
pub fn check_jar_len(len: usize) -> Result<()> {
    if len > MAX_JAR_BYTES {
        return Err(jar_too_large(len));
    }
    Ok(())
}

/// Counts a list or object jar by the lengths of its names and values before V8 serializes it, and refuses
/// it once they pass `MAX_JAR_BYTES`, so that a huge jar costs nothing to refuse. Lengths in UTF-16 units are
/// what V8 knows without a scan, and never exceed the bytes of the JSON text the cap otherwise applies to.
#[derive(Debug, Default)]
pub struct JarBudget {
    total: usize,
}

impl JarBudget {
    /// Each `{ name, value }` entry adds at least `{"name":"","value":""},` (23 bytes) to the JSON.
    pub const LIST_ENTRY_BYTES: usize = 23;
    /// Each `name: value` member adds at least `"":"",` (6 bytes).
    pub const OBJECT_MEMBER_BYTES: usize = 6;

    /// Refuses `count` entries of at least `bytes_each` before any of them is read.
    pub fn entries(count: usize, bytes_each: usize) -> Result<JarBudget> {
        if count > MAX_JAR_BYTES / bytes_each {
            return Err(jar_too_large(count.saturating_mul(bytes_each)));
        }
        Ok(JarBudget::default())
    }

    /// Adds one name's or value's length.
    pub fn add(&mut self, len: usize) -> Result<()> {
        self.total = self.total.saturating_add(len);
        if self.total > MAX_JAR_BYTES {
            return Err(jar_too_large(self.total));
        }
        Ok(())
    }
}

/// JavaScript's `decodeURIComponent`, or `None` where it throws a `URIError` (a `%` not followed by two
/// hex digits, or escapes that are not the UTF-8 of one code point).
pub(crate) fn decode_uri_component(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('%') {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let lead = escaped_byte(bytes, i)?;
        i += 3;
        if lead < 0x80 {
            out.push(lead);
            continue;
        }
        let len = match lead {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return None,
        };
        let start = out.len();
        out.push(lead);
        for _ in 1..len {
            let next = escaped_byte(bytes, i)?;
            if next & 0xC0 != 0x80 {
                return None;
            }
            out.push(next);
            i += 3;
        }
        // Overlong forms, surrogates and code points past U+10FFFF are refused, as the spec requires.
        std::str::from_utf8(&out[start..]).ok()?;
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

fn escaped_byte(bytes: &[u8], at: usize) -> Option<u8> {
    if bytes.get(at) != Some(&b'%') {
        return None;
    }
    let hex = |b: u8| (b as char).to_digit(16);
    let high = hex(*bytes.get(at + 1)?)?;
    let low = hex(*bytes.get(at + 2)?)?;
    Some((high * 16 + low) as u8)
}

/// JavaScript's `encodeURIComponent`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` percent-encoded.
pub(crate) fn encode_uri_component_into(text: &str, out: &mut String) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // --- header parsing -----------------------------------------------------------------------------
    #[test]
    fn headers_parse_as_request_cookies_does() {
        let jar = Jar::parse_header(
            "  a=1;b=2;   c = 3 ; flag; a=4; d=%E2%82%AC; e=%E2%82; f=%zz; =x; g=  \t",
        );
        let pairs: Vec<_> = jar.iter().collect();
        assert_eq!(
            pairs,
            vec![
                ("a", "4"),
                ("b", "2"),
                ("c ", " 3 "),
                ("flag", "true"),
                ("d", "€"),
                ("", "x"),
                ("g", ""),
            ]
        );
        assert!(Jar::parse_header("").is_empty());
        assert_eq!(Jar::parse_header("x=a=b").get("x"), Some("a=b"));
    }

    #[test]
    fn decode_uri_component_follows_the_spec() {
        assert_eq!(decode_uri_component("a%20b%2B+").unwrap(), "a b++");
        assert_eq!(decode_uri_component("%F0%9F%98%80").unwrap(), "😀");
        for bad in [
            "%",
            "%4",
            "%G0",
            "%80",
            "%C0%80",
            "%ED%A0%80",
            "%F8%80%80%80",
            "%E2%82",
            "%E2%82%41",
            "%F4%90%80%80",
        ] {
            assert!(decode_uri_component(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn encode_uri_component_keeps_the_unreserved_set() {
        let mut out = String::new();
        encode_uri_component_into("aZ09-_.!~*'() ;=%€", &mut out);
        assert_eq!(out, "aZ09-_.!~*'()%20%3B%3D%25%E2%82%AC");
    }

    #[test]
    fn json_jars_keep_first_place_and_last_value() {
        let jar = Jar::from_json(
            r#"[{"name":"a","value":"1"},{"name":"b","value":"%20"},{"name":"a","value":"3"}]"#,
        )
        .unwrap();
        assert_eq!(
            jar.iter().collect::<Vec<_>>(),
            vec![("a", "3"), ("b", "%20")]
        );
        let jar = Jar::from_json(r#"{"x":"1","y":"2"}"#).unwrap();
        assert_eq!(jar.to_header(), "x=1; y=2");
        for bad in [
            r#"[{"value":"x"}]"#,
            r#"[{"name":"a","value":1}]"#,
            r#"{"a":1}"#,
            "3",
            r#"[{"name":1,"value":"x"}]"#,
            r#"["a"]"#,
        ] {
            assert_eq!(
                Jar::from_json(bad).unwrap_err().code,
                ErrorCode::InvalidArgType,
                "{bad}"
            );
        }
    }

    /// The jar Next.js's `cookies()` gives a render behind a `proxy.ts` that deleted `__session__0..4`:
    /// `getAll()` lists `{ name: '__session__0', value: undefined }`, which `JSON.stringify` writes without
    /// its value. The SDK's stores read such an entry as an empty cookie (`cookie.value` is falsy; chunks
    /// join it as `""`), and so does the jar: present, empty.
    #[test]
    fn entries_without_a_value_are_empty_cookies() {
        let text = r#"[{"name":"__session","value":"v"},{"name":"__session__0"},{"name":"__session__1","value":null}]"#;
        for jar in [
            Jar::from_json(text).unwrap(),
            Jar::from_json_named(text, "cookies.getAll()").unwrap(),
        ] {
            assert_eq!(
                jar.iter().collect::<Vec<_>>(),
                vec![
                    ("__session", "v"),
                    ("__session__0", ""),
                    ("__session__1", "")
                ]
            );
        }
        let jar = Jar::from_json(r#"{"__session":null,"a":"1"}"#).unwrap();
        assert_eq!(
            jar.iter().collect::<Vec<_>>(),
            vec![("__session", ""), ("a", "1")]
        );
    }

    /// An error names what the caller passed: its own list, or the list its jar's `getAll()` returned.
    #[test]
    fn errors_name_the_list_the_caller_passed() {
        let bad = r#"[{"name":"a","value":"1"},{"name":"b","value":2}]"#;
        let e = Jar::from_json(bad).unwrap_err();
        assert!(
            e.message.starts_with("cookies[1].value must be a string"),
            "{}",
            e.message
        );
        let e = Jar::from_json_named(bad, "cookies.getAll()").unwrap_err();
        assert!(
            e.message
                .starts_with("cookies.getAll()[1].value must be a string"),
            "{}",
            e.message
        );
    }

    #[test]
    fn jars_are_refused_by_size_before_they_are_read() {
        assert!(check_jar_len(MAX_JAR_BYTES).is_ok());
        assert_eq!(
            check_jar_len(MAX_JAR_BYTES + 1).unwrap_err().code,
            ErrorCode::InputTooLarge
        );
        let most = MAX_JAR_BYTES / JarBudget::LIST_ENTRY_BYTES;
        assert!(JarBudget::entries(most, JarBudget::LIST_ENTRY_BYTES).is_ok());
        assert_eq!(
            JarBudget::entries(most + 1, JarBudget::LIST_ENTRY_BYTES)
                .unwrap_err()
                .code,
            ErrorCode::InputTooLarge
        );
        assert!(JarBudget::entries(usize::MAX, JarBudget::OBJECT_MEMBER_BYTES).is_err());
        let mut budget = JarBudget::entries(2, JarBudget::OBJECT_MEMBER_BYTES).unwrap();
        budget.add(MAX_JAR_BYTES - 1).unwrap();
        budget.add(1).unwrap();
        assert_eq!(budget.add(1).unwrap_err().code, ErrorCode::InputTooLarge);
    }
}
