//! The canned server in a process of its own (`ddb-bench serve`), so its CPU is not counted as
//! the client's: the child's side ([`serve`]) and the parent's handle ([`Server`]).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::canned_server;

/// The canned server: prints its port, serves until killed; over TLS with the certificate in
/// `tls` when given. One thread, so on two cores the client keeps the other.
pub fn serve(tls: Option<PathBuf>) -> Result<(), String> {
    let acceptor = tls
        .as_deref()
        .map(canned_server::tls_acceptor)
        .transpose()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        println!("{port}");
        canned_server::serve(listener, acceptor).await;
        Ok(())
    })
}

/// The canned server child process; killed when dropped.
pub struct Server(Child, pub u16);

impl Server {
    pub fn start() -> Result<Self, String> {
        Self::start_with(None)
    }

    /// The canned server over https, with the certificate in `tls`.
    pub fn start_with(tls: Option<&Path>) -> Result<Self, String> {
        use std::io::BufRead as _;
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg("serve")
            .args(tls)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting the canned server: {e}"))?;
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let port = line
            .trim()
            .parse()
            .map_err(|_| format!("the canned server said {line:?}"))?;
        Ok(Server(child, port))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}
