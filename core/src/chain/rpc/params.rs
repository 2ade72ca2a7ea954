//! A method's parameters: by name (an object) or by position (an array, matched to the method's
//! parameter names in order), read with typed getters whose errors name the parameter.
//!
//! An array holding exactly one object is read as that object, as gorilla/rpc's `json2` codec
//! (which avalanchego serves JSON-RPC with) does, so `"params": [{"id": "…"}]` works too.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde_json::{Map, Value};

use super::RpcError;
use crate::chain::engine::NodeIndex;
use crate::chain::id::Id;
use crate::playground::chain::ChainPlayground;

/// The `params` member as it came.
#[derive(Debug)]
pub(crate) enum Params {
    /// No `params` member.
    None,
    /// An object.
    Named(Map<String, Value>),
    /// An array.
    Positional(Vec<Value>),
}

impl Params {
    /// No parameters.
    pub(crate) fn none() -> Params {
        Params::None
    }

    /// Parameters by name.
    pub(crate) fn named(named: Map<String, Value>) -> Params {
        Params::Named(named)
    }

    /// Parameters by position (one object alone is by name).
    pub(crate) fn positional(mut positional: Vec<Value>) -> Params {
        if positional.len() == 1 && positional.first().is_some_and(Value::is_object) {
            if let Some(Value::Object(named)) = positional.pop() {
                return Params::Named(named);
            }
        }
        Params::Positional(positional)
    }

    /// Matches the parameters to the method's `names`: an unknown name or too many positions is
    /// an error; null counts as absent.
    pub(crate) fn bind(self, names: &[&'static str]) -> Result<Args, RpcError> {
        let takes = || {
            if names.is_empty() {
                String::from("this method takes no parameters")
            } else {
                format!("this method takes: {}", names.join(", "))
            }
        };
        let mut values = BTreeMap::new();
        match self {
            Params::None => {}
            Params::Named(named) => {
                for (key, value) in named {
                    let Some(name) = names.iter().find(|name| **name == key) else {
                        return Err(RpcError::param(&key, format!("unknown ({})", takes())));
                    };
                    if !value.is_null() {
                        values.insert(*name, value);
                    }
                }
            }
            Params::Positional(positional) => {
                if positional.len() > names.len() {
                    let what = format!("{} given by position; {}", positional.len(), takes());
                    return Err(RpcError::param("params", what));
                }
                for (name, value) in names.iter().zip(positional) {
                    if !value.is_null() {
                        values.insert(*name, value);
                    }
                }
            }
        }
        Ok(Args { values })
    }

    /// The parameters as one object (`snowrv.setParameters`, whose parameters are the config's
    /// fields); no parameters is an empty object.
    pub(crate) fn into_object(self) -> Result<Map<String, Value>, RpcError> {
        match self {
            Params::None => Ok(Map::new()),
            Params::Named(named) => Ok(named),
            Params::Positional(positional) if positional.is_empty() => Ok(Map::new()),
            Params::Positional(_) => Err(RpcError::param(
                "params",
                "expected an object of config fields (or an array holding one)",
            )),
        }
    }
}

/// Bound parameters (only those given and not null).
#[derive(Debug)]
pub(crate) struct Args {
    values: BTreeMap<&'static str, Value>,
}

impl Args {
    /// A non-negative whole number.
    pub(crate) fn opt_u64(&mut self, name: &str) -> Result<Option<u64>, RpcError> {
        match self.values.remove(name) {
            None => Ok(None),
            Some(value) => match value.as_u64() {
                Some(number) => Ok(Some(number)),
                None => Err(RpcError::param(
                    name,
                    format!("expected a whole number 0 or more, got {}", show(&value)),
                )),
            },
        }
    }

    /// A string.
    pub(crate) fn opt_str(&mut self, name: &str) -> Result<Option<String>, RpcError> {
        match self.values.remove(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(value) => Err(RpcError::param(
                name,
                format!("expected a string, got {}", show(&value)),
            )),
        }
    }

    /// A string that must be there.
    pub(crate) fn str(&mut self, name: &str, what: &str) -> Result<String, RpcError> {
        self.opt_str(name)?
            .ok_or_else(|| RpcError::param(name, format!("missing ({what})")))
    }

    /// A block ID in CB58 (the empty string counts as absent, as the older reference did).
    pub(crate) fn opt_id(&mut self, name: &str) -> Result<Option<Id>, RpcError> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => Id::from_cb58(&text).map(Some).map_err(|error| {
                RpcError::param(
                    name,
                    format!("{} is not an ID: {error}", show(&Value::String(text))),
                )
            }),
        }
    }

    /// A node index of the playground's network.
    pub(crate) fn opt_node(
        &mut self,
        name: &str,
        playground: &ChainPlayground,
    ) -> Result<Option<NodeIndex>, RpcError> {
        let nodes = playground.network().node_count();
        match self.opt_u64(name)? {
            None => Ok(None),
            Some(node) if node < u64::from(nodes) => Ok(NodeIndex::try_from(node).ok()),
            Some(node) => Err(RpcError::param(
                name,
                format!(
                    "there is no node {node} (the network has {nodes}: 0 to {})",
                    nodes.saturating_sub(1)
                ),
            )),
        }
    }

    /// A node index that must be there.
    pub(crate) fn node(
        &mut self,
        name: &str,
        playground: &ChainPlayground,
    ) -> Result<NodeIndex, RpcError> {
        self.opt_node(name, playground)?
            .ok_or_else(|| RpcError::param(name, "missing (a node index)"))
    }
}

/// A value as a short quote for an error message.
pub(crate) fn show(value: &Value) -> String {
    const MAX: usize = 40;
    let text = match value {
        Value::Array(_) => return String::from("an array"),
        Value::Object(_) => return String::from("an object"),
        other => serde_json::to_string(other).unwrap_or_default(),
    };
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text,
    }
}
