//! Options arguments, declared once: a `#[napi(object)]` struct (napi-rs generates its TypeScript interface
//! in `index.d.ts` from it) and, beside it, `read_options!`, which reads each member in order with the
//! reader named for it. Messages name a member as JavaScript spells it (`options.cookieOptions.sameSite`),
//! from the field name, so nothing is spelled twice.
//!
//! Where the core applies defaults and checks to the options as given (`new SessionCookies`,
//! `planChunkedCookie`), they are read straight into the core's struct (`Name in "prefix" as core::Type`), and the
//! compiler holds the typings struct to the same fields and types: no options are converted by hand.

use napi::bindgen_prelude::{Object, Unknown};
use std::ffi::CStr;
use std::fmt;

use session_seal_core::Error;

/// A member in messages: `options.clockTolerance`.
#[derive(Clone, Copy)]
pub struct Label<'a> {
    pub prefix: &'a str,
    pub name: &'a CStr,
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            self.prefix,
            self.name.to_str().unwrap_or_default()
        )
    }
}

/// A field's JavaScript name as napi-rs spells it (`clock_tolerance` → `clockTolerance`), NUL-terminated,
/// computed at compile time.
pub const fn js_name<const N: usize>(field: &str) -> [u8; N] {
    let bytes = field.as_bytes();
    let mut out = [0u8; N];
    let (mut i, mut j, mut upper) = (0, 0, false);
    while i < bytes.len() {
        if bytes[i] == b'_' {
            upper = true;
        } else {
            out[j] = if upper {
                bytes[i].to_ascii_uppercase()
            } else {
                bytes[i]
            };
            j += 1;
            upper = false;
        }
        i += 1;
    }
    out
}

/// The `CStr` of a NUL-terminated name, at compile time.
pub const fn cstr(bytes: &'static [u8]) -> &'static CStr {
    match CStr::from_bytes_until_nul(bytes) {
        Ok(name) => name,
        Err(_) => panic!("a member name longer than its buffer"),
    }
}

/// Options read member by member from an options object (`None`: the argument was `undefined`/`null`).
pub trait FromOptions: Sized {
    fn from_options(object: Option<&Object>, prefix: &str) -> Result<Self, Error>;
}

/// An optional member: `read` when it is present (not `undefined`), else `None`.
pub fn opt<'env, 'l, T>(
    read: impl Fn(Unknown<'env>, Label<'l>) -> Result<T, Error>,
) -> impl Fn(Option<Unknown<'env>>, Label<'l>) -> Result<Option<T>, Error> {
    move |value, label| value.map(|value| read(value, label)).transpose()
}

/// A member that is itself an options object (`cookieOptions`), read with its own declaration.
pub fn nested<T: FromOptions>(value: Unknown, label: Label) -> Result<T, Error> {
    let object = crate::args::options(value, label)?;
    T::from_options(object.as_ref(), &label.to_string())
}

/// Reads an options struct declared beside it: `Name in "prefix" { field: reader, ... }` lists every
/// field once, in the order they are read (so the first wrong member is the one reported), each with its
/// reader; `required "message"` refuses a missing options object. `... as core::Type` reads into the
/// core's struct instead, the typings struct then held to the same fields and types. The compiler refuses a
/// list that misses a field, names one that does not exist, or reads the wrong type.
///
/// (The struct itself is written out, not generated here: napi-rs reads its doc comments for the typings,
/// and doc comments passed through `macro_rules!` reach it as raw strings it does not unquote.)
macro_rules! read_options {
    (
        $name:ident in $prefix:literal $(required $missing:literal)? $(as $target:path)? {
            $( $field:ident: $read:expr, )*
        }
    ) => {
        read_options!(@read [$name $(, $target)?], $($field = $read),*);
        read_options!(@from_js [$name $(, $target)?], $prefix $(, $missing)?);
        read_options!(@argument [$name $(, $target)?] $($field)*);
    };
    (@read [$name:ident], $($rest:tt)*) => { read_options!(@impl $name, $($rest)*); };
    (@read [$name:ident, $target:path], $($rest:tt)*) => { read_options!(@impl $target, $($rest)*); };
    (@impl $target:path, $($field:ident = $read:expr),*) => {
        impl $crate::options::FromOptions for $target {
            fn from_options(
                object: Option<&napi::bindgen_prelude::Object>,
                prefix: &str,
            ) -> ::std::result::Result<Self, session_seal_core::Error> {
                Ok(Self {
                    $( $field: {
                        const NAME: &std::ffi::CStr =
                            $crate::options::cstr(&$crate::options::js_name::<48>(stringify!($field)));
                        let label = $crate::options::Label { prefix, name: NAME };
                        ($read)($crate::args::member_of(object, NAME)?, label)?
                    }, )*
                })
            }
        }
    };
    (@from_js [$name:ident], $($rest:tt)*) => { read_options!(@from_js_impl $name, $($rest)*); };
    (@from_js [$name:ident, $target:path], $($rest:tt)*) => { read_options!(@from_js_impl $target, $($rest)*); };
    (@from_js_impl $target:path, $prefix:literal $(, $missing:literal)?) => {
        impl $crate::js::FromJs for $target {
            fn from_js(
                value: napi::bindgen_prelude::Unknown,
            ) -> ::std::result::Result<Self, session_seal_core::Error> {
                let object = $crate::args::options(value, $prefix)?;
                $(
                    if object.is_none() {
                        return Err(session_seal_core::error::invalid_arg_type($missing));
                    }
                )?
                <Self as $crate::options::FromOptions>::from_options(object.as_ref(), $prefix)
            }
        }
    };
    // Read as itself: napi-rs converts the argument through `FromJs`.
    (@argument [$name:ident] $($field:ident)*) => {
        $crate::js::typed_argument!($name);
    };
    // Read into the core's struct: the typings struct must have the same fields, of the same types.
    (@argument [$name:ident, $target:path] $($field:ident)*) => {
        impl $name {
            #[allow(dead_code)]
            fn same_fields_as_the_core(self) -> $target {
                $target { $( $field: self.$field ),* }
            }
        }
    };
}
pub(crate) use read_options;
