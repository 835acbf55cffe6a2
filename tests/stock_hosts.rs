//! The same component under the stock hosts users load it in — the wasmtime CLI and Node
//! through jco — gives the same answers as under our host, for the same requests against moto
//! (signatures verified): every operation class and each error kind, through `execute-json`
//! and (under Node) the typed `execute`. Each host works on a table of its own; the answers are
//! compared after taking out what must differ (`runners::comparable`).
//! Needs what scripts/test.sh installs and starts.

#[path = "stock_hosts/cases.rs"]
mod cases;
mod common;
#[path = "stock_hosts/runners.rs"]
mod runners;
#[path = "stock_hosts/wave.rs"]
mod wave;

use common::{host, moto, unique_table};
use ddb_connector_host::Tenant;
use serde_json::{Value, json};

/// A loopback endpoint nothing listens on: a port bound and released.
fn dead_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

/// Our host's answers to the JSON requests, comparable.
async fn ours_json(table: &str, dead: &str) -> Vec<Value> {
    let mut answers = Vec::new();
    for request in cases::json_requests(&moto(), table, dead) {
        let invocation = host()
            .execute_json(&request.to_string(), &Tenant::default())
            .await
            .expect("our host runs the component");
        let answer = runners::from_our_host(invocation.result, |text| {
            serde_json::from_str(&text).expect("a JSON result")
        });
        answers.push(runners::comparable(&answer, table));
    }
    answers
}

fn assert_same(host_name: &str, theirs: &[Value], ours: &[Value]) {
    assert_eq!(theirs.len(), ours.len());
    for (i, (their, our)) in theirs.iter().zip(ours).enumerate() {
        assert_eq!(
            their, our,
            "request {i}: {host_name} and our host answer differently"
        );
    }
    let read_back = &ours[5]["ok"]["response"];
    assert_eq!(
        read_back["big"]["N"],
        "12345678901234567890123456789012345678"
    );
    assert_eq!(read_back["bin"]["B"], "AAEC/w==");
    let kinds: Vec<&str> = ours
        .iter()
        .filter_map(|a| a["err"].as_object()?.keys().next().map(String::as_str))
        .collect();
    for kind in ["configuration", "connection", "execution"] {
        assert!(kinds.contains(&kind), "no {kind} error among {kinds:?}");
    }
}

#[tokio::test]
async fn the_wasmtime_cli_answers_as_our_host_does() {
    let dead = dead_endpoint();
    let (theirs_table, ours_table) = (unique_table("stock-cli"), unique_table("stock-ours"));
    let mut theirs = Vec::new();
    for request in cases::json_requests(&moto(), &theirs_table, &dead) {
        let answer = runners::wasmtime_execute_json(&request.to_string());
        theirs.push(runners::comparable(&answer, &theirs_table));
    }
    let ours = ours_json(&ours_table, &dead).await;
    assert_same("wasmtime run --invoke", &theirs, &ours);
}

#[tokio::test]
async fn node_through_jco_answers_as_our_host_does() {
    let dead = dead_endpoint();
    let (theirs_table, ours_table) = (unique_table("stock-jco"), unique_table("stock-ours"));
    let requests: Vec<Value> = cases::json_requests(&moto(), &theirs_table, &dead)
        .iter()
        .map(|request| json!({"entry": "json", "request": request.to_string()}))
        .collect();
    let theirs: Vec<Value> = runners::jco_run(&requests)
        .iter()
        .map(|answer| runners::comparable(answer, &theirs_table))
        .collect();
    let ours = ours_json(&ours_table, &dead).await;
    assert_same("Node (jco)", &theirs, &ours);
}

/// The npm package's form of the component (jco 1.11.3, its own host in tools/jco/host/), with
/// moto's and the dead endpoint's origins allowed as an embedder would: the same answers, the
/// dead endpoint's refusal included.
#[tokio::test]
async fn the_npm_package_answers_as_our_host_does() {
    let dead = dead_endpoint();
    let (theirs_table, ours_table) = (unique_table("stock-npm"), unique_table("stock-ours"));
    let requests: Vec<Value> = cases::json_requests(&moto(), &theirs_table, &dead)
        .iter()
        .map(|request| json!({"entry": "json", "request": request.to_string()}))
        .collect();
    let theirs: Vec<Value> = runners::package_run(&requests, &[moto().endpoint, dead.clone()])
        .iter()
        .map(|answer| runners::comparable(answer, &theirs_table))
        .collect();
    let ours = ours_json(&ours_table, &dead).await;
    assert_same("the npm package", &theirs, &ours);
}

#[tokio::test]
async fn node_through_jco_answers_typed_requests_as_our_host_does() {
    let (theirs_table, ours_table) = (unique_table("stock-jcot"), unique_table("stock-ourt"));
    let dead = dead_endpoint();
    let requests: Vec<Value> = cases::typed_requests(&moto(), &theirs_table, &dead)
        .into_iter()
        .map(|case| json!({"entry": "typed", "request": case.jco}))
        .collect();
    let theirs: Vec<Value> = runners::jco_run(&requests)
        .iter()
        .map(|answer| runners::comparable(answer, &theirs_table))
        .collect();
    let mut ours = Vec::new();
    for case in cases::typed_requests(&moto(), &ours_table, &dead) {
        let invocation = host()
            .execute(case.ours, &Tenant::default())
            .await
            .expect("our host runs the component");
        let answer = runners::from_our_host(invocation.result, |response| {
            json!({"action": response.action, "status": response.status,
                   "response": serde_json::from_str::<Value>(&response.response_json).unwrap()})
        });
        ours.push(runners::comparable(&answer, &ours_table));
    }
    assert_eq!(theirs.len(), ours.len());
    for (i, (their, our)) in theirs.iter().zip(&ours).enumerate() {
        assert_eq!(
            their, our,
            "typed request {i}: Node (jco) and our host differ"
        );
    }
    assert!(
        ours[2]["ok"]["response"]["n"] == json!({"N": "5"}),
        "{}",
        ours[2]
    );
    assert_eq!(
        ours[3]["ok"]["response"]["items"][0]["n"],
        json!({"N": "5"}),
        "{}",
        ours[3]
    );
    assert_eq!(
        ours[5]["ok"]["response"]["items"].as_array().map(Vec::len),
        Some(2),
        "{}",
        ours[5]
    );
    assert!(ours[8]["err"]["configuration"].is_object(), "{}", ours[8]);
    assert!(ours[9]["err"]["execution"].is_object(), "{}", ours[9]);
    assert!(ours[11]["err"]["connection"].is_object(), "{}", ours[11]);
}
