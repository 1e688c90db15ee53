//! Every value the fake synthesizes for a JSON Schema validates against it:
//! generated schemas of every kind the synthesis reads.

use bedrock_harness::fake::synth::value_for;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A leaf schema: a type with its bounds, an enum, a const or a format.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u32..20, 0u32..20).prop_map(
            |(a, b)| json!({"type": "string", "minLength": a.min(b), "maxLength": a.max(b)})
        ),
        prop::sample::select(vec![
            "date",
            "date-time",
            "email",
            "uri",
            "uuid",
            "ipv4",
            "time"
        ])
        .prop_map(|f| json!({"type": "string", "format": f})),
        (-50i64..50, 0i64..40, any::<bool>()).prop_map(|(lo, span, open)| if open {
            json!({"type": "integer", "exclusiveMinimum": lo, "exclusiveMaximum": lo + span + 2})
        } else {
            json!({"type": "integer", "minimum": lo, "maximum": lo + span})
        }),
        (-5.0f64..5.0, 0.5f64..10.0)
            .prop_map(|(lo, span)| json!({"type": "number", "minimum": lo, "maximum": lo + span})),
        (1i64..5, 0i64..50).prop_map(
            |(m, lo)| json!({"type": "integer", "multipleOf": m, "minimum": lo, "maximum": lo + 20})
        ),
        prop::collection::vec("[a-z]{1,6}", 1..4).prop_map(|e| json!({"enum": e})),
        Just(json!({"const": "fixed"})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": ["string", "null"]})),
        prop::sample::select(vec!["^[A-Z]{3}$", "^[0-9]+$", "^\\d{5}$", "^[a-z]{2,4}$"])
            .prop_map(|p| json!({"type": "string", "pattern": p})),
    ]
}

/// Nested schemas: objects (with required properties), arrays (with item
/// counts and unique items), anyOf, oneOf of disjoint types, allOf.
fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            (prop::collection::btree_map("[a-z_]{1,10}", inner.clone(), 1..4), any::<bool>()).prop_map(|(props, all)| {
                let names: Vec<String> = props.keys().cloned().collect();
                let required = if all { names } else { names.into_iter().take(1).collect() };
                json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
            }),
            (inner.clone(), 0u64..3, 0u64..3, any::<bool>()).prop_map(|(items, a, b, unique)| {
                let mut s = json!({"type": "array", "items": items, "minItems": a.min(b), "maxItems": a.max(b) + 1});
                if unique {
                    // One item at most: unique by construction.
                    s["uniqueItems"] = json!(true);
                    s["minItems"] = json!(a.min(b).min(1));
                    s["maxItems"] = json!(1);
                }
                s
            }),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|branches| json!({"anyOf": branches})),
            inner.clone().prop_map(|s| json!({"oneOf": [s, {"type": "array", "maxItems": 0, "minItems": 1}]})),
            (inner.clone(), inner).prop_map(|(a, b)| json!({"allOf": [
                {"type": "object", "properties": {"first": a}, "required": ["first"]},
                {"type": "object", "properties": {"second": b}, "required": ["second"]}
            ]})),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_synthesized_value_validates(schema in schema()) {
        let value = value_for(&schema, "the weather in Paris");
        let validator = jsonschema::validator_for(&schema).unwrap();
        prop_assert!(validator.is_valid(&value), "{} does not fit {}", value, schema);
        prop_assert_eq!(value_for(&schema, "the weather in Paris"), value);
    }
}

#[test]
fn refs_and_defs_are_followed_and_text_is_plausible() {
    let schema = json!({
        "$defs": {"place": {"type": "object", "required": ["city", "country"],
            "properties": {"city": {"type": "string"}, "country": {"type": "string"}}}},
        "type": "object",
        "required": ["from", "summary", "when"],
        "properties": {
            "from": {"$ref": "#/$defs/place"},
            "summary": {"type": "string"},
            "when": {"type": "string", "format": "date"}
        }
    });
    let value = value_for(&schema, "a trip from Paris to Lisbon");
    assert_eq!(value["from"]["city"], "Paris");
    assert_eq!(value["from"]["country"], "France");
    assert!(value["summary"]
        .as_str()
        .unwrap()
        .contains("a trip from Paris"));
    assert!(jsonschema::is_valid(&schema, &value), "{value}");
}
