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
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode, Scheme};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use crate::sandbox::InvocationState;
use crate::{ConnectorHost, HostError, Invocation, Tenant};

/// Where `wasi:http/incoming-handler` is among the component's exports, found once per loaded
/// component; `None` when the component does not export it.
pub(crate) fn find_handler(pre: &InstancePre<InvocationState>) -> Option<ProxyIndices> {
    ProxyIndices::new(pre).ok()
}

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
    /// trap, or [`HostError::NoAnswer`].
    pub async fn handle_http(
        &self,
        request: http::Request<Bytes>,
        tenant: &Tenant,
    ) -> Result<Invocation<http::Response<Bytes>>, HostError> {
        let Some(handler) = &self.handler else {
            return Err(HostError::NoAnswer(
                "the component does not export wasi:http/incoming-handler".into(),
            ));
        };
        let request = request.map(Full::new);
        let invocation = self
            .invoke(tenant, async move |instance, store| {
                let proxy = handler.load(&mut *store, instance)?;
                let (sender, receiver) = tokio::sync::oneshot::channel();
                let mut http = store.data_mut().http();
                let incoming = http.new_incoming_request(Scheme::Http, request)?;
                let outparam = http.new_response_outparam(sender)?;
                let call =
                    proxy
                        .wasi_http_incoming_handler()
                        .call_handle(&mut *store, incoming, outparam);
                // A trap leaves the outparam in the store, unset and undropped: the answer
                // would never come, so the call's end decides.
                let answer = collect_answer(receiver);
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
                Ok(Ok(response))
            })
            .await?;
        let result = match invocation.result {
            Ok(Err(no_answer)) => return Err(HostError::NoAnswer(no_answer)),
            Ok(Ok(response)) => Ok(response),
            Err(connector) => Err(connector),
        };
        Ok(Invocation {
            result,
            http_requests: invocation.http_requests,
            denied_requests: invocation.denied_requests,
            memory_high_water: invocation.memory_high_water,
            fuel_consumed: invocation.fuel_consumed,
        })
    }
}

/// The guest's answer, its body collected; or why there is none.
async fn collect_answer(
    receiver: tokio::sync::oneshot::Receiver<Result<hyper::Response<HyperOutgoingBody>, ErrorCode>>,
) -> Result<http::Response<Bytes>, String> {
    let response = match receiver.await {
        Ok(Ok(response)) => response,
        Ok(Err(code)) => return Err(format!("{code:?}")),
        Err(_) => return Err("response-outparam was never set".into()),
    };
    let (parts, body) = response.into_parts();
    let body = body.collect().await.map_err(|e| e.to_string())?;
    Ok(http::Response::from_parts(parts, body.to_bytes()))
}
