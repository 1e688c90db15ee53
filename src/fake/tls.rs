//! HTTPS for the fake: a server identity (certificate chain and key) made
//! at start or read from PEM files, served with rustls, HTTP/2 by ALPN and
//! HTTP/1.1.
//!
//! SDKs send Bedrock API keys only over HTTPS (boto3 refuses a bearer token
//! for an `http://` endpoint), so API-key code is tested against a TLS
//! fake whose CA the client is told to trust.

use crate::error::Error;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls;

/// The names the generated certificate is valid for.
pub const GENERATED_NAMES: [&str; 2] = ["localhost", "127.0.0.1"];

/// A server identity for HTTPS and the certificate its clients trust.
///
/// # Example
///
/// ```
/// use bedrock_harness::fake::TlsIdentity;
///
/// let identity = TlsIdentity::generate().unwrap();
/// assert!(identity.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
/// ```
#[derive(Clone)]
pub struct TlsIdentity {
    config: Arc<rustls::ServerConfig>,
    ca_pem: String,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity").finish_non_exhaustive()
    }
}

fn tls_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Transport(format!("TLS {what}: {e}"))
}

impl TlsIdentity {
    /// A certificate authority made now, and a certificate it signs for
    /// `localhost` and `127.0.0.1`. Clients trust [`ca_pem`](Self::ca_pem).
    pub fn generate() -> Result<TlsIdentity, Error> {
        let mut ca = CertificateParams::new(Vec::<String>::new())
            .map_err(|e| tls_error("CA parameters", e))?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "bedrock-harness test CA");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = KeyPair::generate().map_err(|e| tls_error("CA key", e))?;
        let ca_cert = ca
            .self_signed(&ca_key)
            .map_err(|e| tls_error("CA certificate", e))?;

        let names = GENERATED_NAMES.map(String::from).to_vec();
        let mut leaf =
            CertificateParams::new(names).map_err(|e| tls_error("server parameters", e))?;
        leaf.distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf.use_authority_key_identifier_extension = true;
        let leaf_key = KeyPair::generate().map_err(|e| tls_error("server key", e))?;
        let issuer = Issuer::new(ca, ca_key);
        let leaf_cert = leaf
            .signed_by(&leaf_key, &issuer)
            .map_err(|e| tls_error("server certificate", e))?;

        let chain = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
        let key = PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
        Ok(TlsIdentity {
            config: server_config(chain, key)?,
            ca_pem: ca_cert.pem(),
        })
    }

    /// The certificate chain in `cert` and its private key in `key`, both
    /// PEM. Clients are told to trust the certificates of `cert` (put the
    /// CA last in it, or use a self-signed certificate).
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<TlsIdentity, Error> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })
        };
        let cert_pem = read(cert)?;
        let chain = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| tls_error(&format!("certificate {}", cert.display()), e))?;
        if chain.is_empty() {
            let what = format!("certificate {}", cert.display());
            return Err(tls_error(&what, "no certificate in the file"));
        }
        let ca_pem = String::from_utf8_lossy(&cert_pem).into_owned();
        let key = PrivateKeyDer::from_pem_slice(&read(key)?)
            .map_err(|e| tls_error(&format!("key {}", key.display()), e))?;
        Ok(TlsIdentity {
            config: server_config(chain, key)?,
            ca_pem,
        })
    }

    /// The certificate clients must trust, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub(crate) fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        tokio_rustls::TlsAcceptor::from(self.config.clone())
    }
}

/// rustls's server configuration for `chain` and `key`, offering HTTP/2
/// and HTTP/1.1 by ALPN.
fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error("protocol versions", e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| tls_error("certificate and key", e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
