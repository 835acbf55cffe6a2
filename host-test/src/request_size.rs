//! The request-size cap, checked by the host before anything is instantiated.

use crate::{ConnectorError, Invocation, wit};

/// The answer to a request of `size` bytes when that is over `limit`: a configuration error,
/// and nothing run.
pub(crate) fn oversize<T>(size: usize, limit: usize) -> Option<Invocation<T>> {
    (size > limit).then(|| Invocation {
        result: Err(ConnectorError::Configuration {
            field: Some("request".into()),
            message: format!("the request is {size} bytes, over the host's limit of {limit} bytes"),
        }),
        http_requests: 0,
        denied_requests: 0,
        memory_high_water: 0,
        fuel_consumed: 0,
    })
}

/// The size of a typed request: the bytes of its `Debug` text, counted without being kept
/// (an upper bound of the strings it carries, which is what fills the guest's memory).
pub(crate) fn typed_size(request: &wit::Request) -> usize {
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = std::fmt::write(&mut count, format_args!("{request:?}"));
    count.0
}
