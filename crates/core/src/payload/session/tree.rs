//! The tree check: a session judged as a parsed `Value`, the reference the streaming and fast checks are
//! held to.

use super::*;
use crate::json::parse_value;
use serde_json::Value;

/// Validates a session value, returning every problem (empty when valid).
pub fn validate(value: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_shape(value, &SESSION_DATA, "", &mut problems);
    problems
}

pub(super) fn check_shape(value: &Value, shape: &Shape, path: &str, problems: &mut Vec<Problem>) {
    let Some(object) = value.as_object() else {
        problems.push(Problem {
            path: path.to_string(),
            message: format!(
                "must be an object ({}), got {}",
                shape.name,
                type_name(value)
            ),
        });
        return;
    };
    for member in shape.members {
        let member_path = join_key(path, member.name);
        match object.get(member.name) {
            None if member.required => problems.push(Problem {
                path: member_path,
                message: format!("is required ({}.{})", shape.name, member.name),
            }),
            None => {}
            Some(found) => check_kind(found, &member.kind, &member_path, problems),
        }
    }
    if !shape.open {
        for key in object.keys() {
            if !shape.members.iter().any(|m| m.name == key) {
                problems.push(Problem {
                    path: join_key(path, key),
                    message: format!(
                        "is not a member of {} (it has no index signature)",
                        shape.name
                    ),
                });
            }
        }
    }
}

fn check_kind(value: &Value, kind: &Kind, path: &str, problems: &mut Vec<Problem>) {
    let mut expect = |ok: bool, wanted: &str| {
        if !ok {
            problems.push(Problem {
                path: path.to_string(),
                message: format!("must be {wanted}, got {}", type_name(value)),
            });
        }
    };
    match kind {
        Kind::String => expect(value.is_string(), "a string"),
        Kind::Number => expect(value.is_number(), "a number"),
        Kind::Boolean => expect(value.is_boolean(), "a boolean"),
        Kind::StringArray => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_kind(item, &Kind::String, &format!("{path}[{i}]"), problems);
                }
            }
            None => expect(false, "an array of strings"),
        },
        Kind::Object(shape) => check_shape(value, shape, path, problems),
        Kind::ArrayOf(shape) => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_shape(item, shape, &format!("{path}[{i}]"), problems);
                }
            }
            None => expect(false, &format!("an array of {}", shape.name)),
        },
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Validates a session given as JSON text by parsing it into a `Value` first: the reference the streaming
/// `validate_json` is tested against.
pub fn validate_json_tree(text: &str) -> Vec<Problem> {
    check_tree(text, Validation::Strict)
}

/// `validate_json_tree` for any validation: the reference `check` is tested against.
pub fn check_tree(text: &str, validation: Validation) -> Vec<Problem> {
    let Some(shape) = validation.shape() else {
        return Vec::new();
    };
    match parse_value(&without_lone_surrogates(text)) {
        Ok(value) => {
            let mut problems = Vec::new();
            check_shape(&value, shape, "", &mut problems);
            problems
        }
        Err(e) => vec![Problem {
            path: String::new(),
            message: format!("session is not valid JSON: {e}"),
        }],
    }
}
