//! The host's one error type: why it could not load, configure or run what it was asked.
//!
//! Connector errors (configuration, connection, execution) are not host errors: they are the
//! connector's answer, in [`crate::Invocation::result`].

use std::path::PathBuf;

/// Why the host could not do what it was asked. A message carries no wasm backtrace or function
/// index; [`HostError::diagnostics`] has them, for the operator's log.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The component could not be read, compiled, linked or checked against the world.
    #[error("{0:#}")]
    Load(wasmtime::Error),
    /// An outbound rule that cannot be read: the rule as written, and what is wrong with it.
    #[error("outbound rule {rule:?}: {reason}")]
    OutboundRule {
        /// The rule as written.
        rule: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A PEM file of trusted CAs that cannot be read, or holds no certificate.
    #[error("{}: {reason}", path.display())]
    TrustFile {
        /// The file.
        path: PathBuf,
        /// Why it gave no certificate.
        reason: String,
    },
    /// A trusted certificate that cannot be used as a root.
    #[error("a trusted certificate cannot be used as a root: {0}")]
    TrustRoot(String),
    /// The TLS client could not be configured.
    #[error("TLS setup: {0}")]
    TlsSetup(String),
    /// The invocation's sandbox could not be set up (no slot, no fuel).
    #[error("{0}")]
    Setup(String),
    /// The served form's guest answered nothing, or an answer whose body broke off, or the
    /// component does not serve HTTP at all.
    #[error("the component gave no HTTP answer: {0}")]
    NoAnswer(String),
    /// The guest's linear memory reached its limit.
    #[error("the invocation needed more memory than its limit")]
    MemoryLimit {
        /// The error chain with backtraces, and the guest's stderr.
        diagnostics: String,
    },
    /// The guest used all its fuel.
    #[error("the invocation used all its fuel (its CPU limit)")]
    CpuLimit {
        /// The error chain with backtraces, and the guest's stderr.
        diagnostics: String,
    },
    /// The guest trapped (a panic, an unreachable, an out-of-bounds access).
    #[error("the component trapped: {trap}")]
    GuestTrap {
        /// The trap.
        trap: wasmtime::Trap,
        /// The error chain with backtraces, and the guest's stderr.
        diagnostics: String,
    },
    /// The invocation failed in the host (instantiation, a host call).
    #[error("{message}")]
    InvocationFailed {
        /// What happened: the outermost error, without backtraces.
        message: String,
        /// The error chain with backtraces, and the guest's stderr.
        diagnostics: String,
    },
}

impl HostError {
    /// The stable machine code callers print: `MemoryLimit`, `CpuLimit`, `GuestTrap`,
    /// `OutboundRule` and `TrustFile` (refused options, never an invocation's), and
    /// `HostFailure` for every other failure of the host (the code these always had).
    pub fn code(&self) -> &'static str {
        match self {
            Self::MemoryLimit { .. } => "MemoryLimit",
            Self::CpuLimit { .. } => "CpuLimit",
            Self::GuestTrap { .. } => "GuestTrap",
            Self::OutboundRule { .. } => "OutboundRule",
            Self::TrustFile { .. } => "TrustFile",
            Self::Load(_)
            | Self::TrustRoot(_)
            | Self::TlsSetup(_)
            | Self::Setup(_)
            | Self::NoAnswer(_)
            | Self::InvocationFailed { .. } => "HostFailure",
        }
    }

    /// For a failed invocation: the whole error chain with wasm backtraces, and the guest's
    /// stderr. For the operator's log only: it may quote the guest.
    pub fn diagnostics(&self) -> Option<&str> {
        match self {
            Self::MemoryLimit { diagnostics }
            | Self::CpuLimit { diagnostics }
            | Self::GuestTrap { diagnostics, .. }
            | Self::InvocationFailed { diagnostics, .. } => Some(diagnostics),
            _ => None,
        }
    }

    /// The failure as the command-line runner prints it and the served form answers it:
    /// `{"error": {"kind": "host", "code": …, "message": …}}`, never the diagnostics.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"error": {"kind": "host", "code": self.code(), "message": self.to_string()}})
    }

    /// A failed invocation, told apart by what stopped it. `memory_exhausted`: the store's
    /// limiter refused a growth; `stderr`: what the guest wrote there.
    pub(crate) fn of_invocation(
        error: &wasmtime::Error,
        memory_exhausted: bool,
        stderr: &str,
    ) -> Self {
        let diagnostics = match stderr {
            "" => format!("{error:?}"),
            stderr => format!("{error:?}\nguest stderr: {stderr}"),
        };
        match error.downcast_ref::<wasmtime::Trap>() {
            _ if memory_exhausted => Self::MemoryLimit { diagnostics },
            Some(wasmtime::Trap::OutOfFuel) => Self::CpuLimit { diagnostics },
            Some(trap) => Self::GuestTrap {
                trap: *trap,
                diagnostics,
            },
            None => Self::InvocationFailed {
                message: error.to_string(),
                diagnostics,
            },
        }
    }
}

#[cfg(test)]
mod tests;
