//! `snowrv.setParameters`: a full or partial [`NetworkConfig`] in its camelCase JSON form laid
//! over the current one, field by field, so that every error names the field it is about
//! (`nodes`, `params.alphaPreference`, ...), and validated before anything changes.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde_json::{Map, Value};

use super::RpcError;
use crate::chain::network::{ConfigError, NetworkConfig};
use crate::chain::params::ParamError;

/// `current` with the fields of `patch` replaced (the nested `params` object field by field),
/// checked by [`NetworkConfig::validate`]; or the first bad field and why.
pub(super) fn patch_config(
    current: &NetworkConfig,
    patch: Map<String, Value>,
) -> Result<NetworkConfig, RpcError> {
    let Value::Object(mut merged) = serde_json::to_value(current).map_err(RpcError::internal)?
    else {
        return Err(RpcError::internal("a config did not encode as an object"));
    };
    for (key, value) in patch {
        let Some(slot) = merged.get(&key) else {
            return Err(RpcError::param(
                &key,
                format!("unknown field (expected one of {})", names(&merged)),
            ));
        };
        match (value, slot) {
            (Value::Object(fields), Value::Object(current_fields)) => {
                // A nested object (`params`) merges field by field, so `{"params": {"k": 10}}`
                // keeps the other parameters.
                let mut nested = current_fields.clone();
                for (field, value) in fields {
                    let name = format!("{key}.{field}");
                    if !nested.contains_key(&field) {
                        let what = format!("unknown field (expected one of {})", names(&nested));
                        return Err(RpcError::param(&name, what));
                    }
                    nested.insert(field, value);
                    check(&merged, &key, Value::Object(nested.clone()), &name)?;
                }
                merged.insert(key, Value::Object(nested));
            }
            (value, _) => {
                check(&merged, &key, value.clone(), &key)?;
                merged.insert(key, value);
            }
        }
    }
    let config: NetworkConfig = serde_json::from_value(Value::Object(merged))
        .map_err(|error| RpcError::param("params", error))?;
    config.validate().map_err(config_error)?;
    Ok(config)
}

/// Does `merged` with `key` set to `value` still decode as a config? The error names `name`.
fn check(merged: &Map<String, Value>, key: &str, value: Value, name: &str) -> Result<(), RpcError> {
    let mut candidate = merged.clone();
    candidate.insert(String::from(key), value);
    serde_json::from_value::<NetworkConfig>(Value::Object(candidate))
        .map(|_| ())
        .map_err(|error| RpcError::param(name, error))
}

/// The field names of an object, for "expected one of".
fn names(object: &Map<String, Value>) -> String {
    object
        .keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A validation error, named by the JSON field it is about.
fn config_error(error: ConfigError) -> RpcError {
    match error {
        ConfigError::Field { field, reason } => RpcError::param(field, reason),
        ConfigError::Params(error) => {
            let field = match &error {
                ParamError::KZero { .. } => "params.k",
                ParamError::AlphaPreferenceTooLow { .. } => "params.alphaPreference",
                ParamError::AlphaConfidenceBelowPreference { .. }
                | ParamError::AlphaConfidenceAboveK { .. } => "params.alphaConfidence",
                ParamError::BetaZero { .. } => "params.beta",
                ParamError::BetaRogueBelowBeta { .. } => "params.betaRogue",
                ParamError::ConcurrentRepolls { .. } => "params.concurrentRepolls",
                ParamError::OptimalProcessingZero { .. } => "params.optimalProcessing",
                // The network-dependent rule today is K <= nodes.
                ParamError::Network(text) if text.starts_with("K ") => "params.k",
                ParamError::Network(_) => "params",
            };
            RpcError::param(field, error)
        }
    }
}
