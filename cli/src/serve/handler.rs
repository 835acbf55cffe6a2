//! One request's way through the server: `GET /healthz`, `GET /metrics`, or the connector,
//! which is, in this order: the tenant (401), the declared size (413), the tenant's rate and
//! concurrency (429), the body read up to the cap (413), a host slot (503), then one fresh
//! sandbox with the tenant's environment and egress. Nothing is instantiated and nothing is
//! sent before all of those pass; the guest's own statuses (README, "Served") come after.

use std::time::Instant;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;

use ddb_connector_host::{ConnectorHost, HostError, Invocation};

use super::limits::{HostSlots, Refused, TenantLimits};
use super::log::{RequestRecord, operation_of};
use super::metrics::{InvocationCost, Metrics, NO_TENANT};
use super::tenants::Tenants;

/// An answer of the server.
pub(crate) type Answer = Response<Full<Bytes>>;

/// Which listener a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Listener {
    /// `listen`: everything (and the metrics, unless `metrics_listen` is set).
    Main { metrics: bool },
    /// `metrics_listen`: the metrics and the health check only.
    Metrics,
}

/// What the server holds for every request.
pub(crate) struct Service {
    pub(crate) host: ConnectorHost,
    pub(crate) tenants: Tenants,
    pub(crate) limits: Vec<TenantLimits>,
    pub(crate) slots: HostSlots,
    pub(crate) metrics: Metrics,
    pub(crate) max_request_bytes: usize,
}

impl Service {
    /// Answers one request that came in on `listener`.
    pub(crate) async fn handle(&self, request: Request<Incoming>, listener: Listener) -> Answer {
        let get = request.method() == Method::GET;
        match (listener, request.uri().path()) {
            (_, "/healthz") if get => plain(StatusCode::OK, "text/plain", "ok\n".into()),
            (Listener::Main { metrics: true } | Listener::Metrics, "/metrics") if get => plain(
                StatusCode::OK,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
                self.metrics.encode(),
            ),
            (Listener::Metrics, _) => error(
                StatusCode::NOT_FOUND,
                "NotFound",
                "this listener serves GET /metrics and GET /healthz",
            ),
            (Listener::Main { .. }, _) => self.connector(request).await,
        }
    }

    /// The connector's answer, counted and logged.
    async fn connector(&self, request: Request<Incoming>) -> Answer {
        let started = Instant::now();
        let _in_flight = self.metrics.in_flight();
        let request_id = uuid::Uuid::new_v4().to_string();
        let mut record = RequestRecord::default();
        let mut answer = self.run(request, &mut record).await;
        let status = answer.status().as_u16();
        let elapsed = started.elapsed();
        let tenant = record.tenant.as_deref().unwrap_or(NO_TENANT);
        self.metrics.answered(tenant, status, elapsed);
        record.write(&request_id, status, elapsed);
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            answer.headers_mut().insert("x-request-id", value);
        }
        answer
    }

    async fn run(&self, request: Request<Incoming>, record: &mut RequestRecord) -> Answer {
        let authorization = request.headers().get(header::AUTHORIZATION);
        let Some(index) = self.tenants.authenticate(authorization) else {
            let mut answer = error(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "send Authorization: Bearer <the tenant's token>",
            );
            let challenge = HeaderValue::from_static("Bearer");
            answer
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
            return answer;
        };
        let tenant = &self.tenants.all()[index];
        record.tenant = Some(tenant.name.clone());
        let limit = self.max_request_bytes;
        if declared_length(&request).is_some_and(|n| n > limit as u64) {
            return too_large(limit);
        }
        let _tenant_permit = match self.limits[index].admit() {
            Ok(permit) => permit,
            Err(refused) => return self.refused(&tenant.name, refused),
        };
        let (mut parts, body) = request.into_parts();
        let body = match Limited::new(body, limit).collect().await {
            Ok(body) => body.to_bytes(),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => return too_large(limit),
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "UnreadableBody",
                    "the request body could not be read",
                );
            }
        };
        record.operation = operation_of(&body);
        let _slot = match self.slots.acquire().await {
            Ok(slot) => slot,
            Err(refused) => return self.refused(&tenant.name, refused),
        };
        // The token is the server's business, not the sandbox's.
        parts.headers.remove(header::AUTHORIZATION);
        if !parts.headers.contains_key(header::HOST) && parts.uri.authority().is_none() {
            parts
                .headers
                .insert(header::HOST, HeaderValue::from_static("localhost"));
        }
        let invocation = self
            .host
            .handle_http(Request::from_parts(parts, body), &tenant.sandbox)
            .await;
        self.answer_of(invocation, &tenant.name, record)
    }

    /// The guest's answer, or a host failure's (500): its code and message, never the
    /// diagnostics (they may quote the guest).
    fn answer_of(
        &self,
        invocation: Result<Invocation<Response<Bytes>>, HostError>,
        tenant: &str,
        record: &mut RequestRecord,
    ) -> Answer {
        let invocation = match invocation {
            Ok(invocation) => invocation,
            Err(e) => {
                record.failure = Some(e.code());
                return json(StatusCode::INTERNAL_SERVER_ERROR, &e.to_json());
            }
        };
        record.attempts = invocation.http_requests;
        record.refused = invocation.denied_requests;
        record.fuel = invocation.fuel_consumed;
        self.metrics.invoked(
            tenant,
            &InvocationCost {
                outbound_requests: invocation.http_requests,
                egress_refusals: invocation.denied_requests,
                fuel: invocation.fuel_consumed,
                memory_high_water: invocation.memory_high_water,
            },
        );
        match invocation.result {
            Ok(response) => response.map(Full::new),
            // The served form answers every connector error itself; kept for completeness.
            Err(e) => json(StatusCode::BAD_GATEWAY, &e.to_json()),
        }
    }

    fn refused(&self, tenant: &str, refused: Refused) -> Answer {
        let reason = match refused {
            Refused::Rate { .. } => "rate",
            Refused::Concurrency => "concurrency",
            Refused::Saturated => "saturated",
        };
        self.metrics.limited(tenant, reason);
        let message = match refused {
            Refused::Saturated => "the server is busy: retry after the Retry-After seconds",
            _ => "over the tenant's request limits: retry after the Retry-After seconds",
        };
        let mut answer = error(refused.status(), refused.code(), message);
        answer
            .headers_mut()
            .insert(header::RETRY_AFTER, refused.retry_after_seconds().into());
        answer
    }
}

fn declared_length<B>(request: &Request<B>) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn too_large(limit: usize) -> Answer {
    let message = format!("the request body is over the server's limit of {limit} bytes");
    error(StatusCode::PAYLOAD_TOO_LARGE, "RequestTooLarge", &message)
}

/// An answer of the server itself, in the served form's error shape.
fn error(status: StatusCode, code: &str, message: &str) -> Answer {
    json(
        status,
        &serde_json::json!({"error": {"kind": "http", "code": code, "message": message}}),
    )
}

fn json(status: StatusCode, body: &serde_json::Value) -> Answer {
    plain(status, "application/json", body.to_string())
}

fn plain(status: StatusCode, content_type: &'static str, body: String) -> Answer {
    let mut answer = Response::new(Full::new(Bytes::from(body)));
    *answer.status_mut() = status;
    answer
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    answer
}
