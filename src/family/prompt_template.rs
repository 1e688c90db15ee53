//! Pieces shared by the prompt-template families (Llama, Mistral text
//! completion, DeepSeek): flattening the portable conversation into text
//! turns and reading text turns back into messages, the `[INST] ... [/INST]`
//! rendering (and parsing) that Llama 2 and Mistral share, and the `stop` /
//! `length` stop reasons they all send.

use super::refusals::{no_media, no_reasoning};
use crate::error::Error;
use crate::portable::{ContentBlock, ImageFormat, Message, PortableRequest, Role, StopReason};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// Opens an exchange of an `[INST]` dialect.
const INST_OPEN: &str = "[INST]";
/// Closes the user's part of an exchange.
const INST_CLOSE: &str = "[/INST]";
/// Sentence start and end tokens of the `[INST]` dialects.
const BOS: &str = "<s>";
const EOS: &str = "</s>";

/// One conversation turn as plain text, ready for a chat template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextTurn {
    /// Who speaks.
    pub role: Role,
    /// The turn's text; images appear as the family's image marker.
    pub text: String,
}

/// A conversation flattened for a chat template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TextConversation {
    /// The turns, oldest first.
    pub turns: Vec<TextTurn>,
    /// The images of user turns, base64, in the order their markers appear.
    pub images: Vec<String>,
}

/// Refuses tools, tool choice and tool blocks: prompt-template families
/// have no place for them.
pub(crate) fn refuse_tools(family: &'static str, req: &PortableRequest) -> Result<(), Error> {
    if !req.tools.is_empty() || req.tool_choice.is_some() || req.has_tool_blocks() {
        return Err(Error::unsupported(family, "tool use"));
    }
    Ok(())
}

/// Flattens `req.messages` into text turns.
///
/// With `image_marker`, each image of a user turn is written as the marker
/// and its bytes are collected base64-encoded; without it (or in an assistant
/// turn) an image is refused. Tool blocks are refused; call [`refuse_tools`]
/// first for the clearer message.
pub(crate) fn text_conversation(
    family: &'static str,
    req: &PortableRequest,
    image_marker: Option<&str>,
) -> Result<TextConversation, Error> {
    if req.messages.is_empty() {
        return Err(Error::unsupported(family, "a request with no messages"));
    }
    let mut out = TextConversation::default();
    for message in &req.messages {
        let mut text = String::new();
        for block in &message.content {
            match (block, image_marker, message.role) {
                (ContentBlock::Text(t), _, _) => text.push_str(t),
                (ContentBlock::Image { data, .. }, Some(marker), Role::User) => {
                    text.push_str(marker);
                    out.images
                        .push(base64::engine::general_purpose::STANDARD.encode(data));
                }
                (ContentBlock::Image { .. }, Some(_), Role::Assistant | Role::System) => {
                    return Err(Error::unsupported(
                        family,
                        "image content outside a user turn",
                    ))
                }
                (ContentBlock::Image { .. }, None, _) => {
                    return Err(Error::unsupported(family, "image content"))
                }
                (ContentBlock::ToolUse { .. } | ContentBlock::ToolResult { .. }, _, _) => {
                    return Err(Error::unsupported(family, "tool use"))
                }
                (ContentBlock::Reasoning(_), _, _) => return Err(no_reasoning(family)),
                (ContentBlock::Media(media), _, _) => return Err(no_media(family, media)),
            }
        }
        out.turns.push(TextTurn {
            role: message.role,
            text,
        });
    }
    Ok(out)
}

/// How one `[INST]` dialect joins its exchanges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InstStyle {
    /// Written between `[/INST]` and the assistant's answer.
    pub answer_prefix: &'static str,
    /// Written after an answer that is followed by another exchange.
    pub answer_suffix: &'static str,
    /// Whether every exchange opens with `<s>` (Llama 2) or only the first
    /// (Mistral).
    pub bos_each_exchange: bool,
}

/// Llama 2 chat: `<s>[INST] q [/INST] a </s><s>[INST] q2 [/INST]`.
pub(crate) const LLAMA2_INST: InstStyle = InstStyle {
    answer_prefix: " ",
    answer_suffix: " </s>",
    bos_each_exchange: true,
};

/// Mistral instruct: `<s>[INST] q [/INST]a</s>[INST] q2 [/INST]`.
pub(crate) const MISTRAL_INST: InstStyle = InstStyle {
    answer_prefix: "",
    answer_suffix: "</s>",
    bos_each_exchange: false,
};

/// Renders alternating user/assistant turns in an `[INST]` dialect. Fold any
/// system prompt into the first user turn before calling. A conversation
/// that ends with an assistant turn leaves it open for the model to continue.
pub(crate) fn render_inst(
    family: &'static str,
    turns: &[TextTurn],
    style: InstStyle,
) -> Result<String, Error> {
    // One allocation of about the right size: the turns' text plus the
    // markers around each.
    let text_len: usize = turns.iter().map(|t| t.text.len()).sum();
    let mut prompt = String::with_capacity(text_len + 32 * (turns.len() + 1));
    for (i, pair) in turns.chunks(2).enumerate() {
        let (Some(user), answer) = (pair.first(), pair.get(1)) else {
            continue;
        };
        if user.role != Role::User || answer.is_some_and(|a| a.role != Role::Assistant) {
            return Err(Error::unsupported(
                family,
                "turns that do not alternate user/assistant starting with the user",
            ));
        }
        if i == 0 || style.bos_each_exchange {
            prompt.push_str("<s>");
        }
        prompt.push_str("[INST] ");
        prompt.push_str(&user.text);
        prompt.push_str(" [/INST]");
        if let Some(answer) = answer {
            prompt.push_str(style.answer_prefix);
            prompt.push_str(&answer.text);
            if (i + 1) * 2 < turns.len() {
                prompt.push_str(style.answer_suffix);
            }
        }
    }
    Ok(prompt)
}

/// Reads a prompt in an `[INST]` dialect back into turns: the inverse of
/// [`render_inst`]. `None` when the prompt has no `[INST]` (it is then one
/// user turn, as the caller decides).
///
/// Every exchange gives a user turn; its answer gives an assistant turn,
/// except the last exchange's when it is empty (the prompt asks for the
/// answer). One space is taken from each side of the user's text and the
/// dialect's joining around answers; text before the first `[INST]` other
/// than `<s>` is kept at the start of the first user turn. A final
/// assistant turn of empty text cannot be told from the request for an
/// answer and is lost.
pub(crate) fn parse_inst(prompt: &str, style: InstStyle) -> Option<Vec<TextTurn>> {
    let mut exchanges = prompt.split(INST_OPEN);
    let head = exchanges.next().unwrap_or_default();
    let exchanges: Vec<&str> = exchanges.collect();
    if exchanges.is_empty() {
        return None;
    }
    let head = head.strip_prefix(BOS).unwrap_or(head);
    let head = if head.trim().is_empty() { "" } else { head };
    let mut turns = Vec::new();
    for (i, exchange) in exchanges.iter().enumerate() {
        let last = i + 1 == exchanges.len();
        let (user, answer) = match exchange.find(INST_CLOSE) {
            Some(at) => (&exchange[..at], Some(&exchange[at + INST_CLOSE.len()..])),
            None => (*exchange, None),
        };
        let user = user.strip_prefix(' ').unwrap_or(user);
        let user = user.strip_suffix(' ').unwrap_or(user);
        let text = if i == 0 {
            format!("{head}{user}")
        } else {
            user.to_string()
        };
        turns.push(TextTurn {
            role: Role::User,
            text,
        });
        let Some(mut answer) = answer else { continue };
        if !last {
            answer = answer.strip_suffix(BOS).unwrap_or(answer);
        }
        answer = answer
            .strip_suffix(style.answer_suffix)
            .or_else(|| answer.strip_suffix(EOS))
            .unwrap_or(answer);
        answer = answer.strip_prefix(style.answer_prefix).unwrap_or(answer);
        if !last || !answer.is_empty() {
            turns.push(TextTurn {
                role: Role::Assistant,
                text: answer.to_string(),
            });
        }
    }
    Some(turns)
}

/// Turns read from a template back into portable messages.
///
/// With `image_marker` and `images`, each marker in a user turn takes the
/// next image (base64, its format told from its first bytes); images left
/// over (more images than markers) open the first user turn, markers left
/// over stay text. Without images, markers are text.
pub(crate) fn messages_from_turns(
    family: &'static str,
    turns: Vec<TextTurn>,
    image_marker: Option<&str>,
    images: &[String],
) -> Result<Vec<Message>, Error> {
    let mut pending = images.iter();
    let mut out = Vec::with_capacity(turns.len());
    for turn in turns {
        let content = match image_marker {
            Some(marker) if turn.role == Role::User && pending.len() > 0 => {
                let mut blocks = Vec::new();
                for (i, piece) in turn.text.split(marker).enumerate() {
                    if i > 0 {
                        match pending.next() {
                            Some(image) => blocks.push(image_block(family, image)?),
                            None => push_text(&mut blocks, marker),
                        }
                    }
                    if !piece.is_empty() {
                        push_text(&mut blocks, piece);
                    }
                }
                if blocks.is_empty() {
                    blocks.push(ContentBlock::Text(String::new()));
                }
                blocks
            }
            _ => vec![ContentBlock::Text(turn.text)],
        };
        out.push(Message {
            role: turn.role,
            content,
        });
    }
    let leftover = pending
        .map(|image| image_block(family, image))
        .collect::<Result<Vec<_>, _>>()?;
    if !leftover.is_empty() {
        match out.iter_mut().find(|m| m.role == Role::User) {
            Some(first) => {
                first.content.splice(0..0, leftover);
            }
            None => out.insert(0, Message::new(Role::User, leftover)),
        }
    }
    Ok(out)
}

fn push_text(blocks: &mut Vec<ContentBlock>, text: &str) {
    if let Some(ContentBlock::Text(last)) = blocks.last_mut() {
        last.push_str(text);
    } else {
        blocks.push(ContentBlock::Text(text.to_string()));
    }
}

/// A base64 image of a request body as an image block.
pub(crate) fn image_block(family: &'static str, image: &str) -> Result<ContentBlock, Error> {
    let data = base64::engine::general_purpose::STANDARD
        .decode(image)
        .map_err(|e| Error::parse(family, "request", format!("image is not base64: {e}")))?;
    Ok(ContentBlock::image(
        ImageFormat::sniff(&data).unwrap_or(ImageFormat::Png),
        data,
    ))
}

/// Maps the `stop` / `length` stop reasons of Llama, Mistral and DeepSeek.
pub(crate) fn stop_or_length(reason: &str) -> StopReason {
    match reason {
        "stop" => StopReason::EndTurn,
        "length" => StopReason::MaxTokens,
        other => StopReason::Other(other.to_string()),
    }
}

/// The `stop` / `length` name of a portable stop reason. These families
/// name nothing else: a stop sequence, a tool call or filtering is sent as
/// `stop`, and an unnormalised reason as it came.
pub(crate) fn stop_or_length_name(reason: Option<&StopReason>) -> &str {
    match reason {
        Some(StopReason::MaxTokens) => "length",
        Some(StopReason::Other(other)) => other,
        _ => "stop",
    }
}

/// The text-completion request body of Mistral's `[INST]` models (Mistral
/// 7B, Mixtral, Large/Small 24.02), which Mistral Large 2 (24.07) also
/// takes.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MistralRequest {
    /// The conversation in the `<s>[INST] ... [/INST]` format.
    pub prompt: String,
    /// The most tokens to generate; at most 8,192 (Mixtral 4,096).
    pub max_tokens: Option<u32>,
    /// Up to 10 stop sequences.
    pub stop: Option<Vec<String>>,
    /// 0–1.
    pub temperature: Option<f32>,
    /// 0–1.
    pub top_p: Option<f32>,
    /// 1–200.
    pub top_k: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portable::Message;

    fn turns(texts: &[(Role, &str)]) -> Vec<TextTurn> {
        texts
            .iter()
            .map(|(role, text)| TextTurn {
                role: *role,
                text: text.to_string(),
            })
            .collect()
    }

    #[test]
    fn the_two_inst_dialects_differ_only_in_joining() {
        let t = turns(&[
            (Role::User, "Hi"),
            (Role::Assistant, "Hello."),
            (Role::User, "Joke?"),
        ]);
        assert_eq!(
            render_inst("x", &t, LLAMA2_INST).unwrap(),
            "<s>[INST] Hi [/INST] Hello. </s><s>[INST] Joke? [/INST]"
        );
        assert_eq!(
            render_inst("x", &t, MISTRAL_INST).unwrap(),
            "<s>[INST] Hi [/INST]Hello.</s>[INST] Joke? [/INST]"
        );
    }

    #[test]
    fn a_final_assistant_turn_is_left_open() {
        let t = turns(&[(Role::User, "Hi"), (Role::Assistant, "Well")]);
        assert_eq!(
            render_inst("x", &t, MISTRAL_INST).unwrap(),
            "<s>[INST] Hi [/INST]Well"
        );
    }

    #[test]
    fn non_alternating_turns_are_refused() {
        let t = turns(&[(Role::User, "a"), (Role::User, "b")]);
        let err = render_inst("mistral", &t, MISTRAL_INST).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("mistral: turns that do not alternate"));
    }

    #[test]
    fn images_become_markers_only_where_allowed() {
        let req = PortableRequest::default().message(Message {
            role: Role::User,
            content: vec![
                ContentBlock::image(crate::portable::ImageFormat::Png, vec![1, 2, 3]),
                ContentBlock::Text("What is this?".into()),
            ],
        });
        let conv = text_conversation("x", &req, Some("<|image|>")).unwrap();
        assert_eq!(conv.turns[0].text, "<|image|>What is this?");
        assert_eq!(conv.images, vec!["AQID".to_string()]);
        let err = text_conversation("llama", &req, None).unwrap_err();
        assert!(err.to_string().starts_with("llama: image content"));
    }

    #[test]
    fn parse_inst_inverts_render_inst() {
        for t in [
            turns(&[(Role::User, "Hi")]),
            turns(&[
                (Role::User, "Hi"),
                (Role::Assistant, "Hello."),
                (Role::User, " Joke? "),
            ]),
            turns(&[(Role::User, "Hi"), (Role::Assistant, "Well")]),
            turns(&[
                (Role::User, "a\n\nb"),
                (Role::Assistant, ""),
                (Role::User, ""),
            ]),
        ] {
            for style in [LLAMA2_INST, MISTRAL_INST] {
                let prompt = render_inst("x", &t, style).unwrap();
                assert_eq!(parse_inst(&prompt, style), Some(t.clone()), "{prompt:?}");
            }
        }
    }

    #[test]
    fn parse_inst_reads_loose_prompts() {
        assert_eq!(parse_inst("no markers at all", MISTRAL_INST), None);
        assert_eq!(
            parse_inst("[INST]Hi[/INST]", MISTRAL_INST),
            Some(turns(&[(Role::User, "Hi")]))
        );
        assert_eq!(
            parse_inst("Be kind. [INST] Hi [/INST] Yes.</s>", LLAMA2_INST),
            Some(turns(&[
                (Role::User, "Be kind. Hi"),
                (Role::Assistant, "Yes.")
            ]))
        );
    }

    #[test]
    fn images_come_back_from_markers_with_their_format() {
        let b64 = |data: &[u8]| base64::engine::general_purpose::STANDARD.encode(data);
        let png = b"\x89PNG\r\n\x1a\n".to_vec();
        let gif = b"GIF89a".to_vec();
        let webp = b"RIFF\0\0\0\0WEBPVP8 ".to_vec();
        let t = turns(&[
            (Role::User, "<|image|>one<|image|>"),
            (Role::Assistant, "<|image|>"),
            (Role::User, "<|image|>"),
        ]);
        let messages = messages_from_turns(
            "x",
            t,
            Some("<|image|>"),
            &[b64(&png), b64(&gif), b64(&webp)],
        )
        .unwrap();
        let image = |format, data: &Vec<u8>| ContentBlock::image(format, data.clone());
        assert_eq!(
            messages[0].content,
            vec![
                image(ImageFormat::Png, &png),
                ContentBlock::Text("one".into()),
                image(ImageFormat::Gif, &gif),
            ]
        );
        assert_eq!(messages[1], Message::assistant("<|image|>"));
        assert_eq!(messages[2].content, vec![image(ImageFormat::Webp, &webp)]);
        let err = messages_from_turns(
            "x",
            turns(&[(Role::User, "<|image|>")]),
            Some("<|image|>"),
            &["%%".into()],
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("x: cannot parse request"),
            "{err}"
        );
    }

    #[test]
    fn stop_and_length_are_normalised() {
        assert_eq!(stop_or_length("stop"), StopReason::EndTurn);
        assert_eq!(stop_or_length("length"), StopReason::MaxTokens);
        assert_eq!(
            stop_or_length("other"),
            StopReason::Other("other".to_string())
        );
        for reason in [
            StopReason::EndTurn,
            StopReason::MaxTokens,
            StopReason::Other("x".into()),
        ] {
            assert_eq!(stop_or_length(stop_or_length_name(Some(&reason))), reason);
        }
        assert_eq!(stop_or_length_name(Some(&StopReason::StopSequence)), "stop");
        assert_eq!(stop_or_length_name(None), "stop");
    }
}
