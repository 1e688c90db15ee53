//! Converse against Bedrock Runtime's own service model: bodies generated
//! from the model's shapes, some with a broken constraint, sent to the
//! fake. Whatever the model refuses, the fake refuses first, with the
//! model's words; whatever it accepts, the fake answers without a 5xx.

use bedrock_harness::fake::{FakeRequest, FakeState};
use bedrock_harness::service_model::{ServiceModel, Shape};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const CLAUDE: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

/// A value valid for each patterned string shape Converse can reach; other
/// strings are letters, which every other pattern takes.
fn patterned(shape: &str) -> Option<&'static str> {
    Some(match shape {
        "AccountId" => "123456789012",
        "S3Uri" => "s3://amzn-s3-demo-bucket/input/file",
        "GuardrailVersion" => "DRAFT",
        "GuardrailIdentifier" | "GuardrailId" => "gr0example",
        "GuardrailArn" => "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr0example",
        "GuardrailAutomatedReasoningPolicyVersionArn" => {
            "arn:aws:bedrock:us-east-1:123456789012:automated-reasoning-policy/abcdefabcdef"
        }
        "AutomatedReasoningRuleIdentifier" => "abcdefabcdef",
        _ => return None,
    })
}

/// A small deterministic generator (splitmix64), seeded by proptest.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Draws a value of `shape`; `break_one` is the chance that a leaf breaks
/// its constraint instead.
struct Draw<'a> {
    model: &'a ServiceModel,
    rng: Rng,
    break_one: f64,
}

impl Draw<'_> {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.unit() < p
    }

    fn value(&mut self, name: &str, depth: u32) -> Value {
        let shape: &Shape = &self.model.shapes[name];
        match shape.kind.as_str() {
            "structure" if shape.union => {
                let names: Vec<&String> = shape.members.keys().collect();
                let pick = names[self.rng.below(names.len())].clone();
                let member = shape.members[&pick].shape.clone();
                json!({ pick: self.value(&member, depth + 1) })
            }
            "structure" => {
                let mut out = Map::new();
                for (member, m) in &shape.members {
                    if m.location.is_some() {
                        continue;
                    }
                    let required = shape.required.contains(member);
                    if required && self.chance(self.break_one) {
                        continue;
                    }
                    if required || (depth < 3 && self.chance(0.3)) {
                        let v = self.value(&m.shape, depth + 1);
                        out.insert(member.clone(), v);
                    }
                }
                Value::Object(out)
            }
            "list" => {
                let member = shape.member.as_ref().unwrap().shape.clone();
                let least = shape.min.unwrap_or(0.0) as usize;
                let n = match depth < 4 {
                    true => least.max(self.rng.below(3)),
                    false => least,
                };
                Value::Array((0..n).map(|_| self.value(&member, depth + 1)).collect())
            }
            "map" => {
                let value = shape.value.as_ref().unwrap().shape.clone();
                let n = (shape.min.unwrap_or(0.0) as usize).max(1);
                let entries = (0..n).map(|i| (format!("key{i}"), self.value(&value, depth + 1)));
                Value::Object(entries.collect())
            }
            "string" => self.string(name, shape),
            "integer" | "long" => {
                let lo = shape.min.unwrap_or(1.0) as i64;
                let hi = shape.max.map_or(lo + 100, |x| x as i64);
                match self.chance(self.break_one) && shape.min.is_some() {
                    true => json!(lo - 1),
                    false => json!(lo + self.rng.below((hi - lo + 1) as usize) as i64),
                }
            }
            "float" | "double" => {
                let lo = shape.min.unwrap_or(0.0);
                let hi = shape.max.unwrap_or(lo + 1.0);
                match self.chance(self.break_one) && shape.max.is_some() {
                    true => json!(hi + 0.5),
                    false => json!(lo + (hi - lo) * self.rng.unit()),
                }
            }
            "boolean" => json!(self.chance(0.5)),
            "blob" => json!("AAAA"),
            _ => json!({}),
        }
    }

    fn string(&mut self, name: &str, shape: &Shape) -> Value {
        let broken = self.chance(self.break_one);
        if let Some(values) = &shape.values {
            return match broken {
                true => json!("not-a-member"),
                false => json!(values[self.rng.below(values.len())]),
            };
        }
        if broken {
            if let Some(max) = shape.max {
                return json!("x".repeat(max as usize + 1));
            }
            if shape.pattern.is_some() {
                return json!("not valid!");
            }
        }
        let least = (shape.min.unwrap_or(0.0) as usize).max(1);
        let text = patterned(name)
            .map(str::to_string)
            .unwrap_or_else(|| "abc".repeat(least.div_ceil(3)));
        json!(text)
    }
}

/// What the fake did with one generated body.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// The model refused it and the fake answered its words.
    RefusedAsTheModel,
    /// The model took it; the fake answered this status.
    Taken(u16),
}

/// Generates a body from `seed` (breaking constraints when `breaks`),
/// sends it to the fake, and checks the fake against the model.
fn check(state: &FakeState, seed: u64, breaks: bool) -> Result<Outcome, String> {
    let model = ServiceModel::embedded();
    let mut draw = Draw {
        model,
        rng: Rng(seed),
        break_one: if breaks { 0.08 } else { 0.0 },
    };
    let mut body = draw.value("ConverseRequest", 0);
    // A conversation the models take: one user turn first.
    let first = json!({"role": "user", "content": [{"text": "Hi"}]});
    match body["messages"].as_array_mut() {
        Some(messages) => messages.insert(0, first),
        None => body["messages"] = json!([first]),
    }
    let verdict = model.validate("Converse", &body);
    if !breaks && verdict.is_err() {
        return Err(format!("generated an invalid body {body}: {verdict:?}"));
    }
    let answer = state.handle(&FakeRequest::post(
        &format!("/model/{CLAUDE}/converse"),
        serde_json::to_vec(&body).unwrap(),
    ));
    let text: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
    match verdict {
        Err(violations) => {
            let expected = violations.to_string();
            match (answer.status, text["message"].as_str()) {
                (400, Some(message)) if message == expected => Ok(Outcome::RefusedAsTheModel),
                _ => Err(format!(
                    "{body}: expected {expected}, got {} {text}",
                    answer.status
                )),
            }
        }
        Ok(()) if answer.status == 200 || answer.status == 400 => Ok(Outcome::Taken(answer.status)),
        Ok(()) => Err(format!("{body} answered {}: {text}", answer.status)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn converse_refuses_what_the_service_model_refuses(seed in any::<u64>(), breaks in any::<bool>()) {
        let state = FakeState::new(crate::support::pinned()).unwrap();
        if let Err(why) = check(&state, seed, breaks) {
            prop_assert!(false, "{}", why);
        }
    }
}

/// The generator reaches both sides: bodies the model refuses, and bodies
/// it takes that the fake answers.
#[test]
fn generated_bodies_are_both_refused_and_answered() {
    let state = FakeState::new(crate::support::pinned()).unwrap();
    let outcomes: Vec<Outcome> = (0..120u64)
        .map(|seed| check(&state, seed, seed % 2 == 0).unwrap())
        .collect();
    let refused = outcomes
        .iter()
        .filter(|o| **o == Outcome::RefusedAsTheModel)
        .count();
    let answered = outcomes
        .iter()
        .filter(|o| **o == Outcome::Taken(200))
        .count();
    assert!(refused >= 10, "{refused} refused of {}", outcomes.len());
    assert!(answered >= 10, "{answered} answered of {}", outcomes.len());
}
