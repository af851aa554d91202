//! Layer 3, what a JWE carries: the time claims as jose judges them (`claims`) and the SDK's SessionData
//! family with its validation (`session`). The bindings need only the clock, the validation levels,
//! `validateSession`'s check and the time claims' check (for a payload V8 parsed); the rest is the cookie
//! layers' business.

crate::internal!(
    mod claims;
);
crate::internal!(
    mod session;
);

pub use claims::{
    check_found as check_time_claims, epoch_seconds, system_seconds, Clock, TimeClaim,
    DEFAULT_CLOCK_TOLERANCE,
};
pub use session::{validate_stringified, Problem, Validation};
