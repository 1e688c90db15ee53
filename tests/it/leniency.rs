//! The fake is not silently lenient with itself: a body its schema lets
//! through but its family cannot read is answered with a journal note.

use crate::support::pinned;
use bedrock_harness::fake::{FakeConfig, FakeRequest, FakeState};
use bedrock_harness::FixtureStore;

#[test]
fn a_body_the_family_cannot_read_leaves_a_journal_note() {
    // Arrange: an overlay whose Titan Embeddings schema accepts any object.
    let dir = std::env::temp_dir().join(format!("bh-lenient-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("titan_embed")).unwrap();
    std::fs::write(dir.join("titan_embed/schema.json"), r#"{"type": "object"}"#).unwrap();
    let state = FakeState::new(FakeConfig {
        fixtures: FixtureStore::with_overlay(&dir).unwrap(),
        ..pinned()
    })
    .unwrap();

    // Act: a body the schema passes and the family cannot read.
    let unreadable = state.handle(&FakeRequest::post(
        "/model/amazon.titan-embed-text-v2:0/invoke",
        br#"{"inputText": 42}"#.to_vec(),
    ));
    let readable = state.handle(&FakeRequest::post(
        "/model/amazon.titan-embed-text-v2:0/invoke",
        br#"{"inputText": "Hi"}"#.to_vec(),
    ));

    // Assert
    assert_eq!(
        (unreadable.status, readable.status),
        (200, 200),
        "{}",
        String::from_utf8_lossy(&unreadable.body)
    );
    let journal = state.journal();
    let note = journal[0].note.as_deref().unwrap_or_default();
    assert!(
        note.contains("could not read this body as a titan_embed request"),
        "{note:?}"
    );
    assert_eq!(journal[1].note, None);
    assert_eq!(journal[0].body["inputText"], 42);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_malformed_recording_is_a_fixture_error_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("bh-bad-recording-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("titan_embed/responses")).unwrap();
    std::fs::write(
        dir.join("titan_embed/responses/amazon.titan-embed-text-v2_0.json"),
        r#"{"invoke": {"embedding": "not a vector"}}"#,
    )
    .unwrap();
    let err = FakeState::new(FakeConfig {
        fixtures: FixtureStore::with_overlay(&dir).unwrap(),
        ..pinned()
    })
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("fixture titan_embed/responses/amazon.titan-embed-text-v2_0.json: its invoke answer does not read back"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
