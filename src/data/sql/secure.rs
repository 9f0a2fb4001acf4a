//! Opening a connection as the URL's [`Plan`] asks: rustls with the `ring` crypto provider
//! (no OpenSSL, so the static musl release binaries still link; no aws-lc, which needs cmake),
//! libpq's fallbacks for `allow` and `prefer`, and the three certificate checks: none
//! (`require`: encrypted, the server not authenticated), the chain (`verify-ca`, or
//! `require` with a root file) and the chain and the host name (`verify-full`).

use std::sync::Arc;

use postgres::config::SslMode;
use postgres::{Client, Config, NoTls};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_cert_signed_by_trust_anchor};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::tls::{Mode, Plan, Roots, Verify};

/// Why a connection could not be opened.
pub enum Failure {
    /// Before connecting: the root certificates could not be read.
    Setup(String),
    /// The driver's or the server's error.
    Connect(postgres::Error),
}

/// Connects with `config` as `plan` asks.
pub fn open(config: &mut Config, plan: &Plan) -> Result<Client, Failure> {
    let tls = || connector(&plan.verify).map_err(Failure::Setup);
    let result = match plan.mode {
        Mode::Disable => config.ssl_mode(SslMode::Disable).connect(NoTls),
        // libpq: plain first, and TLS when the server turns the plain connection away.
        Mode::Allow => match config.ssl_mode(SslMode::Disable).connect(NoTls) {
            Err(e) if e.as_db_error().is_some() => {
                let tls = tls()?;
                config.ssl_mode(SslMode::Require).connect(tls)
            }
            other => other,
        },
        // libpq: TLS when the server offers it (the crate falls back to plain when the server
        // says no), and plain again when the handshake fails.
        Mode::Prefer => {
            let tls = tls()?;
            match config.ssl_mode(SslMode::Prefer).connect(tls) {
                Err(e) if is_tls(&e) => config.ssl_mode(SslMode::Disable).connect(NoTls),
                other => other,
            }
        }
        Mode::Require | Mode::VerifyCa | Mode::VerifyFull => {
            let tls = tls()?;
            config.ssl_mode(SslMode::Require).connect(tls)
        }
    };
    result.map_err(Failure::Connect)
}

/// Whether `e` is a failed TLS negotiation or handshake (not a refused login).
fn is_tls(e: &postgres::Error) -> bool {
    e.as_db_error().is_none() && e.to_string().starts_with("error performing TLS handshake")
}

/// For a TLS failure, what went wrong in words and how to fix it; `None` for other errors.
pub fn explain(e: &postgres::Error, host: &str) -> Option<(String, String)> {
    if !is_tls(e) {
        return None;
    }
    let text = super::connect::describe(e);
    let certificate = tls_error(e).and_then(|t| match t {
        rustls::Error::InvalidCertificate(c) => Some(c),
        _ => None,
    });
    let (why, help) = match certificate {
        Some(CertificateError::UnknownIssuer | CertificateError::BadSignature) => (
            "the server's certificate is not signed by any of the trusted root certificates",
            "name the CA certificate that signed the server's certificate with `sslrootcert=PATH` (PEM), or encrypt without checking it with `sslmode=require` (docs/sql.md, \"TLS\")".to_string(),
        ),
        Some(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }) => (
            "the server's certificate is not for the host name in the URL",
            format!("connect to {host} by a name its certificate carries, or check the chain only with `sslmode=verify-ca` (docs/sql.md, \"TLS\")"),
        ),
        Some(
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. },
        ) => (
            "the server's certificate is outside its validity dates",
            "the server needs a current certificate (or this machine's clock is wrong)".to_string(),
        ),
        Some(_) => (
            "the server's certificate was refused",
            "check the certificate the server presents and `sslrootcert` (docs/sql.md, \"TLS\")".to_string(),
        ),
        None if text.contains("server does not support TLS") => (
            "the server does not accept TLS connections",
            "the URL asks for TLS: turn on `ssl` on the server, or connect without TLS (`sslmode=prefer` or `disable`) only over a network you trust".to_string(),
        ),
        None => (
            "the TLS handshake failed",
            "check that the server speaks TLS 1.2 or 1.3 and the URL's `sslmode` (docs/sql.md, \"TLS\")".to_string(),
        ),
    };
    Some((format!("{why} ({text})"), help))
}

/// The rustls error inside a TLS failure, if it is one.
fn tls_error(e: &postgres::Error) -> Option<&rustls::Error> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(t) = s.downcast_ref::<rustls::Error>() {
            return Some(t);
        }
        if let Some(t) = s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            return Some(t);
        }
        source = s.source();
    }
    None
}

/// The rustls connector for a certificate check.
fn connector(verify: &Verify) -> Result<MakeRustlsConnect, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier: Arc<dyn ServerCertVerifier> = match verify {
        Verify::Nothing => Arc::new(Unchecked(provider.clone())),
        Verify::Chain(roots) => Arc::new(ChainOnly {
            roots: Arc::new(root_store(roots)?),
            provider: provider.clone(),
        }),
        Verify::ChainAndName(roots) => WebPkiServerVerifier::builder_with_provider(
            Arc::new(root_store(roots)?),
            provider.clone(),
        )
        .build()
        .map_err(|e| format!("the root certificates cannot be used: {e}"))?,
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS cannot be set up: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// The trusted roots: every certificate of a PEM file, or the built-in public ones.
fn root_store(roots: &Roots) -> Result<RootCertStore, String> {
    let path = match roots {
        Roots::Public => return Ok(webpki_roots::TLS_SERVER_ROOTS.iter().cloned().collect()),
        Roots::File(path) => path,
    };
    let shown = path.display();
    let mut store = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read the root certificate file `{shown}`: {e}"))?;
    for cert in certs {
        let cert =
            cert.map_err(|e| format!("the root certificate file `{shown}` is not PEM: {e}"))?;
        store
            .add(cert)
            .map_err(|e| format!("a certificate in `{shown}` cannot be a root: {e}"))?;
    }
    if store.is_empty() {
        return Err(format!(
            "the root certificate file `{shown}` holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)"
        ));
    }
    Ok(store)
}

/// `require` without root certificates: any certificate, as libpq does (the handshake's
/// signatures are still checked, so the connection is encrypted to whoever holds its key).
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

/// `verify-ca`: the chain must end at a root; the host name is not looked at.
#[derive(Debug)]
struct ChainOnly {
    roots: Arc<RootCertStore>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let cert = ParsedCertificate::try_from(end_entity)?;
        verify_server_cert_signed_by_trust_anchor(
            &cert,
            &self.roots,
            intermediates,
            now,
            self.provider.signature_verification_algorithms.all,
        )?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
