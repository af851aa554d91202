//! A fast, conservative JSON scanner for the hot paths: validating a session before sealing, and finding the
//! time claims of a payload after opening.
//!
//! It answers only for the JSON that `JSON.stringify` writes in practice — strings without escapes, plain
//! numbers without exponents, moderate nesting — and gives up (`None`) on anything else, including every
//! error. Its callers then run the serde-based code, which stays the single source of truth for what is
//! accepted, what is reported and how. So the scanner must never accept a text serde refuses, and whatever
//! it reports must be what serde would have found; it never needs to refuse precisely. The tests hold it to
//! that on many generated texts.

/// Deep enough for any real session; deeper texts go to serde (whose own limit is 128 levels).
const MAX_DEPTH: usize = 64;

/// Longest number taken here: far from the range where serde reports "number out of range".
const MAX_NUMBER_LEN: usize = 300;

/// The JSON type of a value that was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
}

/// A cursor over JSON text. Every method returns `None` to give up.
pub struct Scanner<'a> {
    text: &'a [u8],
    pos: usize,
    depth: usize,
    /// Whether the text is what V8's `JSON.stringify` wrote (see `Scanner::stringified`).
    stringified: bool,
}

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str) -> Self {
        Scanner {
            text: text.as_bytes(),
            pos: 0,
            depth: 0,
            stringified: false,
        }
    }

    /// A scanner of text that V8's `JSON.stringify` wrote. That text is valid JSON, and holds no raw
    /// control character in a string (they are all escaped: `\n`, `\u0001`), so none is looked for, and
    /// `skip` passes over objects and arrays without reading them.
    pub fn stringified(text: &'a str) -> Self {
        Scanner {
            stringified: true,
            ..Scanner::new(text)
        }
    }

    /// Whether this scanner reads text that `JSON.stringify` wrote.
    pub fn is_stringified(&self) -> bool {
        self.stringified
    }

    /// Skips JSON whitespace.
    #[inline]
    pub fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.text.get(self.pos).copied()
    }

    /// Consumes `byte` (after whitespace).
    #[inline]
    pub fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// True at the end of the text (after whitespace).
    pub fn at_end(&mut self) -> bool {
        self.peek().is_none()
    }

    /// A string without escapes or control characters; returns its content.
    #[inline]
    pub fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.pos;
        let rest = &self.text[start..];
        let end = start
            + if self.stringified {
                memchr::memchr2(b'"', b'\\', rest)?
            } else {
                find_string_end(rest)?
            };
        if self.text[end] != b'"' {
            return None; // an escape or a control character
        }
        self.pos = end + 1;
        Some(&self.text[start..end])
    }

    /// Starts an object: `{`, then each member with `next_key` until it returns `Ok(None)`.
    pub fn begin_object(&mut self) -> Option<()> {
        self.eat(b'{')?;
        self.enter()
    }

    /// The next key of the object being read (its separator consumed), `Some(None)` at its end.
    pub fn next_key(&mut self, first: bool) -> Option<Option<&'a [u8]>> {
        match self.peek()? {
            b'}' => {
                self.pos += 1;
                self.depth -= 1;
                return Some(None);
            }
            b',' if !first => self.pos += 1,
            _ if first => {}
            _ => return None,
        }
        let key = self.string()?;
        self.eat(b':')?;
        Some(Some(key))
    }

    /// Starts an array: `[`, then `next_item` before each value until it returns `Some(false)`.
    pub fn begin_array(&mut self) -> Option<()> {
        self.eat(b'[')?;
        self.enter()
    }

    /// Whether another item follows (its separator consumed); `Some(false)` at the array's end.
    pub fn next_item(&mut self, first: bool) -> Option<bool> {
        match self.peek()? {
            b']' => {
                self.pos += 1;
                self.depth -= 1;
                Some(false)
            }
            b',' if !first => {
                self.pos += 1;
                Some(true)
            }
            _ if first => Some(true),
            _ => None,
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// Reads any value; returns its type and the byte range of its text.
    pub fn value(&mut self) -> Option<(Type, usize, usize)> {
        let start = self.pos_after_whitespace();
        let kind = match self.text.get(start)? {
            b'"' => self.string().map(|_| Type::String)?,
            b'{' => {
                self.begin_object()?;
                let mut first = true;
                while self.next_key(first)?.is_some() {
                    self.value()?;
                    first = false;
                }
                Type::Object
            }
            b'[' => {
                self.begin_array()?;
                let mut first = true;
                while self.next_item(first)? {
                    self.value()?;
                    first = false;
                }
                Type::Array
            }
            b't' => self.literal(b"true", Type::Boolean)?,
            b'f' => self.literal(b"false", Type::Boolean)?,
            b'n' => self.literal(b"null", Type::Null)?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return None,
        };
        Some((kind, start, self.pos))
    }

    /// Reads any value and returns its type, as `value` does; in text `JSON.stringify` wrote, an object or
    /// an array is passed over without being read (`pass_container`). Only for values no shape looks
    /// into: serde's check skips those as it reads them, refusing nothing in valid JSON.
    pub fn skip(&mut self) -> Option<Type> {
        if self.stringified {
            match self.peek()? {
                b'{' => return self.pass_container().map(|()| Type::Object),
                b'[' => return self.pass_container().map(|()| Type::Array),
                _ => {}
            }
        }
        self.value().map(|(kind, ..)| kind)
    }

    /// Passes over the object or array that starts here, in valid JSON: brackets are counted outside
    /// strings, and each string is passed at its closing quote (one `memchr` search, an escaped quote
    /// not being one). Gives up only at the end of the text.
    fn pass_container(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match *self.text.get(self.pos)? {
                b'"' => {
                    self.pos += 1 + past_string(self.text.get(self.pos + 1..)?)?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                // The first byte is an opening bracket, so `depth` is at least 1 here.
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return Some(());
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    fn pos_after_whitespace(&mut self) -> usize {
        self.skip_whitespace();
        self.pos
    }

    fn literal(&mut self, word: &[u8], kind: Type) -> Option<Type> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(kind)
        } else {
            None
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)?`: no exponent, not too long.
    fn number(&mut self) -> Option<Type> {
        let start = self.pos;
        let digits = |s: &mut Self| {
            let from = s.pos;
            while let Some(b'0'..=b'9') = s.text.get(s.pos) {
                s.pos += 1;
            }
            s.pos - from
        };
        if self.text[self.pos] == b'-' {
            self.pos += 1;
        }
        match self.text.get(self.pos)? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.text.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E' | b'0'..=b'9') = self.text.get(self.pos) {
            return None;
        }
        (self.pos - start <= MAX_NUMBER_LEN).then_some(Type::Number)
    }
}

/// How many bytes of a string's body and closing quote start `bytes` (escapes passed over).
fn past_string(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        at += memchr::memchr2(b'"', b'\\', bytes.get(at..)?)?;
        if bytes[at] == b'"' {
            return Some(at + 1);
        }
        at += 2;
    }
}

/// The offset of the first `"`, `\` or control character in `bytes`.
///
/// The `memchr` crate finds the first quote or backslash (vectorized on every target, and quick on the short
/// strings most members hold); the bytes before it are then tested for a control character in one branch-free
/// pass the compiler vectorizes. Most strings have none, so each byte is looked at about twice, both times in
/// vector registers: a byte-by-byte search here cost a quarter of an `unseal` (bench/PROFILE.md).
#[inline]
fn find_string_end(bytes: &[u8]) -> Option<usize> {
    let quote_or_escape = memchr::memchr2(b'"', b'\\', bytes);
    let head = &bytes[..quote_or_escape.unwrap_or(bytes.len())];
    // Written as an OR of `u8`s on purpose: a `bool` fold or `any` is not vectorized.
    let controls = head.iter().fold(0u8, |any, &b| any | (b < 0x20) as u8);
    if controls != 0 {
        return head.iter().position(|&b| b < 0x20);
    }
    quote_or_escape
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<Type> {
        let mut s = Scanner::new(text);
        let (kind, ..) = s.value()?;
        s.at_end().then_some(kind)
    }

    #[test]
    fn reads_what_stringify_writes() {
        assert_eq!(
            read(r#"{"a":[1,-2.5,0,true,false,null,"x",{}],"b":{"c":[]}}"#),
            Some(Type::Object)
        );
        assert_eq!(read(" [ 1 , 2 ] "), Some(Type::Array));
        assert_eq!(read(r#""é€😀""#), Some(Type::String));
        assert_eq!(read("-0"), Some(Type::Number));
    }

    #[test]
    fn gives_up_on_everything_else() {
        for text in [
            "",
            "{",
            "[1,]",
            "{,}",
            r#"{"a"}"#,
            r#"{"a":1,}"#,
            "01",
            "1.",
            ".5",
            "-",
            "1e5",
            "1E-2",
            r#""a\nb""#,
            "\"a\u{1}\"",
            "tru",
            "nul",
            "[1 2]",
            "{} {}",
            "{\"a\":1}x",
            "+1",
            "1.5.5",
            "\"abc",
            &"9".repeat(400),
        ] {
            assert_eq!(read(text), None, "{text}");
        }
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(read(&deep), None);
        let fine = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert_eq!(read(&fine), Some(Type::Array));
    }

    #[test]
    fn the_search_finds_the_first_stop_at_every_offset() {
        for len in 0..70 {
            for stop in [b'"', b'\\', 0x00, 0x1F, 0x0A] {
                for at in 0..len {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = stop;
                    if at + 1 < len {
                        bytes[at + 1] = b'"';
                    }
                    assert_eq!(find_string_end(&bytes), Some(at));
                    // A control character after the first quote or backslash does not move the answer.
                    for later in at + 1..len {
                        let mut bytes = vec![b'a'; len];
                        bytes[at] = stop;
                        bytes[later] = 0x01;
                        assert_eq!(find_string_end(&bytes), Some(at));
                    }
                }
                assert_eq!(find_string_end(&vec![b'a'; len]), None);
            }
            let high = vec![0xC3u8; len];
            assert_eq!(
                find_string_end(&high),
                None,
                "bytes over 0x7F are not stops"
            );
        }
    }
}
