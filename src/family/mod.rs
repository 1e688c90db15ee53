//! Model families: the registry of every family, and the [`ModelFamily`]
//! trait they implement (in `model_family.rs`).
//!
//! A family is the unit of knowledge: its model ids (in
//! `fixtures/<name>/models.json`), its typed request, response and chunk
//! shapes, and the translations between them and the portable forms.

mod anthropic;
mod anthropic_text;
pub mod chat_completions;
mod cohere_command;
mod cohere_command_r;
mod cohere_embed;
mod cohere_finish;
mod deepseek;
mod embeddings;
mod ids;
mod images;
mod jamba;
mod jurassic;
mod llama;
mod mistral;
mod mistral_chat;
mod nova;
mod nova_embed;
mod openai_chat;
mod palmyra;
pub mod prompt_completion;
mod prompt_template;
mod refusals;
mod rerank;
mod stability_envelope;
mod stability_image;
mod stability_sdxl;
pub mod stability_services;
mod titan_embed;
mod titan_image;
mod titan_multimodal_embed;
mod titan_text;
pub mod twelvelabs;

pub use anthropic::AnthropicMessages;
pub use anthropic_text::AnthropicText;
pub use cohere_command::CohereCommand;
pub use cohere_command_r::CohereCommandR;
pub use cohere_embed::CohereEmbed;
pub use deepseek::DeepSeek;
pub use jamba::Jamba;
pub use jurassic::Jurassic;
pub use llama::Llama;
pub use mistral::Mistral;
pub use mistral_chat::MistralChat;
pub use nova::Nova;
pub use nova_embed::NovaEmbed;
pub use openai_chat::OpenAiChat;
pub use palmyra::Palmyra;
pub use rerank::Rerank;
pub use stability_image::StabilityImage;
pub use stability_sdxl::StabilitySdxl;
pub use stability_services::StabilityServices;
pub use titan_embed::TitanEmbed;
pub use titan_image::TitanImage;
pub use titan_multimodal_embed::TitanMultimodalEmbed;
pub use titan_text::TitanText;
pub use twelvelabs::{Marengo, Pegasus};

#[cfg(test)]
mod documented_tests;
#[cfg(test)]
pub(crate) mod test_support;

pub(crate) mod codec;
mod model_family;

pub use codec::{Codec, NoStream};
pub use model_family::{
    text_chunks, text_pieces, ModelFamily, PiecePosition, RenderContext, MAX_PIECE_BYTES,
};

/// Every family this harness knows, in catalog order.
pub fn families() -> &'static [&'static dyn ModelFamily] {
    static FAMILIES: &[&dyn ModelFamily] = &[
        &AnthropicMessages,
        &AnthropicText,
        &CohereCommand,
        &CohereCommandR,
        &CohereEmbed,
        &prompt_completion::PromptCompletion(DeepSeek),
        &Jamba,
        &Jurassic,
        &Llama,
        &prompt_completion::PromptCompletion(Mistral),
        &MistralChat,
        &Nova,
        &NovaEmbed,
        &OpenAiChat,
        &Palmyra,
        &Rerank,
        &StabilityImage,
        &StabilitySdxl,
        &StabilityServices,
        &TitanEmbed,
        &TitanImage,
        &TitanMultimodalEmbed,
        &TitanText,
        &Marengo,
        &Pegasus,
    ];
    FAMILIES
}

/// The family named `name` (its `fixtures/` folder name).
///
/// ```
/// use bedrock_harness::family_by_name;
/// assert_eq!(family_by_name("titan_text").unwrap().title(), "Amazon Titan Text");
/// assert!(family_by_name("nope").is_none());
/// ```
pub fn family_by_name(name: &str) -> Option<&'static dyn ModelFamily> {
    families().iter().copied().find(|f| f.name() == name)
}
