//! The fake's transport-free request and response, and their conversion
//! from and to wiremock's types at the edge.

use std::time::Duration;

/// One HTTP request as the fake sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakeRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path as sent, still percent-encoded.
    pub path: String,
    /// The query string as sent, without the `?` (empty when none).
    pub query: String,
    /// Headers with lowercase names, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl FakeRequest {
    /// A `POST` of `body` to `path` with a test `Authorization` header.
    ///
    /// ```
    /// use bedrock_harness::fake::FakeRequest;
    /// let req = FakeRequest::post("/model/x.y/invoke", b"{}".to_vec());
    /// assert_eq!(req.header("authorization").map(|a| a.starts_with("Bearer")), Some(true));
    /// ```
    pub fn post(path: &str, body: Vec<u8>) -> Self {
        FakeRequest {
            method: "POST".into(),
            path: path.into(),
            query: String::new(),
            headers: vec![
                ("authorization".into(), "Bearer test".into()),
                ("content-type".into(), "application/json".into()),
            ],
            body,
        }
    }

    /// A `GET` of `path_and_query` (split at `?`) with a test
    /// `Authorization` header.
    ///
    /// ```
    /// use bedrock_harness::fake::FakeRequest;
    /// let req = FakeRequest::get("/foundation-models?byProvider=Anthropic");
    /// assert_eq!((req.path.as_str(), req.query.as_str()), ("/foundation-models", "byProvider=Anthropic"));
    /// ```
    pub fn get(path_and_query: &str) -> Self {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        FakeRequest {
            method: "GET".into(),
            path: path.into(),
            query: query.into(),
            headers: vec![("authorization".into(), "Bearer test".into())],
            body: Vec::new(),
        }
    }

    /// The first header named `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The query string's parameters, decoded, in order.
    ///
    /// ```
    /// use bedrock_harness::fake::FakeRequest;
    ///
    /// let req = FakeRequest::get("/async-invoke?statusEquals=Completed&nextToken=a%2Fb");
    /// assert_eq!(req.query_pairs()[1], ("nextToken".to_string(), "a/b".to_string()));
    /// ```
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned()
        };
        self.query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(&v.replace('+', " ")))
            })
            .collect()
    }

    pub(crate) fn from_wiremock(req: &wiremock::Request) -> Self {
        FakeRequest::from_http(
            &req.method,
            req.url.path(),
            req.url.query(),
            &req.headers,
            req.body.clone(),
        )
    }

    /// The request of an `http` method, path, query, headers and body, as
    /// hyper and wiremock both hand them over.
    pub(crate) fn from_http(
        method: &hyper::Method,
        path: &str,
        query: Option<&str>,
        headers: &hyper::HeaderMap,
        body: Vec<u8>,
    ) -> Self {
        // `HeaderName::as_str` is lowercase already; a value is nearly
        // always UTF-8, so the lossy decoding is kept for the rest.
        let value = |v: &hyper::header::HeaderValue| match std::str::from_utf8(v.as_bytes()) {
            Ok(text) => text.to_owned(),
            Err(_) => String::from_utf8_lossy(v.as_bytes()).into_owned(),
        };
        FakeRequest {
            method: method.as_str().to_owned(),
            path: path.to_owned(),
            query: query.unwrap_or_default().to_owned(),
            headers: {
                let mut copied = Vec::with_capacity(headers.len());
                copied.extend(
                    headers
                        .iter()
                        .map(|(n, v)| (n.as_str().to_owned(), value(v))),
                );
                copied
            },
            body,
        }
    }
}

/// One HTTP response of the fake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakeResponse {
    /// The status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// How long to wait before answering.
    pub delay: Option<Duration>,
    /// For an event stream written over time: when each frame is sent.
    pub pacing: Option<Pacing>,
}

/// When the frames of a streamed answer are written: the first after
/// `first_byte`, each next one `interval` after the one before.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pacing {
    /// Before the first frame.
    pub first_byte: Duration,
    /// Between two frames.
    pub interval: Duration,
    /// Where each frame of the body ends, in order.
    pub frame_ends: Vec<usize>,
    /// The call's journal sequence number, for a note if the client goes
    /// away before the last frame.
    pub call: u64,
}

impl Pacing {
    /// The time from the request to the last frame.
    pub fn total(&self) -> Duration {
        let gaps = self.frame_ends.len().saturating_sub(1) as u32;
        self.first_byte + self.interval * gaps
    }
}

impl FakeResponse {
    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::json_bytes(status, serde_json::to_vec(body).unwrap_or_default())
    }

    /// A JSON response of `body`, already serialised.
    ///
    /// ```
    /// use bedrock_harness::fake::FakeResponse;
    ///
    /// let response = FakeResponse::json_bytes(200, b"{}".to_vec());
    /// assert_eq!(response.header("content-type"), Some("application/json"));
    /// assert_eq!(response.body, b"{}");
    /// ```
    pub fn json_bytes(status: u16, body: Vec<u8>) -> Self {
        // Room for the request id and the invocation metrics that nearly
        // every answer adds.
        let mut headers = Vec::with_capacity(6);
        headers.push(("content-type".into(), "application/json".into()));
        FakeResponse {
            status,
            headers,
            body,
            delay: None,
            pacing: None,
        }
    }

    /// How long the whole answer takes to arrive: the delay, then the
    /// pacing of its frames (what a transport that cannot stream waits).
    pub fn total_delay(&self) -> Option<Duration> {
        let paced = self.pacing.as_ref().map(Pacing::total);
        match (self.delay, paced) {
            (None, None) => None,
            (delay, paced) => Some(delay.unwrap_or_default() + paced.unwrap_or_default()),
        }
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub(crate) fn into_wiremock(self) -> wiremock::ResponseTemplate {
        let delay = self.total_delay();
        let mut template = wiremock::ResponseTemplate::new(self.status);
        let mut mime = String::new();
        for (name, value) in self.headers {
            if name.eq_ignore_ascii_case("content-type") {
                mime = value;
            } else {
                template = template.append_header(name.as_str(), value.as_str());
            }
        }
        // The mime given here becomes the Content-Type header.
        template = template.set_body_raw(self.body, &mime);
        if let Some(delay) = delay {
            template = template.set_delay(delay);
        }
        template
    }
}
