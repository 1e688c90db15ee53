//! Converse citations through the Rust SDK: a document with citations on,
//! sent to a model that cites, is quoted in a `citationsContent` block (a
//! stream sends it as `text` and `citation` deltas).

use aws_sdk_bedrockruntime::types::{
    CitationLocation, CitationsConfig, ContentBlock, ConversationRole, ConverseStreamOutput,
    DocumentBlock, DocumentFormat, DocumentSource, Message,
};
use bedrock_harness::fake::FakeBedrock;

const HAIKU: &str = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
const POLICY: &str = "Refunds take five days. Shipping is free.";

fn question(citations: bool) -> Message {
    let document = DocumentBlock::builder()
        .name("policy")
        .format(DocumentFormat::Txt)
        .source(DocumentSource::Text(POLICY.into()))
        .citations(
            CitationsConfig::builder()
                .enabled(citations)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Document(document))
        .content(ContentBlock::Text("How long do refunds take?".into()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_cited_document_is_quoted_by_character() {
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let out = fake
        .client()
        .converse()
        .model_id(HAIKU)
        .messages(question(true))
        .send()
        .await
        .unwrap();
    let content = out.output().unwrap().as_message().unwrap().content();
    let cited = content
        .iter()
        .find_map(|b| b.as_citations_content().ok())
        .expect("a citationsContent block");
    assert_eq!(
        cited.content()[0].as_text().unwrap(),
        "Refunds take five days."
    );
    let citation = &cited.citations()[0];
    assert_eq!(citation.title(), Some("policy"));
    let Some(CitationLocation::DocumentChar(place)) = citation.location() else {
        panic!("{citation:?}")
    };
    assert_eq!(
        (place.document_index(), place.start(), place.end()),
        (Some(0), Some(0), Some(23))
    );

    let plain = fake
        .client()
        .converse()
        .model_id(HAIKU)
        .messages(question(false))
        .send()
        .await
        .unwrap();
    let blocks = plain.output().unwrap().as_message().unwrap().content();
    assert!(blocks.iter().all(|b| !b.is_citations_content()));
}

#[tokio::test]
async fn a_stream_sends_the_citation_as_a_delta() {
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let mut stream = fake
        .client()
        .converse_stream()
        .model_id(HAIKU)
        .messages(question(true))
        .send()
        .await
        .unwrap()
        .stream;
    let mut titles = Vec::new();
    while let Some(event) = stream.recv().await.unwrap() {
        if let ConverseStreamOutput::ContentBlockDelta(d) = event {
            if let Some(Ok(citation)) = d.delta().map(|d| d.as_citation()) {
                titles.extend(citation.title().map(str::to_string));
            }
        }
    }
    assert_eq!(titles, ["policy"]);
}
