//! What callers get wrong with JavaScript values the core never sees, worded once: a Promise where its
//! value belongs (a forgotten `await`), a request where its cookies belong, a `Headers` or `Map` where a
//! cookie jar belongs, a `getAll()` that throws or returns no list. Each message says what to pass instead.

use session_seal_core::error::{invalid_arg_type, invalid_arg_value, Error};

/// A Promise where `name` belongs; `call` is what it most likely came from (`cookies()`), when known.
/// Next.js 15 made `cookies()` async, and a Promise would otherwise read as a jar without cookies or an
/// empty object.
pub fn promise(name: &str, call: Option<&str>) -> Error {
    let awaited = match call {
        Some(call) => format!("`await {call}`"),
        None => "`await`".to_string(),
    };
    invalid_arg_type(format!(
        "{name} is a Promise: did you forget {awaited}? Pass what it resolves to"
    ))
}

/// A request (`NextRequest`, `Request`, the Pages Router's `req`) where its cookies belong.
pub fn request_for_cookies() -> Error {
    invalid_arg_type(
        "cookies is a request, not its cookies: pass request.cookies (NextRequest, NextApiRequest), \
         or the Cookie header (request.headers.get('cookie'), req.headers.cookie)",
    )
}

/// A `Headers` or `Map` (which serialize to `{}`) where a cookie jar belongs.
pub fn map_for_cookies() -> Error {
    invalid_arg_type(
        "cookies looks like a Headers or Map object: pass headers.get('cookie'), a { name, value } list \
         or an object with getAll()",
    )
}

/// A jar argument of no kind a jar can be (`got`: JavaScript's `typeof` word).
pub fn cookies_of_wrong_type(got: &str) -> Error {
    invalid_arg_type(format!(
        "cookies must be a Cookie header string, a name → value object, a {{ name, value }} list \
         or an object with getAll(), got {got}"
    ))
}

/// What a jar's `getAll()` threw.
pub fn get_all_threw(message: &str) -> Error {
    invalid_arg_value(format!("cookies.getAll() threw: {message}"))
}

/// A jar's `getAll()` that returned nothing JSON can hold.
pub fn get_all_not_a_list() -> Error {
    invalid_arg_type("cookies.getAll() must return a list")
}
