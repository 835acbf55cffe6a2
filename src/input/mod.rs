//! The request reader: the cap on a request's size, checked before it is parsed
//! ([`request_size`]), the envelope every request shares ([`envelope`], with its
//! [`authentication`]) and a reader of JSON
//! objects that names the path of every problem ([`fields`]). Operations read their own fields
//! with it (`crate::ops`).
//!
//! Everything a request can get wrong is found before anything is sent. The reader is liberal
//! where workflow runtimes are: a map may arrive as an object or as a string holding JSON, a
//! number as a number or a numeric string, a boolean as `true` or `"true"`.

pub mod authentication;
pub mod checks;
pub mod envelope;
pub mod field;
pub mod fields;
pub mod request_size;

pub use authentication::Auth;
pub use envelope::{Envelope, OutputFormat, read_envelope};
pub use fields::Fields;
// The host and the tests check endpoints and build credentials through these paths.
pub use crate::wire::{Credentials, Endpoint, default_endpoint, parse_endpoint};
