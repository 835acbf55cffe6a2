use super::HostError;

fn trap(trap: wasmtime::Trap) -> wasmtime::Error {
    wasmtime::Error::new(trap).context("error while executing at wasm backtrace: 0: func[42]")
}

#[test]
fn invocation_failures_are_told_apart_by_what_stopped_them() {
    let fuel = HostError::of_invocation(&trap(wasmtime::Trap::OutOfFuel), false, "");
    assert_eq!(fuel.code(), "CpuLimit", "{fuel:?}");
    let memory = HostError::of_invocation(&trap(wasmtime::Trap::OutOfFuel), true, "");
    assert_eq!(
        memory.code(),
        "MemoryLimit",
        "the limiter's word wins: {memory:?}"
    );
    let unreachable =
        HostError::of_invocation(&trap(wasmtime::Trap::UnreachableCodeReached), false, "");
    assert_eq!(unreachable.code(), "GuestTrap", "{unreachable:?}");
    assert!(
        unreachable
            .to_string()
            .starts_with("the component trapped: "),
        "{unreachable}"
    );
    let host = HostError::of_invocation(&wasmtime::Error::msg("no slot"), false, "");
    assert_eq!(host.code(), "HostFailure", "{host:?}");
    assert_eq!(host.to_string(), "no slot");
}

#[test]
fn messages_hold_no_backtrace_and_diagnostics_hold_the_chain_and_stderr() {
    let failure = HostError::of_invocation(
        &trap(wasmtime::Trap::UnreachableCodeReached),
        false,
        "panicked at src/lib.rs",
    );
    assert!(!failure.to_string().contains("func[42]"), "{failure}");
    let diagnostics = failure.diagnostics().expect("an invocation's diagnostics");
    assert!(diagnostics.contains("func[42]"), "{diagnostics}");
    assert!(
        diagnostics.ends_with("\nguest stderr: panicked at src/lib.rs"),
        "{diagnostics}"
    );
    let quiet = HostError::of_invocation(&wasmtime::Error::msg("no slot"), false, "");
    assert!(!quiet.diagnostics().unwrap().contains("guest stderr"));
}

#[test]
fn the_json_document_is_kind_code_and_message_only() {
    let failure = HostError::of_invocation(&trap(wasmtime::Trap::OutOfFuel), false, "secret");
    assert_eq!(
        failure.to_json(),
        serde_json::json!({"error": {"kind": "host", "code": "CpuLimit",
            "message": "the invocation used all its fuel (its CPU limit)"}})
    );
    let load = HostError::Load(wasmtime::Error::msg("bad magic").context("loading x.wasm"));
    assert_eq!(
        load.to_json(),
        serde_json::json!({"error": {"kind": "host", "code": "HostFailure",
            "message": "loading x.wasm: bad magic"}})
    );
    assert_eq!(load.diagnostics(), None);
}

#[test]
fn refused_options_have_codes_of_their_own() {
    let rule = HostError::OutboundRule {
        rule: "ftp://x".into(),
        reason: "the scheme must be http, https or *".into(),
    };
    assert_eq!(rule.code(), "OutboundRule");
    assert_eq!(
        rule.to_string(),
        r#"outbound rule "ftp://x": the scheme must be http, https or *"#
    );
    let file = HostError::TrustFile {
        path: "ca.pem".into(),
        reason: "no certificate in the file".into(),
    };
    assert_eq!(file.code(), "TrustFile");
    assert_eq!(file.to_string(), "ca.pem: no certificate in the file");
    assert_eq!(file.diagnostics(), None);
}
