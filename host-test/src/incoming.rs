//! The served form through this host: one HTTP request into the component's
//! `wasi:http/incoming-handler`, in a fresh sandbox with every rule of [`crate::sandbox`], as
//! `wasmtime serve` does it (`ProxyPre`, `new_incoming_request`, `new_response_outparam`,
//! `call_handle`) but with this host's egress policy, TLS trust, pool and limits.
//!
//! The request arrives whole (the caller has read and capped its body), so no sandbox waits
//! on a slow client; the answer's body is collected while the guest writes it (its stream
//! is a bounded channel: a guest writing more than the channel holds would otherwise wait
//! forever), so the invocation's statistics are known when the answer is returned.

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use wasmtime::component::InstancePre;
use wasmtime_wasi_http::WasiHttpView as _;
use wasmtime_wasi_http::p2::bindings::ProxyIndices;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;

use crate::sandbox::InvocationState;
use crate::{ConnectorHost, Invocation, Tenant};

/// Where `wasi:http/incoming-handler` is among the component's exports, found once per loaded
/// component; `None` when the component does not export it.
pub(crate) fn find_handler(pre: &InstancePre<InvocationState>) -> Option<ProxyIndices> {
    ProxyIndices::new(pre).ok()
}

/// The guest answered nothing, or an answer whose body broke off.
#[derive(Debug)]
pub struct NoAnswer(String);

impl std::fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the component gave no HTTP answer: {}", self.0)
    }
}

impl std::error::Error for NoAnswer {}

impl ConnectorHost {
    /// `true` when the component exports `wasi:http/incoming-handler` (the served form).
    pub fn serves_http(&self) -> bool {
        self.handler.is_some()
    }

    /// Runs one HTTP request through the component's `wasi:http/incoming-handler` in a fresh
    /// sandbox for `tenant`, as [`ConnectorHost::execute_json`] runs one JSON request: the
    /// same slots, limits, egress and statistics. The answer is in `result` (always `Ok`: the
    /// served form's statuses carry the connector's errors). The request must carry a `Host`
    /// header or an absolute URI; its body is given whole. `Err` is a host failure or a guest
    /// trap ([`crate::HostFailure`]), or [`NoAnswer`].
    pub async fn handle_http(
        &self,
        request: http::Request<Bytes>,
        tenant: &Tenant,
    ) -> wasmtime::Result<Invocation<http::Response<Bytes>>> {
        let Some(handler) = &self.handler else {
            return Err(wasmtime::Error::new(NoAnswer(
                "the component does not export wasi:http/incoming-handler".into(),
            )));
        };
        let request = request.map(Full::new);
        self.invoke(tenant, async move |instance, store| {
            let proxy = handler.load(&mut *store, instance)?;
            let (sender, receiver) = tokio::sync::oneshot::channel();
            let mut http = store.data_mut().http();
            let incoming = http.new_incoming_request(Scheme::Http, request)?;
            let outparam = http.new_response_outparam(sender)?;
            let call =
                proxy
                    .wasi_http_incoming_handler()
                    .call_handle(&mut *store, incoming, outparam);
            let answer = async {
                let response = match receiver.await {
                    Ok(Ok(response)) => response,
                    Ok(Err(code)) => return Err(NoAnswer(format!("{code:?}"))),
                    Err(_) => return Err(NoAnswer("response-outparam was never set".into())),
                };
                let (parts, body) = response.into_parts();
                let body = body.collect().await.map_err(|e| NoAnswer(e.to_string()))?;
                Ok(http::Response::from_parts(parts, body.to_bytes()))
            };
            // A trap leaves the outparam in the store, unset and undropped: the answer would
            // never come, so the call's end decides.
            tokio::pin!(call, answer);
            let response = tokio::select! {
                called = &mut call => {
                    called?;
                    answer.await
                }
                answered = &mut answer => {
                    call.await?;
                    answered
                }
            };
            Ok(Ok(response.map_err(wasmtime::Error::new)?))
        })
        .await
    }
}
