//! What the component asks of its sandbox, and what the host gives it.

mod common;

use common::host;

#[test]
fn component_imports_only_http_clocks_random_environment_and_io() {
    let allowed = [
        "wasi:http/outgoing-handler@",
        "wasi:http/types@",
        "wasi:io/",
        "wasi:clocks/monotonic-clock@",
        "wasi:clocks/wall-clock@",
        "wasi:random/random@",
        "wasi:cli/environment@",
        // The connector's own types interface: types only, no functions.
        "connectors:dynamodb/types@",
        // Rust's std links these (stdio for panic messages, exit, hash seeds); the host
        // gives the guest no stdio (stderr is captured), and exit only ends the guest.
        "wasi:cli/exit@",
        "wasi:cli/stderr@",
        "wasi:cli/stdout@",
        "wasi:cli/stdin@",
        "wasi:cli/terminal-",
        "wasi:random/insecure-seed@",
    ];
    let imports = host().component_imports();
    assert!(
        imports
            .iter()
            .any(|i| i.starts_with("wasi:http/outgoing-handler@")),
        "{imports:?}"
    );
    for import in &imports {
        assert!(
            allowed.iter().any(|a| import.starts_with(a)),
            "unexpected import {import} in {imports:?}"
        );
    }
    assert!(
        !imports
            .iter()
            .any(|i| i.starts_with("wasi:sockets") || i.starts_with("wasi:filesystem"))
    );
}
