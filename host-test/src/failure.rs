//! What a caller is told when an invocation gives no answer at all.

/// Why an invocation gave no answer: a trap or a failure of the host, in words a caller may
/// see. The message carries no wasm backtrace or function index; `diagnostics` has them, for
/// the operator's log.
#[derive(Debug)]
pub struct HostFailure {
    /// A stable code: `MemoryLimit`, `CpuLimit`, `GuestTrap` or `HostFailure`.
    pub code: &'static str,
    /// What happened.
    pub message: String,
    /// The whole error chain with backtraces, and the guest's stderr.
    pub diagnostics: String,
}

impl HostFailure {
    pub(crate) fn of(error: &wasmtime::Error, memory_exhausted: bool, stderr: &str) -> Self {
        let diagnostics = match stderr {
            "" => format!("{error:?}"),
            stderr => format!("{error:?}\nguest stderr: {stderr}"),
        };
        let (code, message) = match error.downcast_ref::<wasmtime::Trap>() {
            _ if memory_exhausted => (
                "MemoryLimit",
                "the invocation needed more memory than its limit".to_string(),
            ),
            Some(wasmtime::Trap::OutOfFuel) => (
                "CpuLimit",
                "the invocation used all its fuel (its CPU limit)".to_string(),
            ),
            Some(trap) => ("GuestTrap", format!("the component trapped: {trap}")),
            None => ("HostFailure", error.to_string()),
        };
        Self {
            code,
            message,
            diagnostics,
        }
    }

    /// The failure in the shape the command-line runner prints.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"error": {"kind": "host", "code": self.code, "message": self.message}})
    }
}

impl std::fmt::Display for HostFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for HostFailure {}
