//! A Nova Sonic speech-to-speech session (InvokeModelWithBidirectionalStream):
//! the input events checked in the order the model documents them, and a
//! deterministic answer for each user turn.
//!
//! Events travel as `{"event": {"<name>": {...}}}`. In:
//! `sessionStart`, `promptStart` (its `audioOutputConfiguration` names the
//! voice and sample rate), then per content `contentStart` (`type` TEXT,
//! AUDIO or TOOL; `role`), `textInput`/`audioInput`/`toolResult`,
//! `contentEnd`; then `promptEnd`, `sessionEnd`. Out, for each user turn
//! that ends: `completionStart` (once per prompt), the assistant's text
//! (`SPECULATIVE`), its speech (`audioOutput`, 16-bit mono PCM at the
//! prompt's rate) and its text again (`FINAL`, ending `END_TURN`), then a
//! `usageEvent`; `completionEnd` when the prompt ends. Shapes from the AWS
//! Nova user guide ("Input events", "Output events") and AWS's
//! amazon-nova-samples (`nova_sonic_simple.py`), and a public capture of
//! Bedrock's output (kyopark2014/voice-to-voice `output_stream.md`).
//!
//! Refusals, as public code quotes Bedrock's (`validationException`
//! events): `Invalid input request` for a malformed or out-of-order event
//! (livekit/agents #6200); `Received invalid id: 'X'. Please check AWS
//! documentation for valid voiceIds.`; `Duplicate SYSTEM content. SYSTEM
//! content can only be provided once per prompt.` and `All contents must
//! be closed before ending prompt` (both as `RequestId=... : Error(s):
//! Error 1 : ...`).
//!
//! What the fake makes up, deterministically: the answer's words (a text
//! rule's, or `You said: ...` for text and `I heard N.N seconds of audio.`
//! for speech: the fake transcribes nothing, so no user transcript is
//! sent), its speech (a quiet 220 Hz tone, 60 ms per character), and the
//! token counts (a speech token per 40 ms of audio, inferred).

use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The voices Nova 2 Sonic speaks with (third-party lists of the AWS
/// table: NeuralgoLyzr/backend-livekit `novaSonicVoices.ts`; LiveKit's
/// docs count 16).
pub const VOICES: [&str; 16] = [
    "tiffany", "matthew", "amy", "olivia", "kiara", "arjun", "ambre", "florian", "beatrice",
    "lorenzo", "tina", "lennart", "lupe", "carlos", "carolina", "leo",
];

/// The output sample rates a prompt may ask for.
pub const SAMPLE_RATES: [u64; 3] = [8000, 16000, 24000];

/// Bedrock's refusal of a malformed or out-of-order event.
pub const INVALID_INPUT: &str = "Invalid input request";

/// An error event that ends the stream: its `:exception-type` and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SonicError {
    /// `validationException`, ...
    pub exception: &'static str,
    /// The message.
    pub message: String,
}

impl SonicError {
    fn invalid() -> Self {
        Self::validation(INVALID_INPUT.to_string())
    }

    fn validation(message: String) -> Self {
        SonicError {
            exception: "validationException",
            message,
        }
    }
}

/// One content of the prompt, open or closed.
#[derive(Debug, Clone)]
struct Content {
    kind: String,
    role: String,
    text: String,
    audio_bytes: usize,
    audio_rate: u64,
    open: bool,
}

/// The prompt under way.
#[derive(Debug, Clone)]
struct Prompt {
    name: String,
    completion_id: String,
    completion_started: bool,
    sample_rate: u64,
    contents: BTreeMap<String, Content>,
    system_seen: bool,
}

/// Token counts: input and output, speech and text.
#[derive(Debug, Clone, Copy, Default)]
struct Tokens {
    input_speech: u64,
    input_text: u64,
    output_speech: u64,
    output_text: u64,
}

/// A session, from `sessionStart` to `sessionEnd`.
#[derive(Debug, Clone)]
pub struct SonicSession {
    session_id: String,
    request_id: String,
    seed: u64,
    started: bool,
    ended: bool,
    prompt: Option<Prompt>,
    totals: Tokens,
    ids: u64,
    /// The text rules script for the next answers, in order.
    scripted: Vec<String>,
}

impl SonicSession {
    /// A session whose ids derive from `seed`, answering with `scripted`
    /// texts first.
    pub fn new(seed: u64, request_id: &str, scripted: Vec<String>) -> Self {
        SonicSession {
            session_id: super::ids::request_id(seed),
            request_id: request_id.to_string(),
            seed,
            started: false,
            ended: false,
            prompt: None,
            totals: Tokens::default(),
            ids: 0,
            scripted,
        }
    }

    /// Whether `sessionEnd` has come.
    pub fn ended(&self) -> bool {
        self.ended
    }

    fn next_id(&mut self) -> String {
        self.ids += 1;
        super::ids::request_id(super::ids::stable_hash(&[
            &self.seed.to_be_bytes(),
            &self.ids.to_be_bytes(),
        ]))
    }

    fn errors(&self, what: &str) -> SonicError {
        SonicError::validation(format!(
            "RequestId={} : Error(s):\nError 1 : {what}",
            self.request_id
        ))
    }

    /// Takes one input event (its JSON) and returns the output events it
    /// brings, or the error that ends the stream.
    pub fn on_event(&mut self, raw: &[u8]) -> Result<Vec<Value>, SonicError> {
        let event: Value = serde_json::from_slice(raw).map_err(|_| SonicError::invalid())?;
        let (name, body) = event
            .get("event")
            .and_then(Value::as_object)
            .filter(|o| o.len() == 1)
            .and_then(|o| o.iter().next())
            .ok_or_else(SonicError::invalid)?;
        if self.ended || (!self.started && name != "sessionStart") {
            return Err(SonicError::invalid());
        }
        let text = |key: &str| body.get(key).and_then(Value::as_str);
        match name.as_str() {
            "sessionStart" if !self.started => {
                self.started = true;
                Ok(Vec::new())
            }
            "promptStart" if self.prompt.is_none() => {
                let name = text("promptName").ok_or_else(SonicError::invalid)?;
                let audio = body.get("audioOutputConfiguration");
                let voice = audio.and_then(|a| a.get("voiceId")).and_then(Value::as_str);
                if let Some(voice) = voice.filter(|v| !VOICES.contains(v)) {
                    return Err(SonicError::validation(format!(
                        "RequestId={} : Received invalid id: '{voice}'. Please check AWS documentation for valid voiceIds.",
                        self.request_id
                    )));
                }
                let sample_rate = audio
                    .and_then(|a| a.get("sampleRateHertz"))
                    .and_then(Value::as_u64)
                    .unwrap_or(24000);
                if !SAMPLE_RATES.contains(&sample_rate) {
                    return Err(SonicError::invalid());
                }
                let completion_id = self.next_id();
                self.prompt = Some(Prompt {
                    name: name.to_string(),
                    completion_id,
                    completion_started: false,
                    sample_rate,
                    contents: BTreeMap::new(),
                    system_seen: false,
                });
                Ok(Vec::new())
            }
            "contentStart" => self.content_start(body),
            "textInput" | "audioInput" | "toolResult" => self.content_input(name, body),
            "contentEnd" => self.content_end(body),
            "promptEnd" => self.prompt_end(body),
            "sessionEnd" if self.prompt.is_none() => {
                self.ended = true;
                Ok(Vec::new())
            }
            _ => Err(SonicError::invalid()),
        }
    }

    fn prompt_named(&mut self, body: &Value) -> Result<&mut Prompt, SonicError> {
        let name = body.get("promptName").and_then(Value::as_str);
        match (&mut self.prompt, name) {
            (Some(prompt), Some(name)) if prompt.name == name => Ok(prompt),
            _ => Err(SonicError::invalid()),
        }
    }

    fn content_start(&mut self, body: &Value) -> Result<Vec<Value>, SonicError> {
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_string);
        let (Some(name), Some(kind), Some(role)) =
            (text("contentName"), text("type"), text("role"))
        else {
            return Err(SonicError::invalid());
        };
        if !["TEXT", "AUDIO", "TOOL"].contains(&kind.as_str()) {
            return Err(SonicError::invalid());
        }
        let duplicate_system = self.errors(
            "Duplicate SYSTEM content. SYSTEM content can only be provided once per prompt.",
        );
        let prompt = self.prompt_named(body)?;
        if prompt.contents.contains_key(&name) {
            return Err(SonicError::invalid());
        }
        if role == "SYSTEM" {
            if prompt.system_seen {
                return Err(duplicate_system);
            }
            prompt.system_seen = true;
        }
        let audio_rate = body
            .pointer("/audioInputConfiguration/sampleRateHertz")
            .and_then(Value::as_u64)
            .unwrap_or(16000);
        prompt.contents.insert(
            name,
            Content {
                kind,
                role,
                text: String::new(),
                audio_bytes: 0,
                audio_rate,
                open: true,
            },
        );
        Ok(Vec::new())
    }

    fn content_input(&mut self, event: &str, body: &Value) -> Result<Vec<Value>, SonicError> {
        let name = body.get("contentName").and_then(Value::as_str);
        let input = body.get("content").and_then(Value::as_str).unwrap_or("");
        let prompt = self.prompt_named(body)?;
        let content = name
            .and_then(|n| prompt.contents.get_mut(n))
            .filter(|c| c.open)
            .ok_or_else(SonicError::invalid)?;
        match (event, content.kind.as_str()) {
            ("textInput", "TEXT") | ("toolResult", "TOOL") => content.text.push_str(input),
            ("audioInput", "AUDIO") => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(input)
                    .map_err(|_| SonicError::invalid())?;
                content.audio_bytes += bytes.len();
            }
            _ => return Err(SonicError::invalid()),
        }
        Ok(Vec::new())
    }

    fn content_end(&mut self, body: &Value) -> Result<Vec<Value>, SonicError> {
        let name = body.get("contentName").and_then(Value::as_str);
        let prompt = self.prompt_named(body)?;
        let content = name
            .and_then(|n| prompt.contents.get_mut(n))
            .filter(|c| c.open)
            .ok_or_else(SonicError::invalid)?;
        content.open = false;
        let content = content.clone();
        let mut spent = Tokens::default();
        let said = match content.kind.as_str() {
            "AUDIO" => {
                // 16-bit mono: two bytes a sample.
                let seconds = content.audio_bytes as f64 / 2.0 / content.audio_rate as f64;
                spent.input_speech = (seconds * 25.0).ceil() as u64;
                format!("I heard {seconds:.1} seconds of audio.")
            }
            _ => {
                spent.input_text = u64::from(super::synth::count_tokens(&content.text));
                format!("You said: {}", content.text.trim())
            }
        };
        if content.role != "USER" && content.role != "TOOL" {
            self.totals.input_text += spent.input_text;
            return Ok(Vec::new());
        }
        let answer = match self.scripted.is_empty() {
            true => said,
            false => self.scripted.remove(0),
        };
        Ok(self.answer(&answer, spent))
    }

    fn prompt_end(&mut self, body: &Value) -> Result<Vec<Value>, SonicError> {
        let still_open = self.errors("All contents must be closed before ending prompt");
        let prompt = self.prompt_named(body)?;
        if prompt.contents.values().any(|c| c.open) {
            return Err(still_open);
        }
        let prompt = self.prompt.take().expect("the prompt was found above");
        let mut out = Vec::new();
        if prompt.completion_started {
            out.push(json!({"event": {"completionEnd": {
                "sessionId": self.session_id,
                "promptName": prompt.name,
                "completionId": prompt.completion_id,
                "stopReason": "END_TURN"
            }}}));
        }
        Ok(out)
    }

    /// The events of one assistant turn saying `text`.
    fn answer(&mut self, text: &str, mut spent: Tokens) -> Vec<Value> {
        let (text_id, audio_id, final_id) = (self.next_id(), self.next_id(), self.next_id());
        let Some(prompt) = self.prompt.as_mut() else {
            return Vec::new();
        };
        let ids = json!({
            "sessionId": self.session_id,
            "promptName": prompt.name,
            "completionId": prompt.completion_id
        });
        let with_ids = |extra: Value| {
            let mut event = ids.clone();
            if let (Some(event), Value::Object(extra)) = (event.as_object_mut(), extra) {
                event.extend(extra);
            }
            event
        };
        let mut out = Vec::new();
        if !prompt.completion_started {
            prompt.completion_started = true;
            out.push(json!({"event": {"completionStart": ids.clone()}}));
        }
        let stage = |s: &str| format!("{{\"generationStage\":\"{s}\"}}");
        for (id, stage_name, stop) in [
            (&text_id, "SPECULATIVE", "PARTIAL_TURN"),
            (&final_id, "FINAL", "END_TURN"),
        ] {
            out.push(json!({"event": {"contentStart": with_ids(json!({
                "contentId": id, "type": "TEXT", "role": "ASSISTANT",
                "additionalModelFields": stage(stage_name),
                "textOutputConfiguration": {"mediaType": "text/plain"}
            }))}}));
            out.push(json!({"event": {"textOutput": with_ids(json!({
                "contentId": id, "content": text, "role": "ASSISTANT"
            }))}}));
            out.push(json!({"event": {"contentEnd": with_ids(json!({
                "contentId": id, "stopReason": stop, "type": "TEXT"
            }))}}));
            if stage_name == "SPECULATIVE" {
                let rate = prompt.sample_rate;
                out.push(json!({"event": {"contentStart": with_ids(json!({
                    "contentId": audio_id, "type": "AUDIO", "role": "ASSISTANT",
                    "audioOutputConfiguration": {"mediaType": "audio/lpcm", "sampleRateHertz": rate,
                        "sampleSizeBits": 16, "channelCount": 1, "encoding": "base64", "audioType": "SPEECH"}
                }))}}));
                let seconds = speech_seconds(text);
                for piece in speech(rate, seconds).chunks(rate as usize) {
                    out.push(json!({"event": {"audioOutput": with_ids(json!({
                        "contentId": audio_id, "role": "ASSISTANT",
                        "content": base64::engine::general_purpose::STANDARD.encode(piece)
                    }))}}));
                }
                out.push(json!({"event": {"contentEnd": with_ids(json!({
                    "contentId": audio_id, "stopReason": "PARTIAL_TURN", "type": "AUDIO"
                }))}}));
                spent.output_speech = (seconds * 25.0).ceil() as u64;
            }
        }
        spent.output_text = u64::from(super::synth::count_tokens(text));
        let totals = &mut self.totals;
        totals.input_speech += spent.input_speech;
        totals.input_text += spent.input_text;
        totals.output_speech += spent.output_speech;
        totals.output_text += spent.output_text;
        let (input, output) = (
            totals.input_speech + totals.input_text,
            totals.output_speech + totals.output_text,
        );
        let counts = |t: &Tokens| {
            json!({
                "input": {"speechTokens": t.input_speech, "textTokens": t.input_text},
                "output": {"speechTokens": t.output_speech, "textTokens": t.output_text}
            })
        };
        out.push(json!({"event": {"usageEvent": with_ids(json!({
            "details": {"delta": counts(&spent), "total": counts(totals)},
            "totalInputTokens": input,
            "totalOutputTokens": output,
            "totalTokens": input + output
        }))}}));
        out
    }
}

/// How long the fake speaks `text`: 60 ms a character, from half a second
/// to thirty.
fn speech_seconds(text: &str) -> f64 {
    (text.chars().count() as f64 * 0.06).clamp(0.5, 30.0)
}

/// `seconds` of a quiet 220 Hz tone: 16-bit little-endian mono PCM at
/// `rate`.
pub fn speech(rate: u64, seconds: f64) -> Vec<u8> {
    let samples = (rate as f64 * seconds) as usize;
    let mut pcm = Vec::with_capacity(samples * 2);
    for i in 0..samples {
        let t = i as f64 / rate as f64;
        let value = ((t * 220.0 * std::f64::consts::TAU).sin() * 2000.0) as i16;
        pcm.extend_from_slice(&value.to_le_bytes());
    }
    pcm
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, body: Value) -> Vec<u8> {
        serde_json::to_vec(&json!({ "event": { name: body } })).unwrap()
    }

    fn opened() -> SonicSession {
        let mut s = SonicSession::new(1, "rid", Vec::new());
        s.on_event(&event(
            "sessionStart",
            json!({"inferenceConfiguration": {"maxTokens": 1024}}),
        ))
        .unwrap();
        s.on_event(&event("promptStart", json!({"promptName": "p",
            "audioOutputConfiguration": {"mediaType": "audio/lpcm", "sampleRateHertz": 16000, "voiceId": "matthew"}})))
            .unwrap();
        s
    }

    fn names(events: &[Value]) -> Vec<String> {
        events
            .iter()
            .map(|e| {
                e["event"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .next()
                    .unwrap()
                    .clone()
            })
            .collect()
    }

    #[test]
    fn a_spoken_turn_is_answered_in_text_and_speech() {
        let mut s = opened();
        s.on_event(&event(
            "contentStart",
            json!({"promptName": "p", "contentName": "a", "type": "AUDIO", "role": "USER",
            "audioInputConfiguration": {"sampleRateHertz": 16000}}),
        ))
        .unwrap();
        let second = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 32000]);
        s.on_event(&event(
            "audioInput",
            json!({"promptName": "p", "contentName": "a", "content": second}),
        ))
        .unwrap();
        let out = s
            .on_event(&event(
                "contentEnd",
                json!({"promptName": "p", "contentName": "a"}),
            ))
            .unwrap();
        let names = names(&out);
        assert_eq!(
            names[..5],
            [
                "completionStart",
                "contentStart",
                "textOutput",
                "contentEnd",
                "contentStart"
            ]
        );
        assert_eq!(names.last().unwrap(), "usageEvent");
        let said = &out[2]["event"]["textOutput"]["content"];
        assert_eq!(said, "I heard 1.0 seconds of audio.");
        let audio: usize = out
            .iter()
            .filter_map(|e| e["event"]["audioOutput"]["content"].as_str())
            .map(|c| {
                base64::engine::general_purpose::STANDARD
                    .decode(c)
                    .unwrap()
                    .len()
            })
            .sum();
        assert_eq!(
            audio,
            (16000.0 * speech_seconds("I heard 1.0 seconds of audio.")) as usize * 2
        );
        let end = s
            .on_event(&event("promptEnd", json!({"promptName": "p"})))
            .unwrap();
        assert_eq!(end[0]["event"]["completionEnd"]["stopReason"], "END_TURN");
        s.on_event(&event("sessionEnd", json!({}))).unwrap();
        assert!(s.ended());
    }

    #[test]
    fn out_of_order_and_invalid_events_are_refused() {
        let mut fresh = SonicSession::new(1, "rid", Vec::new());
        assert_eq!(
            fresh
                .on_event(&event("promptStart", json!({"promptName": "p"})))
                .unwrap_err()
                .message,
            INVALID_INPUT
        );
        let mut s = SonicSession::new(1, "rid", Vec::new());
        s.on_event(&event("sessionStart", json!({}))).unwrap();
        let voice = s
            .on_event(&event(
                "promptStart",
                json!({"promptName": "p", "audioOutputConfiguration": {"voiceId": "Matthew"}}),
            ))
            .unwrap_err();
        assert_eq!(voice.message, "RequestId=rid : Received invalid id: 'Matthew'. Please check AWS documentation for valid voiceIds.");
        let mut s = opened();
        let system =
            json!({"promptName": "p", "contentName": "s", "type": "TEXT", "role": "SYSTEM"});
        s.on_event(&event("contentStart", system.clone())).unwrap();
        let mut again = system;
        again["contentName"] = json!("s2");
        let duplicate = s.on_event(&event("contentStart", again)).unwrap_err();
        assert!(duplicate.message.ends_with("Error 1 : Duplicate SYSTEM content. SYSTEM content can only be provided once per prompt."));
        let open = s
            .on_event(&event("promptEnd", json!({"promptName": "p"})))
            .unwrap_err();
        assert_eq!(
            open.message,
            "RequestId=rid : Error(s):\nError 1 : All contents must be closed before ending prompt"
        );
    }

    #[test]
    fn a_text_turn_takes_a_scripted_answer() {
        let mut s = SonicSession::new(1, "rid", vec!["Scripted.".into()]);
        s.on_event(&event("sessionStart", json!({}))).unwrap();
        s.on_event(&event("promptStart", json!({"promptName": "p"})))
            .unwrap();
        s.on_event(&event("contentStart", json!({"promptName": "p", "contentName": "t", "type": "TEXT", "role": "USER", "interactive": true}))).unwrap();
        s.on_event(&event(
            "textInput",
            json!({"promptName": "p", "contentName": "t", "content": "Hello"}),
        ))
        .unwrap();
        let out = s
            .on_event(&event(
                "contentEnd",
                json!({"promptName": "p", "contentName": "t"}),
            ))
            .unwrap();
        assert_eq!(out[2]["event"]["textOutput"]["content"], "Scripted.");
        let usage = &out.last().unwrap()["event"]["usageEvent"];
        assert_eq!(usage["details"]["total"]["input"]["textTokens"], 2);
    }
}
