//! Random tokens from the system's source: control tokens and recorders'
//! marks, which must not be guessable or shared by two processes.

use crate::error::Error;

/// `bytes` random bytes as lowercase hex digits.
///
/// ```
/// let token = bedrock_harness::fake::random_token(16).unwrap();
/// assert_eq!(token.len(), 32);
/// assert_ne!(token, bedrock_harness::fake::random_token(16).unwrap());
/// ```
pub fn random_token(bytes: usize) -> Result<String, Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Io {
        path: "the system's random source".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}
