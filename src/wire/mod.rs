//! The wire: everything one DynamoDB call needs, and nothing about requests or operations.
//! Where it goes ([`endpoint`]), who signs ([`credentials`], [`signing`]), what passes through
//! the sandbox ([`http`]), how it is retried ([`retry`]), the [`Client`] that makes the call, and
//! the temporary credentials of a role ([`sts`]).

pub mod answer;
pub mod client;
mod crc32;
pub mod credentials;
pub mod endpoint;
pub mod http;
pub mod retry;
mod sha256;
pub mod signing;
pub mod sts;
#[cfg(test)]
pub(crate) mod testing;

pub use answer::{Answer, read_response};
pub(crate) use client::body_bytes;
pub use client::{Api, Client, Transport};
pub use credentials::Credentials;
pub use endpoint::{
    Endpoint, default_endpoint, default_streams_endpoint, default_sts_endpoint, parse_endpoint,
    parse_endpoint_at,
};
pub use http::{HttpRequest, HttpResponse, Platform, SendError};
pub use retry::RetryPolicy;
