//! Differential test: on well-formed YAML, TOML and JSON cards our fence detection and
//! parsers must agree with gray_matter's (key order aside, which gray_matter loses).

use gray_matter::Matter;
use gray_matter::engine::{JSON, TOML, YAML};
use proptest::prelude::*;
use serde_json::{Map, Value};

use termdex::frontmatter;

fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z]{0,8}( [a-z]{1,8}){0,2}".prop_filter("not a YAML keyword", |w| {
        !matches!(w.as_str(), "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n")
    })
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        word().prop_map(Value::String),
        (1i64..100_000).prop_map(Value::from),
        (-1000i64..0).prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
    ]
}

fn fields() -> impl Strategy<Value = Map<String, Value>> {
    let value = prop_oneof![
        3 => scalar(),
        1 => prop::collection::vec(scalar(), 0..4).prop_map(Value::Array),
    ];
    prop::collection::btree_map("[a-z][a-z_]{0,10}", value, 0..8).prop_map(|m| m.into_iter().collect())
}

fn yaml_text(fields: &Map<String, Value>) -> String {
    fields.iter().map(|(k, v)| format!("{k}: {}\n", yaml_value(v))).collect()
}

fn yaml_value(v: &Value) -> String {
    match v {
        Value::Array(items) => format!("[{}]", items.iter().map(yaml_value).collect::<Vec<_>>().join(", ")),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn toml_text(fields: &Map<String, Value>) -> String {
    fields.iter().map(|(k, v)| format!("{k} = {}\n", toml_value(v))).collect()
}

fn toml_value(v: &Value) -> String {
    match v {
        Value::Array(items) => format!("[{}]", items.iter().map(toml_value).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

fn ours(text: &str) -> (Value, String) {
    let parsed = frontmatter::parse(text);
    assert_eq!(parsed.error, None, "{text}");
    (Value::Object(parsed.fields), text[parsed.body_start..].to_string())
}

fn mixed_types(fields: &Map<String, Value>) -> bool {
    // TOML arrays may mix types, but gray_matter's old toml refuses some; keep lists uniform.
    fields.values().any(|v| match v {
        Value::Array(items) => {
            items.windows(2).any(|w| std::mem::discriminant(&w[0]) != std::mem::discriminant(&w[1]))
        }
        _ => false,
    })
}

proptest! {
    #[test]
    fn yaml_agrees_with_gray_matter(fields in fields(), body in "[a-z #\n]{0,40}") {
        let text = format!("---\n{}---\n{body}", yaml_text(&fields));
        let theirs = Matter::<YAML>::new().parse::<Value>(&text).expect("gray_matter parses");
        let (our_fields, our_body) = ours(&text);
        let expected = theirs.data.unwrap_or(Value::Object(Map::new()));
        prop_assert_eq!(&our_fields, &expected);
        prop_assert_eq!(our_fields, Value::Object(fields));
        prop_assert_eq!(our_body.trim_matches('\n'), theirs.content.trim_matches('\n'));
    }

    #[test]
    fn toml_agrees_with_gray_matter(fields in fields().prop_filter("uniform lists", |f| !mixed_types(f))) {
        let text = format!("+++\n{}+++\nbody\n", toml_text(&fields));
        let mut matter = Matter::<TOML>::new();
        matter.delimiter = "+++".into();
        let theirs = matter.parse::<Value>(&text).expect("gray_matter parses");
        let (our_fields, _) = ours(&text);
        prop_assert_eq!(&our_fields, &theirs.data.unwrap_or(Value::Object(Map::new())));
        prop_assert_eq!(our_fields, Value::Object(fields));
    }

    #[test]
    fn json_agrees_with_gray_matter(fields in fields()) {
        let json = serde_json::to_string_pretty(&Value::Object(fields.clone())).expect("json");
        let text = format!("---json\n{json}\n---\nbody\n");
        let mut matter = Matter::<JSON>::new();
        matter.delimiter = "---".into();
        let theirs = matter.parse::<Value>(&format!("---\n{json}\n---\nbody\n")).expect("gray_matter parses");
        let (our_fields, _) = ours(&text);
        prop_assert_eq!(&our_fields, &theirs.data.unwrap_or(Value::Object(Map::new())));
        prop_assert_eq!(our_fields, Value::Object(fields));
    }
}
