//! Layer 3, what a JWE carries: the time claims as jose judges them (`claims`) and the SDK's SessionData
//! family with its validation (`session`).

pub mod claims;
pub mod session;
