//! Layer 5, where a session lives between requests: in the request's cookies, as the SDK's session stores
//! keep it (`cookies`), or on a server, sealed for a store such as Redis (`server`).

pub mod cookies;
pub mod server;
