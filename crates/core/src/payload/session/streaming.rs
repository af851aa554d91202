//! The streaming check: a session judged as serde reads it, with no `Value` tree and nothing allocated
//! unless there is a problem to report.

use super::*;

pub(super) fn streaming(text: &str, shape: &'static Shape) -> Vec<Problem> {
    let clean = without_lone_surrogates(text);
    let mut problems = Vec::new();
    let mut de = serde_json::Deserializer::from_str(&clean);
    let checked = Check {
        expect: Expect::Shape(shape),
        path: &Seg::Root,
        out: &mut problems,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match checked {
        Ok(()) => problems,
        Err(e) => vec![Problem {
            path: String::new(),
            message: format!("session is not valid JSON: {e}"),
        }],
    }
}

/// Where a value sits, built into a path string only when a problem is reported there.
enum Seg<'p> {
    Root,
    Key(&'p Seg<'p>, &'p str),
    Index(&'p Seg<'p>, usize),
}

impl Seg<'_> {
    fn render(&self) -> String {
        match self {
            Seg::Root => String::new(),
            Seg::Key(parent, key) => join_key(&parent.render(), key),
            Seg::Index(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }
}

/// What a value is checked against: a shape, a member kind, or nothing at all (it is only read).
#[derive(Clone, Copy)]
enum Expect {
    Shape(&'static Shape),
    Kind(&'static Kind),
    Anything,
}

/// The most members a shape has (`User`).
const MAX_MEMBERS: usize = 12;

/// Checks one value as serde reads it. Every value goes through `deserialize_any`, as it does when serde
/// builds a `Value`, so exactly the same texts are accepted (numbers out of range included).
struct Check<'p> {
    expect: Expect,
    path: &'p Seg<'p>,
    out: &'p mut Vec<Problem>,
}

impl Check<'_> {
    fn problem(&mut self, message: String) {
        self.out.push(Problem {
            path: self.path.render(),
            message,
        });
    }

    /// A value of type `found` where `self.expect` wants something: the same messages as `check_kind` and
    /// `check_shape`.
    fn mismatch(&mut self, found: &'static str) {
        let wanted = match self.expect {
            Expect::Anything => return,
            Expect::Shape(shape) | Expect::Kind(&Kind::Object(shape)) => {
                return self.problem(format!("must be an object ({}), got {found}", shape.name))
            }
            Expect::Kind(Kind::String) => "a string".to_string(),
            Expect::Kind(Kind::Number) => "a number".to_string(),
            Expect::Kind(Kind::Boolean) => "a boolean".to_string(),
            Expect::Kind(Kind::StringArray) => "an array of strings".to_string(),
            Expect::Kind(Kind::ArrayOf(shape)) => format!("an array of {}", shape.name),
        };
        self.problem(format!("must be {wanted}, got {found}"));
    }

    fn scalar<E>(mut self, found: &'static str) -> Result<(), E> {
        let fits = matches!(
            (self.expect, found),
            (Expect::Anything, _)
                | (Expect::Kind(Kind::String), "string")
                | (Expect::Kind(Kind::Number), "number")
                | (Expect::Kind(Kind::Boolean), "boolean")
        );
        if !fits {
            self.mismatch(found);
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Check<'_> {
    type Value = ();

    /// Values the shapes leave open (custom claims) are skipped by serde's iterative skipper, which has no
    /// nesting limit: a session the SDK seals stays valid however deep its custom claims go.
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.expect {
            Expect::Anything => deserializer.deserialize_ignored_any(IgnoredAny).map(drop),
            _ => deserializer.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Check<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.scalar("boolean")
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.scalar("number")
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.scalar("number")
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.scalar("number")
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.scalar("string")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.scalar("null")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let items = match self.expect {
            Expect::Anything => Expect::Anything,
            Expect::Kind(Kind::StringArray) => Expect::Kind(&Kind::String),
            Expect::Kind(Kind::ArrayOf(shape)) => Expect::Shape(shape),
            _ => {
                self.mismatch("array");
                Expect::Anything
            }
        };
        let mut i = 0;
        loop {
            let path = Seg::Index(self.path, i);
            let item = Check {
                expect: items,
                path: &path,
                out: self.out,
            };
            if seq.next_element_seed(item)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let shape = match self.expect {
            Expect::Shape(shape) | Expect::Kind(&Kind::Object(shape)) => shape,
            other => {
                if !matches!(other, Expect::Anything) {
                    self.mismatch("object");
                }
                while map.next_key_seed(Key)?.is_some() {
                    map.next_value_seed(Check {
                        expect: Expect::Anything,
                        path: self.path,
                        out: self.out,
                    })?;
                }
                return Ok(());
            }
        };
        // Each member's problems, from its last occurrence (a repeated key replaces the value, as in a
        // `Value`); reported in the shape's order, then the unknown keys in order of first appearance.
        let mut members: [Option<Vec<Problem>>; MAX_MEMBERS] = Default::default();
        let mut unknown: Vec<String> = Vec::new();
        while let Some(key) = map.next_key_seed(Key)? {
            match shape.members.iter().position(|m| m.name == key) {
                Some(i) => {
                    let member = &shape.members[i];
                    let path = Seg::Key(self.path, member.name);
                    let mut problems = Vec::new();
                    map.next_value_seed(Check {
                        expect: Expect::Kind(&member.kind),
                        path: &path,
                        out: &mut problems,
                    })?;
                    members[i] = Some(problems);
                }
                None => {
                    if !shape.open && !unknown.iter().any(|k| *k == key) {
                        unknown.push(key.into_owned());
                    }
                    map.next_value_seed(Check {
                        expect: Expect::Anything,
                        path: self.path,
                        out: self.out,
                    })?;
                }
            }
        }
        for (member, found) in shape.members.iter().zip(members) {
            match found {
                Some(problems) => self.out.extend(problems),
                None if member.required => self.out.push(Problem {
                    path: join_key(&self.path.render(), member.name),
                    message: format!("is required ({}.{})", shape.name, member.name),
                }),
                None => {}
            }
        }
        for key in unknown {
            self.out.push(Problem {
                path: join_key(&self.path.render(), &key),
                message: format!(
                    "is not a member of {} (it has no index signature)",
                    shape.name
                ),
            });
        }
        Ok(())
    }
}

/// An object key, borrowed from the text unless it had escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_string()))
    }
}
