//! Converse and ConverseStream, run as Bedrock runs them: the Converse body
//! (checked against the service model) becomes the portable request, then
//! the model's native body, into which `additionalModelRequestFields` are
//! merged before the model's schema checks it (a field the model does not
//! take is refused as Bedrock refuses it: `The model returned the following
//! errors: Malformed input request: #: extraneous key [logprobs] is not
//! permitted, ...`, quoted from Llama 4 Maverick's answer in a public probe).
//! The answer is written back as Converse's, with the native response's
//! fields named by `additionalModelResponseFieldPaths`, and the service
//! tier and latency setting the call ran under.

use super::guardrail::{blocked_answer, guarded_output};
use super::{
    apply_stream_fault, converse_refusal, event_frames, paced_metrics, BedrockError, Call,
    FakeResponse, Operation, MODEL_ERRORS,
};
use crate::fake::ids::hex_id;
use crate::family::RenderContext;
use serde_json::{Map, Value};

/// Web grounding's system tool.
const GROUNDING_TOOL: &str = "nova_grounding";

impl Call<'_> {
    pub(super) fn converse(&self) -> Result<FakeResponse, BedrockError> {
        self.scripted_error()?;
        self.check_streaming()?;
        let value = self.body()?;
        let streaming = self.operation == Operation::ConverseStream;
        // The service model's checks come first (in `to_portable`).
        let mut req = crate::converse::to_portable(value, self.model(), streaming)
            .map_err(|r| BedrockError::validation(r.0))?;
        let checkpoints = crate::fake::prompt_cache::checkpoints(value, self.model())?;
        let grounded = self.web_grounding(value)?;
        let family = self.resolved.family;
        let mut native = family
            .build(&req, self.model())
            .map_err(|e| BedrockError::validation(converse_refusal(&e)))?;
        let extra = value.get("additionalModelRequestFields");
        if let Some(extra) = extra {
            merge(&mut native, extra);
        }
        self.state
            .validator
            .validate_value(self.model(), &native)
            .map_err(|r| BedrockError::validation(format!("{MODEL_ERRORS}{}", r.message())))?;
        // The model answers the merged body: what the extra fields set
        // (a thinking setting, an effort) counts.
        if extra.is_some() {
            if let Ok(merged) = family.read_request_value(&native, self.model()) {
                req = merged;
            }
        }
        let guarded = match value.get("guardrailConfig") {
            Some(config) => Some(self.guardrail(config)?),
            None => None,
        };
        let input_found = guarded.map(|(g, _)| g.assess(&input_texts(value).join("\n")));
        let blocked_input = guarded
            .zip(input_found.as_ref())
            .filter(|(_, found)| found.blocks())
            .map(|((guardrail, _), _)| guardrail);
        // Blocked input never reaches the model.
        let mut answer = match blocked_input {
            Some(guardrail) => blocked_answer(&req, &guardrail.blocked_input_message),
            None => self.answer(&req)?,
        };
        // A model whose Converse answers show no reasoning still reasons
        // (and counts it in its output tokens): the blocks are left out.
        if !self.model().converse.reasoning {
            answer.portable.reasoning.clear();
        }
        let mut trace = None;
        if let Some((guardrail, traced)) = guarded {
            let input_found = input_found.unwrap_or_default();
            let mut assessment = serde_json::Map::new();
            assessment.insert(
                "inputAssessment".into(),
                serde_json::json!({ guardrail.id.clone(): input_found.to_wire() }),
            );
            if !input_found.blocks() {
                let output_found = guardrail.assess(&answer.portable.text);
                // A stream in `async` mode has sent what the model wrote
                // up to where the guardrail found something before it
                // stops the rest, and masks nothing (AWS's "Configure
                // streaming response behavior").
                let sent_early = self.operation == crate::fake::Operation::ConverseStream
                    && value.pointer("/guardrailConfig/streamProcessingMode")
                        == Some(&Value::from("async"));
                let detected = guardrail.first_detection_end(&answer.portable.text);
                match (sent_early, detected) {
                    (true, Some(end)) => super::guardrail::cut_at(&mut answer, end),
                    _ if output_found.intervened() => {
                        answer = guarded_output(guardrail, &output_found, &req, answer);
                    }
                    _ => {}
                }
                assessment.insert(
                    "outputAssessments".into(),
                    serde_json::json!({ guardrail.id.clone(): [output_found.to_wire()] }),
                );
            }
            if traced {
                trace = Some(serde_json::json!({"guardrail": assessment}));
            }
        }
        let cache_usage = checkpoints.and_then(|points| self.cache_usage(&points));
        let mut cited = self.cited(value, &answer);
        let guarded =
            answer.portable.stop_reason == Some(crate::portable::StopReason::GuardrailIntervened);
        if grounded && !guarded {
            cited.push(crate::fake::citations::web(
                &answer.portable.text,
                &req.last_user_text(),
            ));
        }
        let metrics = self.metrics(&answer);
        let latency = metrics.invocation_latency;
        let mut extras: Vec<(&str, Value)> = ["serviceTier", "performanceConfig"]
            .into_iter()
            .filter_map(|key| value.get(key).map(|v| (key, v.clone())))
            .collect();
        if let Some(trace) = trace {
            extras.push(("trace", trace));
        }
        if let Some(paths) = value
            .get("additionalModelResponseFieldPaths")
            .and_then(Value::as_array)
        {
            let response_id = hex_id(self.seed);
            let ctx = RenderContext {
                model: self.model(),
                response_id: &response_id,
                request: Some(&req),
            };
            let rendered = family
                .render_response(&answer.portable, &ctx)
                .unwrap_or(Value::Null);
            let paths = paths.iter().filter_map(Value::as_str);
            extras.push(("additionalModelResponseFields", picked(&rendered, paths)));
        }
        let with_extras = |mut body: Value| {
            for (key, v) in &extras {
                body[*key] = v.clone();
            }
            if let Some(cache) = &cache_usage {
                cache.apply(&mut body["usage"]);
            }
            body
        };
        if streaming {
            let events_at = |latency| {
                let mut events = crate::converse::stream_events(&answer.portable, latency);
                if let Some((_, metadata)) = events.iter_mut().find(|(name, _)| *name == "metadata")
                {
                    *metadata = with_extras(metadata.take());
                }
                events
            };
            let with_citations = |mut events: Vec<(&'static str, Value)>| {
                if let Some(stop) = events.iter().position(|(name, _)| *name == "messageStop") {
                    let next = events
                        .iter()
                        .filter(|(name, _)| *name == "contentBlockStop")
                        .count();
                    let more = crate::fake::citations::stream_events(&cited, next);
                    events.splice(stop..stop, more);
                }
                events
            };
            let events_at = |latency| with_citations(events_at(latency));
            let mut events = events_at(latency);
            let pacing = self.pacing(metrics.output_token_count, events.len());
            if let Some(paced) = paced_metrics(metrics, pacing, events.len()) {
                events = events_at(paced.invocation_latency);
            }
            let frames = apply_stream_fault(event_frames(events)?, self.stream_fault());
            return Ok(self.stream_response(frames, pacing));
        }
        let mut body = crate::converse::response_body(&answer.portable, latency);
        if let Some(content) = body
            .pointer_mut("/output/message/content")
            .and_then(Value::as_array_mut)
        {
            content.extend(cited.iter().map(|doc| doc.block()));
        }
        let mut response =
            FakeResponse::json(200, &with_extras(body)).with_header("x-amzn-RequestId", self.rid);
        response.delay = self.whole_answer_delay(metrics);
        Ok(response)
    }
}

impl Call<'_> {
    /// Whether the call asks for web grounding (the `nova_grounding` system
    /// tool), or the refusal of a system tool the model lacks or of a
    /// `toolSpec` of that name ("Including a tool with this name will result
    /// in an error", AWS's page; Bedrock's words for these are not
    /// published, so the refusals are the fake's).
    fn web_grounding(&self, body: &Value) -> Result<bool, BedrockError> {
        let tools = body
            .pointer("/toolConfig/tools")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let named = |pointer: &str| -> Vec<&str> {
            tools
                .iter()
                .filter_map(|t| t.pointer(pointer).and_then(Value::as_str))
                .collect()
        };
        let system = named("/systemTool/name");
        if named("/toolSpec/name").contains(&GROUNDING_TOOL) {
            return Err(BedrockError::validation(format!(
                "bedrock-harness: {GROUNDING_TOOL} is a system tool; a toolSpec may not take its name"
            )));
        }
        for name in &system {
            if *name != GROUNDING_TOOL || !self.model().converse.web_grounding {
                return Err(BedrockError::validation(format!(
                    "bedrock-harness: {} has no system tool {name} (web grounding, {GROUNDING_TOOL}, is Nova Premier's and Nova 2 Lite's)",
                    self.model().id
                )));
            }
        }
        Ok(!system.is_empty())
    }

    /// The documents and search results the answer cites: those asking
    /// for citations, when the model cites them and the answer is the
    /// model's (not a guardrail's). What is not cited (a model that does
    /// not cite, a document the fake cannot read) the journal says.
    fn cited(
        &self,
        body: &Value,
        answer: &crate::fake::answer::Answer,
    ) -> Vec<crate::fake::citations::CitedDocument> {
        let (documents, unreadable) = crate::fake::citations::cited_documents(body);
        let results = crate::fake::citations::cited_search_results(body);
        let support = self.model().converse;
        let mut cited = Vec::new();
        let mut notes = Vec::new();
        if !documents.is_empty() || unreadable > 0 {
            match support.citations {
                true => cited.extend(documents),
                false => notes.push(format!(
                    "{} gives no citations in Converse (its models.json line): no document was cited; no source gives Bedrock's answer to the request",
                    self.model().id
                )),
            }
            if support.citations && unreadable > 0 {
                notes.push(format!(
                    "{unreadable} document(s) asking for citations are in a format the fake cannot read (PDF, office documents): not cited"
                ));
            }
        }
        if !results.is_empty() {
            match support.search_results {
                true => cited.extend(results),
                false => notes.push(format!(
                    "{} takes no searchResult blocks in Converse (the service model names the models that do): not cited",
                    self.model().id
                )),
            }
        }
        if !notes.is_empty() {
            *self.note.borrow_mut() = Some(notes.join("; "));
        }
        let guarded =
            answer.portable.stop_reason == Some(crate::portable::StopReason::GuardrailIntervened);
        match guarded {
            true => Vec::new(),
            false => cited,
        }
    }

    /// What the call's checkpoints read from and write to the fake's
    /// prompt cache; `None` for a model no source gives a minimum for (its
    /// checkpoints are accepted, and noted in the journal).
    pub(super) fn cache_usage(
        &self,
        points: &crate::fake::prompt_cache::Checkpoints,
    ) -> Option<crate::fake::prompt_cache::CacheUsage> {
        let Some(rules) = &self.model().prompt_cache else {
            *self.note.borrow_mut() = Some(format!(
                "no source gives {}'s prompt-caching minimum: its cache points were accepted and nothing was cached",
                self.model().id
            ));
            return None;
        };
        let mut cache = self.state.prompt_cache.lock().ok()?;
        Some(cache.account(points, rules.min_tokens, std::time::Instant::now()))
    }
}

/// The texts a guardrail checks in a Converse body: the system prompt's,
/// the messages' and their `guardContent` blocks'.
fn input_texts(body: &Value) -> Vec<&str> {
    let blocks = |key: &str| {
        body.get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    let mut texts: Vec<&str> = blocks("system")
        .iter()
        .filter_map(|b| b.get("text").and_then(Value::as_str))
        .collect();
    for message in blocks("messages") {
        for block in message
            .get("content")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let text = block
                .get("text")
                .or_else(|| block.pointer("/guardContent/text/text"))
                .and_then(Value::as_str);
            texts.extend(text);
        }
    }
    texts
}

/// Merges `extra` into `native`: objects member by member, any other value
/// replacing what is there (so `{"inferenceConfig": {"topK": 20}}` adds
/// `topK` beside Nova's `maxTokens`).
fn merge(native: &mut Value, extra: &Value) {
    match (native, extra) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        into.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (native, extra) => *native = extra.clone(),
    }
}

/// The fields of the native response that `paths` (JSON pointers such as
/// `/stop_sequence`) name, nested as they are there; a path the response
/// lacks is left out.
fn picked<'p>(response: &Value, paths: impl Iterator<Item = &'p str>) -> Value {
    let mut out = Value::Object(Map::new());
    for path in paths {
        let Some(found) = response.pointer(path) else {
            continue;
        };
        let keys: Vec<&str> = path.split('/').skip(1).collect();
        let mut at = &mut out;
        for (i, key) in keys.iter().enumerate() {
            let key = key.replace("~1", "/").replace("~0", "~");
            let Value::Object(map) = at else { break };
            at = match i + 1 == keys.len() {
                true => {
                    map.insert(key.clone(), found.clone());
                    break;
                }
                false => map.entry(key).or_insert_with(|| Value::Object(Map::new())),
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extra_fields_merge_member_by_member() {
        let mut native = json!({"messages": [], "inferenceConfig": {"maxTokens": 10}});
        merge(
            &mut native,
            &json!({"inferenceConfig": {"topK": 20}, "top_k": 5}),
        );
        assert_eq!(
            native,
            json!({"messages": [], "inferenceConfig": {"maxTokens": 10, "topK": 20}, "top_k": 5})
        );
    }

    #[test]
    fn response_paths_pick_nested_fields_and_skip_missing_ones() {
        let response =
            json!({"stop_sequence": null, "usage": {"input_tokens": 3, "output_tokens": 4}});
        let picked = picked(
            &response,
            ["/stop_sequence", "/usage/input_tokens", "/missing"].into_iter(),
        );
        assert_eq!(
            picked,
            json!({"stop_sequence": null, "usage": {"input_tokens": 3}})
        );
    }
}
