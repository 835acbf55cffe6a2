//! The host's TLS client: one configuration for every connection, pooled or not.
//!
//! The crypto provider is named here (`ring`), never taken from the process default: a build
//! that links a second provider (the benchmark's AWS SDK brings `aws-lc-rs`) would otherwise
//! make rustls refuse to choose, and panic on the first https request.
//!
//! Trust: the public web roots (`webpki-roots`) plus the operator's own CAs
//! ([`TlsTrust::add_pem_file`]); there is no switch that accepts any certificate.

use std::io;
use std::path::Path;
use std::sync::Arc;

use rustls::AlertDescription;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};

use crate::HostError;

/// The certificates the host trusts beyond the public web roots.
#[derive(Debug, Clone, Default)]
pub struct TlsTrust {
    extra_roots: Vec<CertificateDer<'static>>,
}

impl TlsTrust {
    /// Trusts every certificate of a PEM file (a private CA, a corporate TLS proxy).
    pub fn add_pem_file(&mut self, path: &Path) -> Result<(), HostError> {
        let refused = |reason: String| HostError::TrustFile {
            path: path.to_path_buf(),
            reason,
        };
        let what = |e: rustls::pki_types::pem::Error| refused(e.to_string());
        let certificates = CertificateDer::pem_file_iter(path)
            .map_err(what)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(what)?;
        if certificates.is_empty() {
            return Err(refused("no certificate in the file".into()));
        }
        self.extra_roots.extend(certificates);
        Ok(())
    }

    /// Trusts these certificates (DER).
    pub fn add_certificates(&mut self, certificates: impl IntoIterator<Item = Vec<u8>>) {
        self.extra_roots
            .extend(certificates.into_iter().map(CertificateDer::from));
    }

    /// The client configuration: public roots plus these, TLS 1.2 and 1.3, ALPN `http/1.1`.
    pub(crate) fn client_config(&self) -> Result<Arc<rustls::ClientConfig>, HostError> {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.into(),
        };
        for certificate in &self.extra_roots {
            roots
                .add(certificate.clone())
                .map_err(|e| HostError::TrustRoot(e.to_string()))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| HostError::TlsSetup(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The name the certificate must carry: the endpoint's DNS name, or its IP address (checked
/// against the certificate's IP SANs; no SNI is sent for an address).
pub fn server_name(host: &str) -> Result<ServerName<'static>, wasmtime_wasi_http::Error> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(ServerName::IpAddress(ip.into()));
    }
    ServerName::try_from(host.to_string()).map_err(|_| wasmtime_wasi_http::Error::DnsError {
        rcode: Some(format!("{host} is not a valid TLS server name")),
        info_code: None,
    })
}

/// The wasi:http error for a failed handshake with `host`: a rejected certificate is the TLS
/// alert the client sent for it, with the reason in words (the guest does not retry those);
/// anything else is a protocol error.
pub fn handshake_error(error: &io::Error, host: &str) -> wasmtime_wasi_http::Error {
    use rustls::CertificateError as C;
    let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return wasmtime_wasi_http::Error::TlsProtocolError;
    };
    let (alert, reason) = match tls {
        rustls::Error::InvalidCertificate(certificate) => match certificate {
            C::UnknownIssuer => (
                AlertDescription::UnknownCA,
                format!(
                    "unknown issuer: the certificate of {host} is not signed by a CA the host \
                     trusts (an operator adds one with --ca-file or TlsTrust::add_pem_file)"
                ),
            ),
            C::NotValidForName | C::NotValidForNameContext { .. } => (
                AlertDescription::BadCertificate,
                format!("name mismatch: the certificate is not valid for {host}"),
            ),
            C::Expired | C::ExpiredContext { .. } => (
                AlertDescription::CertificateExpired,
                format!("expired: the certificate of {host} has expired"),
            ),
            C::NotValidYet | C::NotValidYetContext { .. } => (
                AlertDescription::CertificateExpired,
                format!("not yet valid: the certificate of {host} is not valid yet"),
            ),
            C::Revoked => (
                AlertDescription::CertificateRevoked,
                format!("revoked: the certificate of {host} was revoked"),
            ),
            other => (
                AlertDescription::BadCertificate,
                format!("bad certificate from {host}: {other:?}"),
            ),
        },
        rustls::Error::AlertReceived(alert) => (*alert, format!("{host} sent the alert {alert:?}")),
        _ => return wasmtime_wasi_http::Error::TlsProtocolError,
    };
    wasmtime_wasi_http::Error::TlsAlertReceived {
        alert_id: Some(u8::from(alert)),
        alert_message: Some(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unusable_trust_file_is_a_trust_file_error_naming_it() {
        let dir = std::env::temp_dir().join(format!("ddb-tls-trust-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let missing = dir.join("missing.pem");
        for (path, reason) in [(&empty, "no certificate"), (&missing, "")] {
            let error = TlsTrust::default().add_pem_file(path).expect_err("refused");
            let HostError::TrustFile {
                path: named,
                reason: why,
            } = &error
            else {
                panic!("{error:?}");
            };
            assert_eq!(named, path);
            assert!(why.contains(reason), "{error}");
            assert!(error.to_string().starts_with(&path.display().to_string()));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
