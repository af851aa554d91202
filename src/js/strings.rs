//! Strings across Node-API on the hot path: copied out of V8 as ASCII without a length scan, into buffers
//! each thread keeps, and created in V8 as Latin-1 (which V8 copies without decoding).

use napi::bindgen_prelude::{FromNapiValue, Unknown};
use napi::{sys, Env, JsString, JsValue};
use std::cell::RefCell;

use super::check;
use session_seal_core::error::{internal, Error};

/// Creating strings: ASCII (every cookie, most JSON) as Latin-1, which V8 copies without decoding.
pub trait CreateString {
    /// The string, as Latin-1 when it is ASCII.
    fn create_string_latin1_or_utf8(&self, text: &str) -> Result<JsString<'_>, Error>;
    /// A compact JWE, base64url and dots by construction: copied as Latin-1 without looking.
    fn create_cookie_string(&self, cookie: &str) -> Result<JsString<'_>, Error>;
}

impl CreateString for Env {
    fn create_cookie_string(&self, cookie: &str) -> Result<JsString<'_>, Error> {
        debug_assert!(cookie.is_ascii());
        // Under emnapi (WebAssembly) UTF-8 is the fast way in, as below.
        let created = if cfg!(target_family = "wasm") {
            self.create_string(cookie)
        } else {
            self.create_string_latin1(cookie.as_bytes())
        };
        created.map_err(|e| internal(format!("Node-API call failed: string creation ({e})")))
    }

    fn create_string_latin1_or_utf8(&self, text: &str) -> Result<JsString<'_>, Error> {
        // emnapi (the WebAssembly build's Node-API) copies a Latin-1 string into V8 one character at a time,
        // and a UTF-8 one with TextDecoder in one go: there UTF-8 is the fast way for ASCII too.
        let created = if text.is_ascii() && cfg!(not(target_family = "wasm")) {
            self.create_string_latin1(text.as_bytes())
        } else {
            self.create_string(text)
        };
        created.map_err(|e| internal(format!("Node-API call failed: string creation ({e})")))
    }
}

/// Writes a string as UTF-8 into `buffer`'s spare capacity (complete characters only, at most
/// `capacity - 1` bytes) and returns how many bytes were written.
fn write_utf8(value: Unknown, buffer: &mut Vec<u8>) -> Result<usize, Error> {
    let capacity = buffer.capacity();
    let mut written = 0;
    check(
        // SAFETY: `value` is a string of its environment during the current call; `buffer` has `capacity`
        // writable bytes at its pointer, and V8 writes at most that many (NUL included) and reports how many.
        unsafe {
            sys::napi_get_value_string_utf8(
                value.value().env,
                value.raw(),
                buffer.as_mut_ptr().cast(),
                capacity,
                &mut written,
            )
        },
        "string copy",
    )?;
    // SAFETY: V8 initialized `written` bytes (and a NUL after them) within the capacity.
    unsafe { buffer.set_len(written.min(capacity.saturating_sub(1))) };
    Ok(buffer.len())
}

fn utf16_len(value: Unknown) -> Result<usize, Error> {
    JsString::from_unknown(value)
        .and_then(|s| s.utf16_len())
        .map_err(|e| internal(format!("Node-API call failed: string length ({e})")))
}

/// Copies a JavaScript string that is pure ASCII (every cookie, most JSON), or `None` for any other.
///
/// One V8 copy and no length scan (V8's UTF-8 length count costs more than the copy itself): a buffer of
/// one byte per UTF-16 unit holds the whole string exactly when every character is ASCII.
pub fn ascii_string(value: Unknown) -> Result<Option<String>, Error> {
    ascii_string_of(value, utf16_len(value)?)
}

/// Room left after a copied string, so that a session's `exp` member is appended in place.
const SPARE: usize = 32;

/// `ascii_string` of a string whose length in UTF-16 units is known.
pub fn ascii_string_of(value: Unknown, units: usize) -> Result<Option<String>, Error> {
    let mut text = String::new();
    Ok(ascii_into(value, units, &mut text)?.then_some(text))
}

/// Copies a string of `units` UTF-16 units into `out` (replacing what it held, with room for `SPARE` bytes
/// more) when it is pure ASCII, and answers whether it was; any other string leaves `out` empty.
///
/// The string is copied out as UTF-16 into a per-thread scratch buffer, then narrowed: V8 writes UTF-16
/// from any string shape (the text `JSON.stringify` returns is a rope, which a UTF-8 copy would also
/// flatten, then encode character by character), and both the widening and the narrowing are plain loops
/// the compilers vectorize.
pub fn ascii_into(value: Unknown, units: usize, out: &mut String) -> Result<bool, Error> {
    // emnapi (the WebAssembly build's Node-API) copies UTF-16 out with one `DataView` write, and one lookup
    // of the memory's buffer, per unit, and UTF-8 in a plain loop over a typed array: there UTF-8 is the
    // fast way out. A buffer of one byte per unit holds the whole string exactly when it is ASCII.
    if cfg!(target_family = "wasm") {
        let mut buffer = std::mem::take(out).into_bytes();
        buffer.clear();
        buffer.reserve(units + 1 + SPARE);
        let written = write_utf8(value, &mut buffer)?;
        let ascii = written == units && buffer.is_ascii();
        if !ascii {
            buffer.clear();
        }
        // SAFETY: the buffer is ASCII (checked above) or empty, and either is UTF-8.
        *out = unsafe { String::from_utf8_unchecked(buffer) };
        return Ok(ascii);
    }
    UTF16_SCRATCH.with(|scratch| {
        // No JavaScript runs while the scratch buffer is borrowed, so nothing can borrow it again.
        let mut wide = scratch.borrow_mut();
        wide.clear();
        wide.reserve(units + 1);
        let mut written = 0;
        check(
            // SAFETY: `value` is a string of its environment during the current call; `wide` has room for
            // `units + 1` UTF-16 units at its pointer, and V8 writes at most that many (NUL included) and
            // reports how many.
            unsafe {
                sys::napi_get_value_string_utf16(
                    value.value().env,
                    value.raw(),
                    wide.as_mut_ptr(),
                    units + 1,
                    &mut written,
                )
            },
            "string copy",
        )?;
        // SAFETY: V8 initialized `written` units (at most `units`, the NUL after them) within the capacity.
        unsafe { wide.set_len(written.min(units)) };
        let mut bytes = std::mem::take(out).into_bytes();
        bytes.clear();
        bytes.reserve(units + 1 + SPARE);
        // One pass that narrows and collects the high bits at once (vectorized: no early exit).
        let mut high = 0u16;
        for (byte, &unit) in bytes.spare_capacity_mut().iter_mut().zip(wide.iter()) {
            byte.write(unit as u8);
            high |= unit;
        }
        let ascii = wide.len() == units && high < 0x80;
        if ascii {
            // SAFETY: the loop above initialized the first `units` bytes (the capacity holds more), and
            // every unit was below 0x80: every byte is ASCII, which is UTF-8.
            unsafe {
                bytes.set_len(units);
                *out = String::from_utf8_unchecked(bytes);
            }
        } else {
            // Empty, so UTF-8.
            *out = String::from_utf8(bytes).unwrap_or_default();
        }
        if wide.capacity() > MAX_SCRATCH_UNITS {
            *wide = Vec::new();
        }
        Ok(ascii)
    })
}

/// Copies a JavaScript string (its type already checked) into `out`, replacing what it held: as `string`
/// does, into a buffer the caller keeps.
pub fn string_into(value: Unknown, out: &mut String) -> Result<(), Error> {
    if !ascii_into(value, utf16_len(value)?, out)? {
        *out = string(value)?;
    }
    Ok(())
}

/// Buffers that a thread's calls reuse, so that a seal or an unseal allocates nothing for the session's
/// JSON or the cookie (one buffer set per thread: the main thread's, or a worker's).
#[derive(Default)]
pub struct Buffers {
    /// A session's JSON text, copied out of V8.
    pub json: String,
    /// A cookie, sealed or copied out of V8.
    pub cookie: String,
    /// A cookie's payload, decrypted.
    pub bytes: Vec<u8>,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

/// Runs `body` with this thread's buffers. A call made while they are in use (JavaScript that a
/// `JSON.stringify` ran calling back in) gets buffers of its own; buffers grown past the scratch limit
/// are freed afterwards.
pub fn with_buffers<T>(body: impl FnOnce(&mut Buffers) -> T) -> T {
    BUFFERS.with(|buffers| match buffers.try_borrow_mut() {
        Ok(mut buffers) => {
            let out = body(&mut buffers);
            let Buffers {
                json,
                cookie,
                bytes,
            } = &mut *buffers;
            for buffer in [json, cookie] {
                if buffer.capacity() > 2 * MAX_SCRATCH_UNITS {
                    *buffer = String::new();
                }
            }
            if bytes.capacity() > 2 * MAX_SCRATCH_UNITS {
                *bytes = Vec::new();
            }
            out
        }
        Err(_) => body(&mut Buffers::default()),
    })
}

/// The scratch buffer is kept up to this size (a large cookie); a larger one is freed after use.
const MAX_SCRATCH_UNITS: usize = 1 << 17;

thread_local! {
    /// Where strings are copied out of V8 before they are narrowed to ASCII (per thread: one per worker).
    static UTF16_SCRATCH: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
}

/// Copies a JavaScript string (its type already checked); lone surrogates become U+FFFD, as
/// `TextEncoder` does.
pub fn string(value: Unknown) -> Result<String, Error> {
    if let Some(text) = ascii_string(value)? {
        return Ok(text);
    }
    // Three bytes per UTF-16 unit is the most UTF-8 can need.
    let mut buffer = Vec::with_capacity(utf16_len(value)? * 3 + 1);
    write_utf8(value, &mut buffer)?;
    String::from_utf8(buffer).map_err(|_| internal("Node-API returned a string that is not UTF-8"))
}
