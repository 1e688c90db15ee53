//! Every family builds the AWS documentation's example body
//! (`fixtures/<family>/requests/documented.json`) from the portable
//! request that asks the same.

use super::family_by_name;
use super::test_support::{documented_request, model};
use crate::portable::PortableRequest;

/// The prompt of most of the documentation's examples.
const HELLO: &str = "Describe the purpose of a 'hello world' program in one line.";

/// The system prompt of Nova's example.
const NOVA_SYSTEM: &str = "Act as a creative writing assistant. \
    When the user provides you with a topic, write a short story about that topic.";

/// The prompt of Jurassic-2's example.
const JURASSIC_PROMPT: &str = "Translate to spanish: 'Amazon Bedrock is the easiest way \
    to build and scale generative AI applications with base models (FMs)'.";

/// The family, the model the example is sent to, and the portable request.
fn documented_cases() -> Vec<(&'static str, &'static str, PortableRequest)> {
    Vec::from([
        (
            "anthropic",
            "anthropic.claude-3-haiku-20240307-v1:0",
            PortableRequest::prompt("Hello world")
                .system("You are a helpful assistant.")
                .max_tokens(512)
                .temperature(0.5)
                .top_p(0.9)
                .top_k(250)
                .stop_sequence("\n\nHuman:"),
        ),
        (
            "anthropic_text",
            "anthropic.claude-v2",
            PortableRequest::prompt("explain black holes to 8th graders")
                .max_tokens(300)
                .temperature(0.1)
                .top_p(0.9),
        ),
        (
            "cohere_command",
            "cohere.command-text-v14",
            PortableRequest::prompt(HELLO)
                .max_tokens(512)
                .temperature(0.5),
        ),
        (
            "cohere_command_r",
            "cohere.command-r-v1:0",
            PortableRequest::prompt(HELLO)
                .max_tokens(512)
                .temperature(0.5),
        ),
        (
            "deepseek",
            "deepseek.r1-v1:0",
            PortableRequest::prompt(HELLO)
                .max_tokens(512)
                .temperature(0.5)
                .top_p(0.9),
        ),
        (
            "jamba",
            "ai21.jamba-1-5-large-v1:0",
            PortableRequest::prompt("which llm are you?")
                .max_tokens(100)
                .top_p(0.8)
                .temperature(0.7),
        ),
        (
            "jurassic",
            "ai21.j2-mid-v1",
            PortableRequest::prompt(JURASSIC_PROMPT)
                .max_tokens(200)
                .temperature(0.5)
                .top_p(0.5),
        ),
        (
            "llama",
            "meta.llama3-8b-instruct-v1:0",
            PortableRequest::prompt(HELLO)
                .max_tokens(512)
                .temperature(0.5)
                .top_p(0.9),
        ),
        (
            "mistral",
            "mistral.mistral-7b-instruct-v0:2",
            PortableRequest::prompt(HELLO)
                .max_tokens(512)
                .temperature(0.5),
        ),
        (
            "mistral_chat",
            "mistral.mistral-large-2407-v1:0",
            PortableRequest::prompt(HELLO)
                .system("You are a helpful assistant.")
                .max_tokens(512)
                .temperature(0.5)
                .top_p(0.9),
        ),
        (
            "nova",
            "amazon.nova-lite-v1:0",
            PortableRequest::prompt("A camping trip")
                .system(NOVA_SYSTEM)
                .max_tokens(500)
                .top_p(0.9)
                .top_k(20)
                .temperature(0.7),
        ),
        (
            "palmyra",
            "writer.palmyra-x5-v1:0",
            PortableRequest::prompt("Explain quantum computing in simple terms")
                .max_tokens(512)
                .temperature(0.5),
        ),
        (
            "stability_image",
            "stability.stable-image-core-v1:1",
            PortableRequest::prompt("Create an image of a panda"),
        ),
        (
            "openai_chat",
            "openai.gpt-oss-20b-1:0",
            PortableRequest::prompt("Hello, how are you?")
                .system("You are a helpful assistant.")
                .max_tokens(150)
                .temperature(0.7)
                .top_p(0.9),
        ),
        (
            "titan_text",
            "amazon.titan-text-express-v1",
            PortableRequest::prompt("Explain quantum physics in 2 sentences.")
                .max_tokens(512)
                .temperature(0.5),
        ),
    ])
}

#[test]
fn every_family_builds_its_documented_body() {
    for (name, model_id, req) in documented_cases() {
        let family = family_by_name(name).unwrap();
        let body = family.build(&req, model(model_id)).unwrap();
        assert_eq!(body, documented_request(name), "{name}");
    }
}
