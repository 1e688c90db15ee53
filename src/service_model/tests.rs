//! The validator on each kind of constraint, with AWS's wording.

use super::*;
use serde_json::json;

fn refusal(operation: &str, body: serde_json::Value) -> String {
    ServiceModel::embedded()
        .validate(operation, &body)
        .unwrap_err()
        .to_string()
}

#[test]
fn the_vendored_model_is_2026s() {
    let model = ServiceModel::embedded();
    assert_eq!(model.metadata.api_version, "2023-09-30");
    assert_eq!(model.metadata.protocol, "rest-json");
    assert!(model.operations.contains_key("InvokeGuardrailChecks"));
    let roles = model
        .shape("ConversationRole")
        .unwrap()
        .values
        .clone()
        .unwrap();
    assert_eq!(roles, ["user", "assistant", "system"]);
}

#[test]
fn a_valid_body_passes() {
    let body = json!({
        "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
        "inferenceConfig": {"maxTokens": 10, "temperature": 0.5},
        "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {}}}}]}
    });
    assert_eq!(ServiceModel::embedded().validate("Converse", &body), Ok(()));
}

#[test]
fn required_members_are_not_null() {
    assert_eq!(
        refusal("Converse", json!({"messages": [{"role": "user"}]})),
        "1 validation error detected: Value null at 'messages.1.member.content' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn enums_list_their_values() {
    assert_eq!(
        refusal("Converse", json!({"messages": [{"role": "user", "content": []}, {"role": "bot", "content": []}]})),
        "1 validation error detected: Value 'bot' at 'messages.2.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant, system]"
    );
}

#[test]
fn lengths_ranges_and_patterns_and_several_at_once() {
    let body = json!({
        "messages": [],
        "inferenceConfig": {"maxTokens": 0, "temperature": 1.5},
        "toolConfig": {"tools": [{"toolSpec": {"name": "get weather", "inputSchema": {"json": {}}}}]}
    });
    assert_eq!(
        refusal("Converse", body),
        "3 validation errors detected: \
         Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1; \
         Value '1.5' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1; \
         Value 'get weather' at 'toolConfig.tools.1.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+"
    );
    let long = "x".repeat(65);
    let body = json!({"toolConfig": {"tools": [{"toolSpec": {"name": long, "inputSchema": {"json": {}}}}]}});
    assert!(refusal("Converse", body).ends_with("Member must have length less than or equal to 64"));
}

#[test]
fn sensitive_values_are_not_repeated_and_string_lists_print_as_java_does() {
    let keys: serde_json::Map<String, serde_json::Value> =
        (0..17).map(|i| (format!("k{i}"), json!("v"))).collect();
    assert_eq!(
        refusal("Converse", json!({"requestMetadata": keys})),
        "1 validation error detected: Value at 'requestMetadata' failed to satisfy constraint: Member must have length less than or equal to 16"
    );
    let stops: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
    let err = refusal(
        "Converse",
        json!({"inferenceConfig": {"stopSequences": stops}}),
    );
    assert!(
        err.starts_with("1 validation error detected: Value '[0, 1, 2,"),
        "{}",
        &err[..80]
    );
}

#[test]
fn an_unknown_operation_or_member_passes() {
    let model = ServiceModel::embedded();
    assert_eq!(model.validate("NoSuchOperation", &json!({"x": 1})), Ok(()));
    assert_eq!(
        model.validate("Converse", &json!({"surprise": true})),
        Ok(())
    );
}

/// Every operation of the model is served, at the path the model gives it,
/// or listed as not served with why; nothing is listed that the model lacks.
#[test]
fn every_operation_is_served_or_listed_as_not_served() {
    use crate::fake::Operation;
    let model = ServiceModel::embedded();
    for op in Operation::ALL {
        let binding = &model.operations[op.name()].http;
        assert_eq!(binding.method, "POST", "{}", op.name());
        let segment = binding.request_uri.rsplit('/').next().unwrap();
        assert_eq!(Operation::from_segment(segment), Some(op), "{}", op.name());
    }
    let mut served: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
    served.extend(Operation::SERVED_APART);
    let listed: Vec<&str> = Operation::NOT_SERVED
        .iter()
        .map(|(name, _)| *name)
        .collect();
    for name in model.operations.keys() {
        assert!(
            served.contains(&name.as_str()) != listed.contains(&name.as_str()),
            "{name}: served and listed, or neither"
        );
    }
    assert!(listed
        .iter()
        .all(|name| model.operations.contains_key(*name)));
}

#[test]
fn map_keys_and_values_list_their_shapes_constraints_and_floats_print_as_java() {
    let long = "v".repeat(300);
    assert_eq!(
        refusal("Converse", json!({"requestMetadata": {"team": long}})),
        "1 validation error detected: Value at 'requestMetadata' failed to satisfy constraint: \
         Map value must satisfy constraint: [Member must have length less than or equal to 256, \
         Member must have length greater than or equal to 0, \
         Member must satisfy regular expression pattern: [a-zA-Z0-9\\s:_@$#=/+,-.]{0,256}]"
    );
    assert!(
        refusal("Converse", json!({"requestMetadata": {"bad key!": "v"}})).contains(
            "Map keys must satisfy constraint: [Member must have length less than or equal to 256"
        )
    );
    assert_eq!(
        refusal("Converse", json!({"inferenceConfig": {"temperature": 99}})),
        "1 validation error detected: Value '99.0' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value less than or equal to 1"
    );
}
