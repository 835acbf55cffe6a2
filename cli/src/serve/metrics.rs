//! The Prometheus metrics (`GET /metrics`, OpenMetrics text, `prometheus-client`). Every
//! metric is documented in docs/serve.md; requests refused before a tenant is known count
//! under the tenant `(none)`, a name no configured tenant can have.

use std::sync::atomic::Ordering;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The tenant label of requests refused before a tenant is known.
pub(crate) const NO_TENANT: &str = "(none)";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    tenant: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TenantLabel {
    tenant: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    tenant: String,
    reason: &'static str,
}

/// What one invocation cost, for its tenant's metrics.
pub(crate) struct InvocationCost {
    pub(crate) outbound_requests: u32,
    pub(crate) egress_refusals: u32,
    pub(crate) fuel: u64,
    pub(crate) memory_high_water: usize,
}

/// Every metric of the server.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<StatusLabels, Counter>,
    duration: Family<TenantLabel, Histogram>,
    outbound: Family<TenantLabel, Counter>,
    egress_refusals: Family<TenantLabel, Counter>,
    limited: Family<ReasonLabels, Counter>,
    fuel: Family<TenantLabel, Counter>,
    memory_high_water: Family<TenantLabel, Gauge>,
    in_flight: Gauge,
}

fn duration_histogram() -> Histogram {
    // 1 ms to about 33 s, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut metrics = Self {
            registry: Registry::default(),
            requests: Family::default(),
            duration: Family::new_with_constructor(duration_histogram),
            outbound: Family::default(),
            egress_refusals: Family::default(),
            limited: Family::default(),
            fuel: Family::default(),
            memory_high_water: Family::default(),
            in_flight: Gauge::default(),
        };
        metrics.register();
        metrics
    }

    fn register(&mut self) {
        let r = &mut self.registry;
        let p = "ddb_connector_";
        r.register(
            format!("{p}requests"),
            "Answers given, by tenant and HTTP status",
            self.requests.clone(),
        );
        r.register(
            format!("{p}request_duration_seconds"),
            "Time from the request's arrival to its answer, by tenant",
            self.duration.clone(),
        );
        r.register(
            format!("{p}outbound_requests"),
            "HTTP requests the connector started (to DynamoDB, STS), by tenant",
            self.outbound.clone(),
        );
        r.register(
            format!("{p}egress_refusals"),
            "Outbound requests the egress policy refused, by tenant",
            self.egress_refusals.clone(),
        );
        r.register(
            format!("{p}limited"),
            "Requests refused for a limit: reason rate or concurrency (429), saturated (503)",
            self.limited.clone(),
        );
        r.register(
            format!("{p}fuel_consumed"),
            "Wasm fuel (about one per instruction) the tenant's invocations used",
            self.fuel.clone(),
        );
        r.register(
            format!("{p}memory_high_water_bytes"),
            "The largest linear memory one of the tenant's invocations grew to",
            self.memory_high_water.clone(),
        );
        r.register(
            format!("{p}in_flight"),
            "Requests being answered now",
            self.in_flight.clone(),
        );
    }

    /// One answer, with its status and time.
    pub(crate) fn answered(&self, tenant: &str, status: u16, elapsed: Duration) {
        let tenant = tenant.to_string();
        self.requests
            .get_or_create(&StatusLabels {
                tenant: tenant.clone(),
                status,
            })
            .inc();
        self.duration
            .get_or_create(&TenantLabel { tenant })
            .observe(elapsed.as_secs_f64());
    }

    /// A request refused for a limit (`rate`, `concurrency`, `saturated`).
    pub(crate) fn limited(&self, tenant: &str, reason: &'static str) {
        let tenant = tenant.to_string();
        self.limited
            .get_or_create(&ReasonLabels { tenant, reason })
            .inc();
    }

    /// What one invocation cost.
    pub(crate) fn invoked(&self, tenant: &str, cost: &InvocationCost) {
        let label = TenantLabel {
            tenant: tenant.to_string(),
        };
        self.outbound
            .get_or_create(&label)
            .inc_by(cost.outbound_requests.into());
        self.egress_refusals
            .get_or_create(&label)
            .inc_by(cost.egress_refusals.into());
        self.fuel.get_or_create(&label).inc_by(cost.fuel);
        let high_water = i64::try_from(cost.memory_high_water).unwrap_or(i64::MAX);
        self.memory_high_water
            .get_or_create(&label)
            .inner()
            .fetch_max(high_water, Ordering::Relaxed);
    }

    /// Counts a request in flight until the guard is dropped.
    pub(crate) fn in_flight(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// The OpenMetrics text of every metric.
    pub(crate) fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// One request in flight.
pub(crate) struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_answers_costs_and_the_largest_memory() {
        let metrics = Metrics::new();
        metrics.answered("acme", 200, Duration::from_millis(3));
        metrics.answered("acme", 200, Duration::from_millis(5));
        metrics.answered(NO_TENANT, 401, Duration::from_millis(1));
        metrics.limited("acme", "rate");
        for high_water in [2 << 20, 5 << 20, 3 << 20] {
            let cost = InvocationCost {
                outbound_requests: 2,
                egress_refusals: 1,
                fuel: 1000,
                memory_high_water: high_water,
            };
            metrics.invoked("acme", &cost);
        }
        let text = metrics.encode();
        for line in [
            r#"ddb_connector_requests_total{tenant="acme",status="200"} 2"#,
            r#"ddb_connector_requests_total{tenant="(none)",status="401"} 1"#,
            r#"ddb_connector_request_duration_seconds_count{tenant="acme"} 2"#,
            r#"ddb_connector_limited_total{tenant="acme",reason="rate"} 1"#,
            r#"ddb_connector_outbound_requests_total{tenant="acme"} 6"#,
            r#"ddb_connector_egress_refusals_total{tenant="acme"} 3"#,
            r#"ddb_connector_fuel_consumed_total{tenant="acme"} 3000"#,
            r#"ddb_connector_memory_high_water_bytes{tenant="acme"} 5242880"#,
            "ddb_connector_in_flight 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
    }
}
