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

/// The answer's `citationsContent` block.
fn citations_block(
    out: &aws_sdk_bedrockruntime::operation::converse::ConverseOutput,
) -> aws_sdk_bedrockruntime::types::CitationsContentBlock {
    let content = out.output().unwrap().as_message().unwrap().content();
    content
        .iter()
        .find_map(|b| b.as_citations_content().ok())
        .cloned()
        .expect("a citationsContent block")
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
    let cited = citations_block(&out);
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

#[tokio::test]
async fn a_search_result_in_a_tool_result_is_cited_with_its_source() {
    use aws_sdk_bedrockruntime::types::{
        SearchResultBlock, SearchResultContentBlock, ToolResultBlock, ToolResultContentBlock,
        ToolUseBlock,
    };
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let result = SearchResultBlock::builder()
        .source("https://example.com/refunds")
        .title("Refund policy")
        .content(
            SearchResultContentBlock::builder()
                .text("Refunds take five days. Exchanges are free.")
                .build()
                .unwrap(),
        )
        .citations(CitationsConfig::builder().enabled(true).build().unwrap())
        .build()
        .unwrap();
    let asked = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text("How long do refunds take?".into()))
        .build()
        .unwrap();
    let searched = Message::builder()
        .role(ConversationRole::Assistant)
        .content(ContentBlock::ToolUse(
            ToolUseBlock::builder()
                .tool_use_id("t1")
                .name("search")
                .input(bedrock_harness::to_document(
                    &serde_json::json!({"q": "refunds"}),
                ))
                .build()
                .unwrap(),
        ))
        .build()
        .unwrap();
    let answered = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::ToolResult(
            ToolResultBlock::builder()
                .tool_use_id("t1")
                .content(ToolResultContentBlock::SearchResult(result))
                .build()
                .unwrap(),
        ))
        .build()
        .unwrap();
    let tools = aws_sdk_bedrockruntime::types::ToolConfiguration::builder()
        .tools(aws_sdk_bedrockruntime::types::Tool::ToolSpec(
            aws_sdk_bedrockruntime::types::ToolSpecification::builder()
                .name("search")
                .input_schema(aws_sdk_bedrockruntime::types::ToolInputSchema::Json(
                    bedrock_harness::to_document(&serde_json::json!({"type": "object"})),
                ))
                .build()
                .unwrap(),
        ))
        .build()
        .unwrap();
    let out = fake
        .client()
        .converse()
        .model_id("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        .messages(asked)
        .messages(searched)
        .messages(answered)
        .tool_config(tools)
        .send()
        .await
        .unwrap();
    let cited = citations_block(&out);
    let citation = &cited.citations()[0];
    assert_eq!(citation.source(), Some("https://example.com/refunds"));
    let Some(CitationLocation::SearchResultLocation(place)) = citation.location() else {
        panic!("{citation:?}")
    };
    assert_eq!(place.search_result_index(), Some(0));
}

#[tokio::test]
async fn web_grounding_cites_a_web_page_and_other_models_refuse_it() {
    use aws_sdk_bedrockruntime::types::{SystemTool, Tool, ToolConfiguration};
    let fake = FakeBedrock::start_with(crate::support::pinned())
        .await
        .unwrap();
    let grounding = || {
        ToolConfiguration::builder()
            .tools(Tool::SystemTool(
                SystemTool::builder()
                    .name("nova_grounding")
                    .build()
                    .unwrap(),
            ))
            .build()
            .unwrap()
    };
    let ask = || {
        Message::builder()
            .role(ConversationRole::User)
            .content(ContentBlock::Text("Latest quantum computing news?".into()))
            .build()
            .unwrap()
    };
    let out = fake
        .client()
        .converse()
        .model_id("us.amazon.nova-2-lite-v1:0")
        .messages(ask())
        .tool_config(grounding())
        .send()
        .await
        .unwrap();
    let cited = citations_block(&out);
    let Some(CitationLocation::Web(page)) = cited.citations()[0].location() else {
        panic!("{cited:?}")
    };
    assert_eq!(page.domain(), Some("example.com"));
    assert_eq!(
        page.url(),
        Some("https://example.com/search?q=latest+quantum+computing+news")
    );

    let refused = fake
        .client()
        .converse()
        .model_id("us.anthropic.claude-haiku-4-5-20251001-v1:0")
        .messages(ask())
        .tool_config(grounding())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(refused.is_validation_exception(), "{refused:?}");
}
