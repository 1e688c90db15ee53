//! Scrubbing of recorded answers: request ids, account ids, authorization
//! data and dates are replaced by fixed placeholders before a recording is
//! written, so fixtures can be committed and replay the same every time.

use serde_json::Value;

/// What a scrubbed request id becomes.
pub(crate) const ZERO_REQUEST_ID: &str = "00000000-0000-0000-0000-000000000000";
/// What a scrubbed account id becomes.
const ZERO_ACCOUNT: &str = "000000000000";
/// What scrubbed authorization data becomes.
const REDACTED: &str = "REDACTED";
/// What a scrubbed ISO date becomes.
const EPOCH: &str = "1970-01-01T00:00:00Z";
/// What a scrubbed SigV4 date (`20240101T000000Z`) becomes.
const EPOCH_AMZ: &str = "19700101T000000Z";

/// Which kind of member a key names, by its letters alone (case, `-` and
/// `_` ignored).
enum Key {
    RequestId,
    Date,
    Secret,
    Other,
}

fn classify(key: &str) -> Key {
    let norm: String = key
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    match norm.as_str() {
        "requestid" | "xamznrequestid" | "amznrequestid" | "awsrequestid" => Key::RequestId,
        "date" | "created" | "createdat" | "timestamp" | "xamzdate" => Key::Date,
        "authorization" | "xamzsecuritytoken" | "securitytoken" | "sessiontoken"
        | "accesskeyid" | "secretaccesskey" | "xamzsignature" | "xamzcredential" | "signature"
        | "credential" | "apikey" | "bearertoken" => Key::Secret,
        _ => Key::Other,
    }
}

/// What a recorder scrubs besides what every recording loses: the values
/// it knows for this call (the upstream's request id, the user's own
/// access key id, secret and session token) wherever they appear.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scrubber {
    known: Vec<(String, &'static str)>,
}

/// Known values shorter than this are not replaced: they would match
/// ordinary text.
const SHORTEST_KNOWN: usize = 8;

impl Scrubber {
    /// Replaces `secret` with `REDACTED` wherever it appears.
    pub(crate) fn secret(mut self, secret: &str) -> Self {
        if secret.len() >= SHORTEST_KNOWN {
            self.known.push((secret.to_string(), REDACTED));
        }
        self
    }

    /// Replaces `id` with the zero request id wherever it appears.
    pub(crate) fn request_id(mut self, id: &str) -> Self {
        if id.len() >= SHORTEST_KNOWN {
            self.known.push((id.to_string(), ZERO_REQUEST_ID));
        }
        self
    }

    fn known(&self, s: &str) -> String {
        let mut out = s.to_string();
        for (value, with) in &self.known {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), with);
            }
        }
        out
    }

    /// Scrubs a recorded body or chunk in place: members named like
    /// request ids, dates or credentials get placeholders, and every string
    /// has its known values, ARN and bare account ids, access key ids,
    /// signatures and SigV4 dates replaced.
    pub(crate) fn value(&self, v: &mut Value) {
        walk(v, &|s| text(&self.known(s)));
    }

    /// Scrubs a member of an error answer in place: as [`value`](Self::value),
    /// and every UUID (a request id) too.
    pub(crate) fn error_member(&self, v: &mut Value) {
        walk(v, &|s| self.message(s));
    }

    /// Scrubs an error message: as [`text`], and also every UUID (request
    /// ids).
    pub(crate) fn message(&self, s: &str) -> String {
        message(&self.known(s))
    }
}

fn walk(v: &mut Value, strings: &dyn Fn(&str) -> String) {
    match v {
        Value::Object(members) => {
            for (key, member) in members.iter_mut() {
                match (classify(key), &*member) {
                    (Key::RequestId, Value::String(_)) => *member = ZERO_REQUEST_ID.into(),
                    (Key::Date, Value::Number(_)) => *member = 0.into(),
                    (Key::Date, Value::String(_)) => *member = EPOCH.into(),
                    (Key::Secret, Value::Null) => {}
                    (Key::Secret, _) => *member = REDACTED.into(),
                    _ => walk(member, strings),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk(item, strings)),
        Value::String(s) => {
            let scrubbed = strings(s);
            if scrubbed != *s {
                *s = scrubbed;
            }
        }
        _ => {}
    }
}

/// Scrubs an error message: as [`text`], and also every UUID (request ids).
pub(crate) fn message(s: &str) -> String {
    let s = text(s);
    replace_runs(&s, is_uuid_at, ZERO_REQUEST_ID)
}

/// Scrubs one string: ARN account ids, standalone 12-digit numbers
/// (account ids), access key ids, `Signature=` and `Credential=` values and
/// SigV4 dates.
pub(crate) fn text(s: &str) -> String {
    let s = arn_accounts(s);
    let s = replace_runs(&s, is_account_at, ZERO_ACCOUNT);
    let s = replace_runs(&s, is_access_key_at, REDACTED);
    let s = after_marker(&s, "Signature=");
    let s = after_marker(&s, "Credential=");
    replace_runs(&s, is_amz_date_at, EPOCH_AMZ)
}

/// `arn:partition:service:region:ACCOUNT:resource` with the account zeroed.
fn arn_accounts(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("arn:") {
        out.push_str(&rest[..at]);
        let arn = &rest[at..];
        // The account is the fifth field: after the fourth `:`.
        let colons: Vec<usize> = arn.match_indices(':').map(|(i, _)| i).take(5).collect();
        if colons.len() == 5 {
            let account = &arn[colons[3] + 1..colons[4]];
            if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
                out.push_str(&arn[..=colons[3]]);
                out.push_str(ZERO_ACCOUNT);
                rest = &arn[colons[4]..];
                continue;
            }
        }
        out.push_str("arn:");
        rest = &arn[4..];
    }
    out.push_str(rest);
    out
}

/// Replaces what follows `marker` up to a separator with `REDACTED`.
fn after_marker(s: &str, marker: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(marker) {
        let start = at + marker.len();
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find([',', ' ', '"', '&'])
            .map_or(rest.len(), |i| start + i);
        if end > start {
            out.push_str(REDACTED);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Replaces every run that `matcher` recognises at a position (it returns
/// the run's length) with `with`.
fn replace_runs(s: &str, matcher: fn(&[u8], usize) -> Option<usize>, with: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(len) = matcher(bytes, i) {
            out.push_str(&s[copied..i]);
            out.push_str(with);
            i += len;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&s[copied..]);
    out
}

fn boundary(bytes: &[u8], at: usize) -> bool {
    bytes.get(at).is_none_or(|b| !b.is_ascii_alphanumeric())
}

fn starts_run(bytes: &[u8], at: usize) -> bool {
    at == 0 || boundary(bytes, at - 1)
}

/// `AKIA...`/`ASIA...` followed by 16 upper-case letters or digits.
fn is_access_key_at(bytes: &[u8], at: usize) -> Option<usize> {
    let run = bytes.get(at..at + 20)?;
    let prefix_ok = run.starts_with(b"AKIA") || run.starts_with(b"ASIA");
    (prefix_ok
        && starts_run(bytes, at)
        && boundary(bytes, at + 20)
        && run[4..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
    .then_some(20)
}

/// `yyyymmddThhmmssZ`.
fn is_amz_date_at(bytes: &[u8], at: usize) -> Option<usize> {
    let run = bytes.get(at..at + 16)?;
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    (digits(&run[..8])
        && run[8] == b'T'
        && digits(&run[9..15])
        && run[15] == b'Z'
        && starts_run(bytes, at)
        && boundary(bytes, at + 16))
    .then_some(16)
}

/// A UUID, `8-4-4-4-12` hex digits.
fn is_uuid_at(bytes: &[u8], at: usize) -> Option<usize> {
    let run = bytes.get(at..at + 36)?;
    let ok = run.iter().enumerate().all(|(i, b)| match i {
        8 | 13 | 18 | 23 => *b == b'-',
        _ => b.is_ascii_hexdigit(),
    });
    (ok && starts_run(bytes, at) && boundary(bytes, at + 36)).then_some(36)
}

/// Exactly 12 digits standing alone.
fn is_account_at(bytes: &[u8], at: usize) -> Option<usize> {
    let run = bytes.get(at..at + 12)?;
    (run.iter().all(u8::is_ascii_digit)
        && starts_run(bytes, at)
        && bytes.get(at + 12).is_none_or(|b| !b.is_ascii_digit())
        && boundary(bytes, at + 12))
    .then_some(12)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arn_account_ids_are_zeroed() {
        assert_eq!(
            text("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.x and arn:aws:bedrock:us-east-1::foundation-model/y"),
            "arn:aws:bedrock:us-east-1:000000000000:inference-profile/us.x and arn:aws:bedrock:us-east-1::foundation-model/y"
        );
        assert_eq!(
            text("User: arn:aws:sts::123456789012:assumed-role/dev/me"),
            "User: arn:aws:sts::000000000000:assumed-role/dev/me"
        );
        assert_eq!(text("arn: not one"), "arn: not one");
    }

    #[test]
    fn credentials_and_signatures_are_redacted() {
        assert_eq!(
            text("Authorization=AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=abc123"),
            "Authorization=AWS4-HMAC-SHA256 Credential=REDACTED, SignedHeaders=host, Signature=REDACTED"
        );
        assert_eq!(text("key ASIAABCDEFGHIJKLMNOP used"), "key REDACTED used");
    }

    #[test]
    fn messages_lose_request_ids_dates_and_bare_account_ids() {
        assert_eq!(
            message("Signature expired: 20240101T000000Z is now earlier than 20240101T001000Z (request 1b2c3d4e-0000-4a4a-9f9f-abcdefabcdef, account 123456789012, 1234567890123)"),
            "Signature expired: 19700101T000000Z is now earlier than 19700101T000000Z (request 00000000-0000-0000-0000-000000000000, account 000000000000, 1234567890123)"
        );
    }

    #[test]
    fn members_are_scrubbed_by_name_and_text_is_kept() {
        let mut v = json!({
            "id": "chatcmpl-1",
            "created": 1754000000,
            "requestId": "abc",
            "nested": [{"x-amzn-RequestId": "r", "Date": "Mon, 01 Jan 2024 00:00:00 GMT", "sessionToken": "s"}],
            "text": "Hello from arn:aws:iam::123456789012:role/x, account 210987654321",
            "stop": null,
            "signature": null
        });
        Scrubber::default().value(&mut v);
        assert_eq!(
            v,
            json!({
                "id": "chatcmpl-1",
                "created": 0,
                "requestId": ZERO_REQUEST_ID,
                "nested": [{"x-amzn-RequestId": ZERO_REQUEST_ID, "Date": EPOCH, "sessionToken": "REDACTED"}],
                "text": "Hello from arn:aws:iam::000000000000:role/x, account 000000000000",
                "stop": null,
                "signature": null
            })
        );
    }

    #[test]
    fn known_values_are_replaced_wherever_they_appear() {
        let scrubber = Scrubber::default()
            .secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
            .request_id("req-7f3a9c21b")
            .secret("short");
        let mut v = json!({
            "text": "echo wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY back",
            "list": ["id req-7f3a9c21b", "short stays"]
        });
        scrubber.value(&mut v);
        assert_eq!(
            v,
            json!({"text": "echo REDACTED back", "list": [format!("id {ZERO_REQUEST_ID}"), "short stays"]})
        );
        let mut extra = json!({"detail": "request 1b2c3d4e-0000-4a4a-9f9f-abcdefabcdef failed"});
        scrubber.error_member(&mut extra);
        assert_eq!(extra["detail"], format!("request {ZERO_REQUEST_ID} failed"));
    }

    #[test]
    fn text_without_anything_to_scrub_is_unchanged() {
        let s = "Quantum physics describes how matter behaves. 42 ARN arn";
        assert_eq!(text(s), s);
        assert_eq!(message(s), s);
    }
}
