//! What callers get wrong with JavaScript values the core never sees, worded once: a Promise where its
//! value belongs (a forgotten `await`), a request where its cookies belong, a `Headers` or `Map` where a
//! cookie jar belongs, a `getAll()` that throws or returns no list. Each message says what to pass instead.

//!
//! session-seal's own adapters (`session-seal/next`) throw their refusals of requests, responses and options
//! through `refuseArgument`, so that each mistake is worded here once.

use napi::bindgen_prelude::{FromNapiValue, Object, Unknown};
use napi::ValueType;
use napi_derive::napi;

use crate::{args, guard, Code};
use session_seal_core::error::{invalid_arg_type, invalid_arg_value, Error};

/// A Promise where `name` belongs; `call` is what it most likely came from (`cookies()`), when known.
/// Next.js 15 made `cookies()` async, and a Promise would otherwise read as a jar without cookies or an
/// empty object.
pub fn promise(name: &str, call: Option<&str>) -> Error {
    promise_instead(name, call, "Pass what it resolves to")
}

fn promise_instead(name: &str, call: Option<&str>, instead: &str) -> Error {
    let awaited = match call {
        Some(call) => format!("`await {call}`"),
        None => "`await`".to_string(),
    };
    invalid_arg_type(format!(
        "{name} is a Promise: did you forget {awaited}? {instead}"
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

/// The process warning for a stateful session's `{ id }` cookie read where a stateless session belongs.
pub const STATEFUL_ID_WITHOUT_STORE: &str =
    "session-seal: the session cookie holds a stateful session's id (the SDK's sessionStore mode), and \
     this reader was given no store to look it up in, so getSession() returns null. In session-seal/next \
     pass the store your Auth0Client uses: createSessions({ sessionStore }); with SessionCookies, \
     lookupSession() names the id to fetch from it.";
/// Its `code`.
pub const STATEFUL_ID_WITHOUT_STORE_CODE: &str = "SESSION_SEAL_NO_SESSION_STORE";

/// What an adapter's argument should have been.
enum Expected {
    Request,
    Response,
    SessionStore,
    Options,
}

impl Expected {
    fn parse(what: &str) -> Result<Expected, Error> {
        Ok(match what {
            "request" => Expected::Request,
            "response" => Expected::Response,
            "sessionStore" => Expected::SessionStore,
            "options" => Expected::Options,
            other => {
                return Err(invalid_arg_value(format!(
                    "refuseArgument: no argument kind {other:?}"
                )))
            }
        })
    }

    /// The argument's name in messages.
    fn name(&self) -> &'static str {
        match self {
            Expected::Request => "req",
            Expected::Response => "res",
            Expected::SessionStore => "sessionStore",
            Expected::Options => "options",
        }
    }
}

/// The refusal of `value` where `call` (`getSession(req)`, `createSessions({ sessionStore })`) takes what
/// `expected` names.
fn refusal(expected: &Expected, call: &str, value: Unknown) -> Result<Error, Error> {
    let got = args::kind_word(value)?;
    if got == "object" && args::is_promise(value)? {
        let instead = match expected {
            Expected::Request => {
                "Pass the request itself (Pages Router, proxy.ts), or nothing in server components, \
                 route handlers and server actions"
            }
            _ => "Pass what it resolves to",
        };
        return Ok(promise_instead(
            &format!("{call}: {}", expected.name()),
            None,
            instead,
        ));
    }
    Ok(match expected {
        Expected::Request if got == "object" && has_get_all(value)? => invalid_arg_type(format!(
            "{call} takes a request, not a cookie jar: call it with no argument in server components, \
             route handlers and server actions (it reads next/headers), or pass the request in the Pages \
             Router and proxy.ts"
        )),
        Expected::Request => invalid_arg_type(format!(
            "{call} takes a request (Request, NextRequest, or the Pages Router's req), got {got}"
        )),
        Expected::Response => invalid_arg_type(format!(
            "{call}: the response must be a NextResponse, a Response, or the Pages Router's res{}",
            unless_object(got)
        )),
        Expected::SessionStore => invalid_arg_type(format!(
            "{call} takes the SDK's SessionDataStore: an object with get(id), set(id, session) and \
             delete(id) (update(id, session) optional), e.g. session-seal/redis's \
             createRedisSessionStore(){}",
            unless_object(got)
        )),
        Expected::Options => {
            invalid_arg_type(format!("{call} takes an options object, got {got}"))
        }
    })
}

/// `, got <kind>` for what is no object at all (an object of the wrong shape says nothing more by its kind).
fn unless_object(got: &str) -> String {
    match got {
        "object" => String::new(),
        got => format!(", got {got}"),
    }
}

fn has_get_all(value: Unknown) -> Result<bool, Error> {
    let object = Object::from_unknown(value).map_err(args::napi_failed("object"))?;
    Ok(args::kind(args::get(&object, c"getAll")?)? == ValueType::Function)
}

/// For session-seal's adapters (`session-seal/next`): throws the coded error for `value`, which `call` was
/// given where it takes a `request`, a `response`, a `sessionStore` or an `options` object. Worded here
/// with every other message about JavaScript values, so an adapter words none.
#[napi(ts_return_type = "never")]
pub fn refuse_argument(
    #[napi(ts_arg_type = "'request' | 'response' | 'sessionStore' | 'options'")] what: Unknown,
    #[napi(ts_arg_type = "string")] call: Unknown,
    value: Unknown,
) -> napi::Result<(), Code> {
    guard(|| {
        let expected = Expected::parse(&args::string(what, "what")?)?;
        Err(refusal(&expected, &args::string(call, "call")?, value)?)
    })
}
