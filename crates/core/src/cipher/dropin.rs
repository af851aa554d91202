//! The rules of the drop-in `encrypt`/`decrypt`, the SDK's `server/cookies` functions: which failures its
//! `decrypt` reads as "no session", which jose options it would honour that this library does not, and
//! the header members jose refuses when they are set to `undefined`.

use crate::error::{jwe_invalid, not_supported, Error, ErrorCode, Result};

/// The failures the SDK's `decrypt` turns into `null` (a cookie that is simply not a session): jose's
/// `ERR_JWE_INVALID`, `ERR_JWE_DECRYPTION_FAILED` and `ERR_JWT_EXPIRED`, the algorithms jose attempts and
/// fails with a 32-byte key, and input over the size limit. Everything else rejects, as in the SDK.
pub(crate) fn treated_as_absent(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::JweInvalid
            | ErrorCode::JweDecryptionFailed
            | ErrorCode::JwtExpired
            | ErrorCode::InputTooLarge
            | ErrorCode::JoseUnusedBySessions
    )
}

/// `decrypt`'s answer for an outcome: the value, `None` (`null`) for a failure the SDK reads as absent,
/// or the error, which rejects. `throwOnJWEErrors: true` rejects every failure.
pub fn decrypt_outcome<T>(outcome: Result<T>, throw_on_jwe_errors: bool) -> Result<Option<T>> {
    match outcome {
        Err(e) if treated_as_absent(e.code) && !throw_on_jwe_errors => Ok(None),
        other => other.map(Some),
    }
}

/// jose's `jwtDecrypt` options that the SDK passes through and this library does not implement. Each
/// would make jose refuse some cookies; ignoring one would hand back a session the caller believes was
/// checked, so passing one refuses the call. (`clockTolerance` is always 15 s in the SDK; `currentDate` is
/// honoured.)
pub const UNIMPLEMENTED_OPTIONS: [&str; 11] = [
    "issuer",
    "audience",
    "subject",
    "typ",
    "requiredClaims",
    "maxTokenAge",
    "keyManagementAlgorithms",
    "contentEncryptionAlgorithms",
    "crit",
    "maxPBES2Count",
    "maxDecompressedLength",
];

/// The refusal of one of `UNIMPLEMENTED_OPTIONS`, set (not `undefined`) by the caller.
pub fn unimplemented_option(name: &str) -> Error {
    not_supported(format!(
        "decrypt option \"{name}\" is not implemented by session-seal: check it on the returned payload, or use the SDK's decrypt"
    ))
}

/// The header members that `additionalHeaders` must not set to `undefined`, with jose's name for each.
/// `{ enc: undefined }` replaces the SDK's `enc` with nothing and jose refuses the header; JSON text would
/// silently drop the member and keep ours, so the bindings ask about these before serializing.
pub const ALGORITHM_MEMBERS: [(&str, &str); 2] = [
    ("enc", "\"enc\" (Encryption Algorithm)"),
    ("alg", "\"alg\" (Algorithm)"),
];

/// jose's refusal of `additionalHeaders` that set one of `ALGORITHM_MEMBERS` (`label`, its jose name) to
/// `undefined`.
pub fn undefined_algorithm(label: &str) -> Error {
    jwe_invalid(format!("JWE {label} Header Parameter missing or invalid"))
}

/// jose's refusal of a compact JWE that is not a string at all.
pub fn not_a_string() -> Error {
    jwe_invalid("Compact JWE must be a string")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_sdk_reads_as_no_session_and_what_it_rejects() {
        for code in [
            ErrorCode::JweInvalid,
            ErrorCode::JweDecryptionFailed,
            ErrorCode::JwtExpired,
            ErrorCode::InputTooLarge,
            ErrorCode::JoseUnusedBySessions,
        ] {
            assert!(treated_as_absent(code), "{code:?}");
            let failed = Err::<(), _>(Error::new(code, "x"));
            assert_eq!(decrypt_outcome(failed.clone(), false).unwrap(), None);
            assert_eq!(decrypt_outcome(failed, true).unwrap_err().code, code);
        }
        for code in ErrorCode::ALL {
            if !treated_as_absent(code) {
                let failed = Err::<(), _>(Error::new(code, "x"));
                assert_eq!(decrypt_outcome(failed, false).unwrap_err().code, code);
            }
        }
        // jose's NotSupported for what sessions never use is absent; for what jose itself refuses, not.
        assert!(!treated_as_absent(ErrorCode::JoseNotSupported));
        assert!(!treated_as_absent(ErrorCode::JoseAlgNotAllowed));
        assert_eq!(decrypt_outcome(Ok(7), false).unwrap(), Some(7));
    }

    #[test]
    fn each_unimplemented_option_is_refused_by_name() {
        for option in UNIMPLEMENTED_OPTIONS {
            let e = unimplemented_option(option);
            assert_eq!(e.code, ErrorCode::JoseNotSupported);
            assert!(e
                .message
                .starts_with(&format!("decrypt option \"{option}\" ")));
        }
        // The options this library honours are not in the list.
        assert!(!UNIMPLEMENTED_OPTIONS.contains(&"currentDate"));
        assert!(!UNIMPLEMENTED_OPTIONS.contains(&"clockTolerance"));
    }

    #[test]
    fn undefined_algorithms_are_refused_with_joses_words() {
        let [(_, enc), (_, alg)] = ALGORITHM_MEMBERS;
        let e = undefined_algorithm(enc);
        assert_eq!(e.code, ErrorCode::JweInvalid);
        assert_eq!(
            e.message,
            "JWE \"enc\" (Encryption Algorithm) Header Parameter missing or invalid"
        );
        assert_eq!(
            undefined_algorithm(alg).message,
            "JWE \"alg\" (Algorithm) Header Parameter missing or invalid"
        );
        assert_eq!(not_a_string().code, ErrorCode::JweInvalid);
    }
}
