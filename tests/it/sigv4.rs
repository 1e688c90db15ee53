//! SigV4 checks of the fake against requests signed by hand with
//! `aws-sigv4`, at chosen times.

#[tokio::test]
async fn a_stale_sigv4_date_is_refused() {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState, SigV4Credentials};
    let state = FakeState::new(FakeConfig {
        sigv4: Some(SigV4Credentials {
            access_key: "AKID".into(),
            secret_key: "secret".into(),
        }),
        ..crate::support::pinned()
    })
    .unwrap();
    let body = br#"{"inputText":"Hi"}"#.to_vec();
    let path = "/model/amazon.titan-text-express-v1/invoke";
    let signed_at = |time: std::time::SystemTime| {
        let identity =
            aws_credential_types::Credentials::new("AKID", "secret", None, None, "t").into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("bedrock")
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let headers = [("host", "localhost"), ("content-type", "application/json")];
        let signable = SignableRequest::new(
            "POST",
            format!("http://localhost{path}"),
            headers.into_iter(),
            SignableBody::Bytes(&body),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut req = FakeRequest::post(path, body.clone());
        req.headers = vec![
            ("host".into(), "localhost".into()),
            ("content-type".into(), "application/json".into()),
        ];
        for (name, value) in instructions.headers() {
            req.headers
                .push((name.to_ascii_lowercase(), value.to_string()));
        }
        req
    };

    let now = state.handle(&signed_at(std::time::SystemTime::now()));
    assert_eq!(now.status, 200, "{}", String::from_utf8_lossy(&now.body));

    let stale = state.handle(&signed_at(
        std::time::SystemTime::now() - std::time::Duration::from_secs(3600),
    ));
    assert_eq!(stale.status, 403);
    assert_eq!(
        stale.header("x-amzn-ErrorType").unwrap().split(':').next(),
        Some("InvalidSignatureException")
    );
    assert!(String::from_utf8_lossy(&stale.body).contains("Signature expired"));
}
