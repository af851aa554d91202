//! One error type for the whole crate, carrying the string codes that JavaScript callers branch on.
//!
//! Codes follow jose's where one fits, so code written against jose or the SDK keeps working.

use std::fmt;

/// What went wrong, as a stable, machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The compact JWE is malformed (segments, base64url, header JSON, IV or tag length).
    JweInvalid,
    /// Authentication failed: wrong secret, or any byte of header, IV, ciphertext or tag changed.
    JweDecryptionFailed,
    /// The `exp` claim is at or before `now - clockTolerance`.
    JwtExpired,
    /// A claim has the wrong type or fails its check (`nbf` in the future, replicated header claims).
    JwtClaimValidationFailed,
    /// The decrypted payload is not a JSON object (invalid UTF-8, invalid JSON, not an object).
    JwtInvalid,
    /// A header asks for something this library deliberately does not do (`alg`, `enc`, `zip`, `crit`).
    JoseNotSupported,
    /// A header names an algorithm or compression jose implements but session cookies never use (`zip:
    /// "DEF"`, `A256KW`, `A128GCM`, …). Same code as `JoseNotSupported`; kept apart because the SDK's
    /// `decrypt`, whose jose attempts these with its 32-byte key, reads such a cookie as absent when the
    /// attempt fails, and the drop-in `decrypt` does the same.
    JoseUnusedBySessions,
    /// jose refuses PBES2 key management unless explicitly allowed; so do we (we support only `dir`).
    JoseAlgNotAllowed,
    /// The input is larger than the configured limit and was refused before any work.
    InputTooLarge,
    /// A secret is missing, empty or not a string.
    SecretInvalid,
    /// A session fails validation; the message lists every problem with its path.
    SessionInvalid,
    /// An argument has the wrong type.
    InvalidArgType,
    /// An argument has the right type but an unusable value.
    InvalidArgValue,
    /// A session update without a current session (the SDK's "The user is not authenticated.").
    NotAuthenticated,
    /// A session created for another of the app's custom domains (`internal.mcd.domain`); the SDK's own
    /// code and error name, so code written for the SDK catches it.
    SessionDomainMismatch,
    /// A session written over a size limit with `oversize: "throw"`: the message gives its sizes and largest
    /// members, never their values.
    SessionTooLarge,
    /// A bug in this library, caught before it could cross into Node.
    Internal,
}

impl ErrorCode {
    /// Every code, once: what every test and fuzz target iterates, and what the TypeScript union
    /// `SessionSealErrorCode` and the error table of `docs/api.md` are checked against.
    pub const ALL: [ErrorCode; 17] = [
        ErrorCode::JweInvalid,
        ErrorCode::JweDecryptionFailed,
        ErrorCode::JwtExpired,
        ErrorCode::JwtClaimValidationFailed,
        ErrorCode::JwtInvalid,
        ErrorCode::JoseNotSupported,
        ErrorCode::JoseUnusedBySessions,
        ErrorCode::JoseAlgNotAllowed,
        ErrorCode::InputTooLarge,
        ErrorCode::SecretInvalid,
        ErrorCode::SessionInvalid,
        ErrorCode::InvalidArgType,
        ErrorCode::InvalidArgValue,
        ErrorCode::NotAuthenticated,
        ErrorCode::SessionDomainMismatch,
        ErrorCode::SessionTooLarge,
        ErrorCode::Internal,
    ];

    /// What opening a bad cookie may fail with: every test and fuzz target of `open` checks against this.
    pub const OPEN: [ErrorCode; 8] = [
        ErrorCode::JweInvalid,
        ErrorCode::JweDecryptionFailed,
        ErrorCode::JwtExpired,
        ErrorCode::JwtClaimValidationFailed,
        ErrorCode::JwtInvalid,
        ErrorCode::JoseNotSupported,
        ErrorCode::JoseAlgNotAllowed,
        ErrorCode::InputTooLarge,
    ];

    /// What parsing a compact JWE (and checking its header) may fail with.
    pub const PARSE: [ErrorCode; 3] = [
        ErrorCode::JweInvalid,
        ErrorCode::JoseNotSupported,
        ErrorCode::JoseAlgNotAllowed,
    ];

    /// The code string JavaScript sees as `err.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::JweInvalid => "ERR_JWE_INVALID",
            ErrorCode::JweDecryptionFailed => "ERR_JWE_DECRYPTION_FAILED",
            ErrorCode::JwtExpired => "ERR_JWT_EXPIRED",
            ErrorCode::JwtClaimValidationFailed => "ERR_JWT_CLAIM_VALIDATION_FAILED",
            ErrorCode::JwtInvalid => "ERR_JWT_INVALID",
            ErrorCode::JoseNotSupported | ErrorCode::JoseUnusedBySessions => {
                "ERR_JOSE_NOT_SUPPORTED"
            }
            ErrorCode::JoseAlgNotAllowed => "ERR_JOSE_ALG_NOT_ALLOWED",
            ErrorCode::InputTooLarge => "ERR_INPUT_TOO_LARGE",
            ErrorCode::SecretInvalid => "ERR_SECRET_INVALID",
            ErrorCode::SessionInvalid => "ERR_SESSION_INVALID",
            ErrorCode::InvalidArgType => "ERR_INVALID_ARG_TYPE",
            ErrorCode::InvalidArgValue => "ERR_INVALID_ARG_VALUE",
            ErrorCode::NotAuthenticated => "ERR_NOT_AUTHENTICATED",
            ErrorCode::SessionDomainMismatch => "session_domain_mismatch",
            ErrorCode::SessionTooLarge => "ERR_SESSION_TOO_LARGE",
            ErrorCode::Internal => "ERR_SESSION_SEAL_INTERNAL",
        }
    }

    /// The JavaScript `name` of the error, where it is not `"Error"`: the SDK's class name for its own code.
    pub fn js_name(self) -> Option<&'static str> {
        match self {
            ErrorCode::SessionDomainMismatch => Some("SessionDomainMismatchError"),
            _ => None,
        }
    }

    /// The distinct strings of `ALL`, in its order: what JavaScript can see as `err.code`.
    pub fn strings() -> Vec<&'static str> {
        let mut strings: Vec<&'static str> = Vec::with_capacity(Self::ALL.len());
        for code in Self::ALL {
            if !strings.contains(&code.as_str()) {
                strings.push(code.as_str());
            }
        }
        strings
    }
}

/// An error with its code and a message saying what was wrong and where. Never holds secret material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong, as the code JavaScript sees.
    pub code: ErrorCode,
    /// What was wrong and where, for people.
    pub message: String,
}

impl Error {
    /// An error of `code` saying `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// This crate's results.
pub type Result<T> = std::result::Result<T, Error>;

/// Runs `body` so that a panic comes back as an `ERR_SESSION_SEAL_INTERNAL` error instead of unwinding
/// into the caller (for the bindings: into Node, which would abort). No panic is known to be reachable
/// from outside (the fuzzers and property tests look for one); this is the last line of defence.
pub fn contain_panics<T>(body: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(internal(format!(
                "internal error in session-seal (please report it): {detail}"
            )))
        }
    }
}

/// Shorthand constructors, one per code, so call sites read as the rule they enforce.
macro_rules! error_constructors {
    ($($vis:vis $name:ident => $code:ident),* $(,)?) => {
        $(
            #[doc = concat!("An error with the code `", stringify!($code), "`.")]
            $vis fn $name(message: impl Into<String>) -> Error {
                Error::new(ErrorCode::$code, message)
            }
        )*
    };
}

error_constructors! {
    pub(crate) jwe_invalid => JweInvalid,
    pub(crate) decryption_failed => JweDecryptionFailed,
    pub(crate) jwt_expired => JwtExpired,
    pub(crate) claim_invalid => JwtClaimValidationFailed,
    pub(crate) jwt_invalid => JwtInvalid,
    pub(crate) not_supported => JoseNotSupported,
    pub(crate) unused_by_sessions => JoseUnusedBySessions,
    pub(crate) alg_not_allowed => JoseAlgNotAllowed,
    pub(crate) input_too_large => InputTooLarge,
    pub(crate) secret_invalid => SecretInvalid,
    pub(crate) session_invalid => SessionInvalid,
    pub invalid_arg_type => InvalidArgType,
    pub invalid_arg_value => InvalidArgValue,
    pub(crate) not_authenticated => NotAuthenticated,
    pub(crate) session_domain_mismatch => SessionDomainMismatch,
    pub(crate) session_too_large => SessionTooLarge,
    pub internal => Internal,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adding a variant without listing it in `ALL` fails to compile here (the match is exhaustive) or
    /// fails this test.
    #[test]
    fn all_lists_every_code_once() {
        let position = |code: ErrorCode| match code {
            ErrorCode::JweInvalid
            | ErrorCode::JweDecryptionFailed
            | ErrorCode::JwtExpired
            | ErrorCode::JwtClaimValidationFailed
            | ErrorCode::JwtInvalid
            | ErrorCode::JoseNotSupported
            | ErrorCode::JoseUnusedBySessions
            | ErrorCode::JoseAlgNotAllowed
            | ErrorCode::InputTooLarge
            | ErrorCode::SecretInvalid
            | ErrorCode::SessionInvalid
            | ErrorCode::InvalidArgType
            | ErrorCode::InvalidArgValue
            | ErrorCode::NotAuthenticated
            | ErrorCode::SessionDomainMismatch
            | ErrorCode::SessionTooLarge
            | ErrorCode::Internal => ErrorCode::ALL.iter().position(|c| *c == code),
        };
        for code in ErrorCode::ALL {
            assert_eq!(
                ErrorCode::ALL.iter().filter(|c| **c == code).count(),
                1,
                "{code:?}"
            );
            assert!(position(code).is_some());
        }
        let strings = ErrorCode::strings();
        assert_eq!(strings.len(), ErrorCode::ALL.len() - 1, "one shared string");
        // Ours start with ERR_; the one the SDK defines keeps its own spelling.
        assert!(strings
            .iter()
            .all(|s| s.starts_with("ERR_") || *s == "session_domain_mismatch"));
        assert_eq!(
            ErrorCode::SessionDomainMismatch.js_name(),
            Some("SessionDomainMismatchError")
        );
        assert_eq!(ErrorCode::JweInvalid.js_name(), None);
    }

    #[test]
    fn a_panic_becomes_a_coded_internal_error() {
        let caught = contain_panics::<()>(|| panic!("boom {}", 42)).unwrap_err();
        assert_eq!(caught.code.as_str(), "ERR_SESSION_SEAL_INTERNAL");
        assert!(caught.message.contains("boom 42"), "{}", caught.message);
        let caught = contain_panics::<()>(|| std::panic::panic_any(7_u8)).unwrap_err();
        assert_eq!(caught.code, ErrorCode::Internal);
        let coded = contain_panics::<()>(|| Err(jwe_invalid("bad"))).unwrap_err();
        assert_eq!(coded, jwe_invalid("bad"));
        assert_eq!(contain_panics(|| Ok(5)).unwrap(), 5);
    }
}
