//! Reading scenario files: JSON text to [`Scenario`], by hand over `serde_json::Value` so that every
//! error names its place in the file (`steps[3].gossip.nodes: ...`). The network config itself is
//! deserialized by serde (it is [`NetworkConfig`]'s own camelCase form), with partial `params`
//! laid over the defaults.

use alloc::borrow::ToOwned;
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value};

use super::colors;
use super::{Expectation, NetworkScenario, NodeSet, Scenario, ScenarioBody, ScenarioError, Step};
use crate::chain::network::NetworkConfig;
use crate::chain::params::Parameters;

/// The top-level keys of a scenario file.
const TOP_KEYS: [&str; 8] = [
    "name",
    "description",
    "kind",
    "config",
    "steps",
    "expect",
    "compare",
    "seeds",
];

/// A `Field` error at `field`.
pub(super) fn field_error(field: &str, reason: impl Into<String>) -> ScenarioError {
    ScenarioError::Field {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// Reads a whole scenario.
pub(super) fn scenario(text: &str) -> Result<Scenario, ScenarioError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| ScenarioError::Json(e.to_string()))?;
    let top = object(&value, "(the file)")?;
    only_keys(top, &TOP_KEYS, "(the file)")?;
    let name = string(required(top, "name", "(the file)")?, "name")?.to_owned();
    let description = match top.get("description") {
        Some(v) => string(v, "description")?.to_owned(),
        None => String::new(),
    };
    let kind = string(required(top, "kind", "(the file)")?, "kind")?;
    let body = match kind {
        "network" => {
            for key in ["compare", "seeds"] {
                if top.contains_key(key) {
                    return Err(field_error(
                        key,
                        "only snowball-colors scenarios compare variants over seeds",
                    ));
                }
            }
            ScenarioBody::Network(network_scenario(top)?)
        }
        "snowball-colors" => ScenarioBody::SnowballColors(colors::parse(top)?),
        other => {
            return Err(field_error(
                "kind",
                format!("unknown kind {other:?}: expected \"network\" or \"snowball-colors\""),
            ))
        }
    };
    Ok(Scenario {
        name,
        description,
        body,
    })
}

fn network_scenario(top: &Map<String, Value>) -> Result<NetworkScenario, ScenarioError> {
    let config = match top.get("config") {
        Some(v) => network_config(v, "config")?,
        None => NetworkConfig::default(),
    };
    config.validate().map_err(ScenarioError::Config)?;
    let steps_value = required(top, "steps", "(the file)")?;
    let list = array(steps_value, "steps")?;
    let mut labels = BTreeSet::new();
    let mut steps = Vec::with_capacity(list.len());
    for (index, value) in list.iter().enumerate() {
        steps.push(step(value, index, &mut labels)?);
    }
    let expect = expectations(top, &labels, false)?;
    Ok(NetworkScenario {
        config,
        steps,
        expect,
    })
}

/// A [`NetworkConfig`] from its camelCase JSON form; fields left out take the defaults, and
/// `params` may be partial too.
pub(super) fn network_config(value: &Value, path: &str) -> Result<NetworkConfig, ScenarioError> {
    let given = object(value, path)?;
    let mut merged = given.clone();
    if let Some(params) = given.get("params") {
        let params = parameters_over(Parameters::DEFAULT, params, &format!("{path}.params"))?;
        let params = serde_json::to_value(params)
            .map_err(|e| field_error(&format!("{path}.params"), e.to_string()))?;
        merged.insert("params".to_owned(), params);
    }
    match serde_json::from_value::<NetworkConfig>(Value::Object(merged.clone())) {
        Ok(config) => Ok(config),
        Err(whole) => {
            // serde_json's message has no path: find the first field that fails on its own.
            for (key, field_value) in &merged {
                let mut alone = Map::new();
                alone.insert(key.clone(), field_value.clone());
                if let Err(e) = serde_json::from_value::<NetworkConfig>(Value::Object(alone)) {
                    return Err(field_error(&format!("{path}.{key}"), e.to_string()));
                }
            }
            Err(field_error(path, whole.to_string()))
        }
    }
}

/// `base` with the fields of the JSON object `value` laid over it. Unknown names are refused
/// (serde would ignore them, and a typo would silently change nothing).
pub(super) fn parameters_over(
    base: Parameters,
    value: &Value,
    path: &str,
) -> Result<Parameters, ScenarioError> {
    let given = object(value, path)?;
    let mut merged = match serde_json::to_value(base) {
        Ok(Value::Object(map)) => map,
        Ok(_) | Err(_) => return Err(field_error(path, "the parameters do not serialize")),
    };
    for (key, field_value) in given {
        if !merged.contains_key(key) {
            let known: Vec<&str> = merged.keys().map(String::as_str).collect();
            return Err(field_error(
                &format!("{path}.{key}"),
                format!("unknown parameter; expected one of {}", known.join(", ")),
            ));
        }
        merged.insert(key.clone(), field_value.clone());
    }
    let params = serde_json::from_value::<Parameters>(Value::Object(merged))
        .map_err(|e| field_error(path, e.to_string()))?;
    params
        .validate()
        .map_err(|e| field_error(path, e.to_string()))?;
    Ok(params)
}

/// One step: an object with exactly one key, the step's name.
fn step(value: &Value, index: usize, labels: &mut BTreeSet<String>) -> Result<Step, ScenarioError> {
    let path = format!("steps[{index}]");
    let (key, body) = single_key(value, &path)?;
    let path = format!("{path}.{key}");
    let p = path.as_str();
    let step = match key {
        "propose" => {
            let fields = object(body, p)?;
            only_keys(fields, &["node", "data"], p)?;
            Step::Propose {
                node: u32_field(fields, "node", p)?,
                data: string(required(fields, "data", p)?, &format!("{p}.data"))?.to_owned(),
            }
        }
        "build" | "buildConflicting" => {
            let fields = object(body, p)?;
            only_keys(fields, &["node", "label"], p)?;
            let node = u32_field(fields, "node", p)?;
            let label = string(required(fields, "label", p)?, &format!("{p}.label"))?.to_owned();
            if !labels.insert(label.clone()) {
                return Err(field_error(
                    &format!("{p}.label"),
                    format!("the label {label:?} is already given to an earlier block"),
                ));
            }
            if key == "build" {
                Step::Build { node, label }
            } else {
                Step::BuildConflicting { node, label }
            }
        }
        "gossip" => {
            let fields = object(body, p)?;
            only_keys(fields, &["block", "nodes"], p)?;
            let block = label_ref(required(fields, "block", p)?, &format!("{p}.block"), labels)?;
            let nodes = node_set(required(fields, "nodes", p)?, &format!("{p}.nodes"))?;
            Step::Gossip { block, nodes }
        }
        "byzantineTarget" => Step::ByzantineTarget(label_ref(body, p, labels)?),
        "crash" => Step::Crash(u32_value(body, p)?),
        "restart" => Step::Restart(u32_value(body, p)?),
        "partition" => match body {
            Value::Null => Step::Partition(None),
            other => Step::Partition(Some(u32_value(other, p)?)),
        },
        "run" => Step::Run(u64_value(body, p)?),
        "runUntilDecided" => Step::RunUntilDecided(label_ref(body, p, labels)?),
        "runUntilQuiet" => match body {
            Value::Bool(true) => Step::RunUntilQuiet,
            _ => return Err(field_error(p, "write {\"runUntilQuiet\": true}")),
        },
        "randomBlocks" => {
            let fields = object(body, p)?;
            only_keys(fields, &["count", "seed"], p)?;
            Step::RandomBlocks {
                count: u32_field(fields, "count", p)?,
                seed: u64_value(required(fields, "seed", p)?, &format!("{p}.seed"))?,
            }
        }
        other => {
            return Err(field_error(
                &format!("steps[{index}]"),
                format!(
                    "unknown step {other:?}; expected one of propose, build, buildConflicting, \
                     gossip, byzantineTarget, crash, restart, partition, run, runUntilDecided, \
                     runUntilQuiet, randomBlocks"
                ),
            ))
        }
    };
    Ok(step)
}

/// The `expect` list (a single object is a list of one). `colors` selects which expectations
/// apply.
pub(super) fn expectations(
    top: &Map<String, Value>,
    labels: &BTreeSet<String>,
    colors: bool,
) -> Result<Vec<Expectation>, ScenarioError> {
    let items: Vec<&Value> = match top.get("expect") {
        None => Vec::new(),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(single @ Value::Object(_)) => alloc::vec![single],
        Some(_) => {
            return Err(field_error(
                "expect",
                "expected a list of expectations like [{\"agreement\": true}]",
            ))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (index, value) in items.into_iter().enumerate() {
        let path = format!("expect[{index}]");
        let (key, body) = single_key(value, &path)?;
        let p = format!("{path}.{key}");
        let expectation = match (key, colors) {
            ("allHonestAccepted", false) => {
                Expectation::AllHonestAccepted(label_ref(body, &p, labels)?)
            }
            ("allHonestRejected", false) => {
                Expectation::AllHonestRejected(label_ref(body, &p, labels)?)
            }
            ("agreement", false) => match body {
                Value::Bool(true) => Expectation::Agreement,
                _ => return Err(field_error(&p, "write {\"agreement\": true}")),
            },
            ("decidedWithinMessages", false) => {
                Expectation::DecidedWithinMessages(u64_value(body, &p)?)
            }
            ("fasterOnAverage", true) => Expectation::FasterOnAverage(label_ref(body, &p, labels)?),
            (other, _) => {
                let expected = if colors {
                    "fasterOnAverage"
                } else {
                    "allHonestAccepted, allHonestRejected, agreement, decidedWithinMessages"
                };
                return Err(field_error(
                    &path,
                    format!("unknown expectation {other:?} here; expected one of {expected}"),
                ));
            }
        };
        out.push(expectation);
    }
    Ok(out)
}

/// A node set: `"a..b"`, `"a..=b"`, `"a.."`, `"all"`, a list of indices, or one index.
fn node_set(value: &Value, path: &str) -> Result<NodeSet, ScenarioError> {
    const HELP: &str = "expected a range like \"0..55\", \"55..=89\" or \"90..\", \"all\", or a \
                        list of node indices";
    match value {
        Value::Array(list) => {
            let mut nodes = Vec::with_capacity(list.len());
            for (i, item) in list.iter().enumerate() {
                nodes.push(u32_value(item, &format!("{path}[{i}]"))?);
            }
            Ok(NodeSet::List(nodes))
        }
        Value::Number(_) => Ok(NodeSet::List(alloc::vec![u32_value(value, path)?])),
        Value::String(text) => {
            let text = text.trim();
            if text == "all" {
                return Ok(NodeSet::Range {
                    start: 0,
                    end: None,
                });
            }
            let Some((start, end)) = text.split_once("..") else {
                return Err(field_error(path, HELP));
            };
            let start: u32 = start.trim().parse().map_err(|_| field_error(path, HELP))?;
            let end = if let Some(last) = end.strip_prefix('=') {
                let last: u32 = last.trim().parse().map_err(|_| field_error(path, HELP))?;
                Some(last.saturating_add(1))
            } else if end.trim().is_empty() {
                None
            } else {
                Some(end.trim().parse().map_err(|_| field_error(path, HELP))?)
            };
            if end.is_some_and(|end| end < start) {
                return Err(field_error(path, "the range ends before it starts"));
            }
            Ok(NodeSet::Range { start, end })
        }
        _ => Err(field_error(path, HELP)),
    }
}

/// A label that an earlier step (or, in colour scenarios, a variant) defined.
fn label_ref(
    value: &Value,
    path: &str,
    labels: &BTreeSet<String>,
) -> Result<String, ScenarioError> {
    let label = string(value, path)?;
    if labels.contains(label) {
        return Ok(label.to_owned());
    }
    let known: Vec<&str> = labels.iter().map(String::as_str).collect();
    Err(field_error(
        path,
        if known.is_empty() {
            format!("no block or variant is labelled {label:?} (nothing is labelled before this)")
        } else {
            format!(
                "no block or variant is labelled {label:?} before this; known labels: {}",
                known.join(", ")
            )
        },
    ))
}

/// A value that must be an object with exactly one key: (key, value).
fn single_key<'a>(value: &'a Value, path: &str) -> Result<(&'a str, &'a Value), ScenarioError> {
    let map = object(value, path)?;
    let mut iter = map.iter();
    match (iter.next(), iter.next()) {
        (Some((key, body)), None) => Ok((key.as_str(), body)),
        _ => Err(field_error(
            path,
            format!(
                "expected an object with exactly one key, found {} keys",
                map.len()
            ),
        )),
    }
}

pub(super) fn object<'a>(
    value: &'a Value,
    path: &str,
) -> Result<&'a Map<String, Value>, ScenarioError> {
    value.as_object().ok_or_else(|| {
        field_error(
            path,
            format!("expected an object, found {}", kind_of(value)),
        )
    })
}

pub(super) fn array<'a>(value: &'a Value, path: &str) -> Result<&'a Vec<Value>, ScenarioError> {
    value
        .as_array()
        .ok_or_else(|| field_error(path, format!("expected a list, found {}", kind_of(value))))
}

pub(super) fn string<'a>(value: &'a Value, path: &str) -> Result<&'a str, ScenarioError> {
    value
        .as_str()
        .ok_or_else(|| field_error(path, format!("expected a string, found {}", kind_of(value))))
}

pub(super) fn required<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<&'a Value, ScenarioError> {
    map.get(key).ok_or_else(|| {
        let at = if path.starts_with('(') {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        };
        field_error(&at, "missing")
    })
}

/// Refuses keys other than `allowed` (a typo would otherwise be silently ignored).
pub(super) fn only_keys(
    map: &Map<String, Value>,
    allowed: &[&str],
    path: &str,
) -> Result<(), ScenarioError> {
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            let at = if path.starts_with('(') {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            return Err(field_error(
                &at,
                format!("unknown field; expected one of {}", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

fn u32_field(map: &Map<String, Value>, key: &str, path: &str) -> Result<u32, ScenarioError> {
    u32_value(required(map, key, path)?, &format!("{path}.{key}"))
}

pub(super) fn u32_value(value: &Value, path: &str) -> Result<u32, ScenarioError> {
    value
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            field_error(
                path,
                format!(
                    "expected a whole number below 2^32, found {}",
                    kind_of(value)
                ),
            )
        })
}

pub(super) fn u64_value(value: &Value, path: &str) -> Result<u64, ScenarioError> {
    value.as_u64().ok_or_else(|| {
        field_error(
            path,
            format!(
                "expected a whole number (0 or more), found {}",
                kind_of(value)
            ),
        )
    })
}

fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
