//! A JSON-RPC 2.0 dispatcher over a chain playground: bytes in, bytes out, no I/O.
//!
//! It owns the envelope rules of the JSON-RPC 2.0 specification (<https://www.jsonrpc.org/specification>):
//! a request is an object with `"jsonrpc": "2.0"`, a string `method`, optional structured
//! `params` (an object by name or an array by position) and an optional `id` (a string, a number
//! or null) that the response echoes as given. A request without `id` is a notification and gets
//! no response; a batch (an array) gets an array of the responses to its non-notification members,
//! or nothing at all when they were all notifications. The error codes are the specification's:
//!
//! | code | when |
//! |---|---|
//! | [`PARSE_ERROR`] -32700 | the bytes are not JSON |
//! | [`INVALID_REQUEST`] -32600 | JSON, but not a request object (or an empty batch) |
//! | [`METHOD_NOT_FOUND`] -32601 | no such method |
//! | [`INVALID_PARAMS`] -32602 | a parameter is missing, unknown or malformed; the message names it |
//! | [`INTERNAL_ERROR`] -32603 | a reply could not be encoded (not expected to happen) |
//! | [`REFUSED`] -32000 | the network refused the command; the message is its reason |
//!
//! The methods (see [`METHODS`]) are those of the TimestampVM service, with the reference's
//! names and encodings (ava-labs/timestampvm `timestampvm/service.go`, and `ping` and
//! `lastAccepted` from ava-labs/timestampvm-rs `timestampvm/src/api/chain_handlers.rs`), plus
//! `snowrv.*` methods that read and drive the whole simulated network. The TimestampVM methods
//! are served by one node's VM, the `node` argument of [`dispatch`] (the page's selected node).
//! Nothing in a request can panic the dispatcher; a property test feeds it arbitrary bytes.
//!
//! | method | params | result |
//! |---|---|---|
//! | `ping`, `timestampvm.ping` | none | `{"success": true}` |
//! | `timestampvm.proposeBlock` | `data`: `0x` + 64 hex digits (+ 8 checksum digits, as avalanchego), or text of at most 32 bytes | `{"Success": bool}` (+ `reason` when the mempool refused) |
//! | `timestampvm.getBlock` | `id?` (CB58; none: last accepted) | `{timestamp, data, height, id, parentID}` (numbers as strings, data in checksummed hex) |
//! | `timestampvm.lastAccepted` | none | `{id}` |
//! | `snowrv.methods` | none | every method name |
//! | `snowrv.status` | none | `{now, nodes, honest, byzantine, crashed, partition, genesis, blocks, newestProcessing, lastBuilt, decisions, stats, transcriptHash}` |
//! | `snowrv.node` | `node?` (default: the serving node) | preference, last accepted, height, processing, mempool, polls, Snowball trees |
//! | `snowrv.nodes` | none | each node's `{index, honest, crashed, preference, lastAccepted, lastAcceptedHeight}` |
//! | `snowrv.blocks` | none | every block: `{id, parentID, height, timestamp, bytes, builder, acceptedBy, rejectedBy, knownBy, status, fields}` |
//! | `snowrv.getParameters` | none | the network config (camelCase) |
//! | `snowrv.setParameters` | any config fields (`params` merged field by field) | the new config; the network is rebuilt |
//! | `snowrv.propose` | `data`, `node?` | `{node, id, data}` |
//! | `snowrv.build`, `snowrv.buildConflicting` | `node?` | `{node, id, parentID, height}` |
//! | `snowrv.step` | `granularity`: message, poll (`node?`), round, decided (`block?`), quiet, run (`messages`) | `{outcome, block?, now, delivered, dropped, polls, decisions, stats}` |
//! | `snowrv.decisions` | `node?`, `limit?` | `[{node, block, height, status, at}]` |
//! | `snowrv.lastPoll` | `node?` | the poll inspector's record, or null |
//! | `snowrv.transcriptHash` | none | `{hash}` |
//! | `snowrv.crash`, `snowrv.restart` | `node` | `{node, crashed}` |
//! | `snowrv.partition` | `split?` (null or missing: heal) | `{split}` |
//!
//! ```
//! use snowrv_core::chain::network::NetworkConfig;
//! use snowrv_core::chain::rpc::dispatch;
//! use snowrv_core::playground::chain::ChainPlayground;
//! let mut playground = ChainPlayground::new(NetworkConfig::default()).unwrap();
//! let response = dispatch(&mut playground, 0, br#"{"jsonrpc":"2.0","method":"ping","id":7}"#);
//! assert_eq!(response, br#"{"jsonrpc":"2.0","result":{"success":true},"id":7}"#);
//! ```

mod config_patch;
mod encoding;
mod params;
mod snowrv;
mod timestampvm;

#[cfg(test)]
mod tests;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::Value;

use crate::chain::engine::NodeIndex;
use crate::chain::network::ChainError;
use crate::playground::chain::ChainPlayground;

use params::Params;

pub use encoding::{decode_hex_with_checksum, encode_hex_with_checksum};

/// The bytes are not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// The JSON is not a valid request object (or is an empty batch).
pub const INVALID_REQUEST: i64 = -32600;
/// The method does not exist.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// A parameter is missing, unknown or malformed.
pub const INVALID_PARAMS: i64 = -32602;
/// The reply could not be encoded.
pub const INTERNAL_ERROR: i64 = -32603;
/// The network refused the command (the first code of the specification's server-error range).
pub const REFUSED: i64 = -32000;

/// Every method, in the order `snowrv.methods` lists them.
pub const METHODS: &[&str] = &[
    "ping",
    "timestampvm.ping",
    "timestampvm.proposeBlock",
    "timestampvm.getBlock",
    "timestampvm.lastAccepted",
    "proposeBlock",
    "getBlock",
    "lastAccepted",
    "snowrv.methods",
    "snowrv.status",
    "snowrv.node",
    "snowrv.nodes",
    "snowrv.blocks",
    "snowrv.getParameters",
    "snowrv.setParameters",
    "snowrv.propose",
    "snowrv.build",
    "snowrv.buildConflicting",
    "snowrv.step",
    "snowrv.decisions",
    "snowrv.lastPoll",
    "snowrv.transcriptHash",
    "snowrv.crash",
    "snowrv.restart",
    "snowrv.partition",
];

/// A JSON-RPC error object's code and message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RpcError {
    /// One of the codes above.
    pub code: i64,
    /// What went wrong, in words.
    pub message: String,
}

impl RpcError {
    /// [`INVALID_PARAMS`] about parameter `name`.
    pub(crate) fn param(name: &str, what: impl core::fmt::Display) -> RpcError {
        RpcError {
            code: INVALID_PARAMS,
            message: format!("Invalid params: {name}: {what}"),
        }
    }

    /// [`INVALID_REQUEST`] with the reason.
    fn request(what: &str) -> RpcError {
        RpcError {
            code: INVALID_REQUEST,
            message: format!("Invalid Request: {what}"),
        }
    }

    /// [`INTERNAL_ERROR`] with the reason.
    pub(crate) fn internal(what: impl core::fmt::Display) -> RpcError {
        RpcError {
            code: INTERNAL_ERROR,
            message: format!("Internal error: {what}"),
        }
    }

    /// [`REFUSED`] with a free-form reason.
    pub(crate) fn refused(what: impl ToString) -> RpcError {
        RpcError {
            code: REFUSED,
            message: what.to_string(),
        }
    }
}

impl From<ChainError> for RpcError {
    /// A refused network command keeps the network's own words.
    fn from(error: ChainError) -> RpcError {
        RpcError::refused(error)
    }
}

/// What a method returns: its result, already encoded as JSON text.
pub(crate) type Reply = Result<String, RpcError>;

/// Encodes a result value.
pub(crate) fn reply<T: serde::Serialize + ?Sized>(value: &T) -> Reply {
    serde_json::to_string(value).map_err(RpcError::internal)
}

/// How many responses of each kind one [`dispatch_with_summary`] call produced.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Summary {
    /// Responses carrying a `result`.
    pub results: u32,
    /// Responses carrying an `error`.
    pub errors: u32,
}

/// Handles one JSON-RPC 2.0 request or batch against `playground`; `node` serves the
/// `timestampvm.*` methods. Returns the response bytes: empty when the request was a
/// notification (or a batch of notifications).
pub fn dispatch(playground: &mut ChainPlayground, node: NodeIndex, request: &[u8]) -> Vec<u8> {
    dispatch_with_summary(playground, node, request).0
}

/// [`dispatch`], also saying how many results and errors the response holds (the CLI's exit
/// status comes from it).
pub fn dispatch_with_summary(
    playground: &mut ChainPlayground,
    node: NodeIndex,
    request: &[u8],
) -> (Vec<u8>, Summary) {
    let mut summary = Summary::default();
    let value: Value = match serde_json::from_slice(request) {
        Ok(value) => value,
        Err(error) => {
            let error = RpcError {
                code: PARSE_ERROR,
                message: format!("Parse error: {error}"),
            };
            summary.errors += 1;
            return (error_response(&Value::Null, &error).into_bytes(), summary);
        }
    };
    let text = match value {
        Value::Array(batch) if batch.is_empty() => {
            summary.errors += 1;
            let error = RpcError::request("an empty batch");
            error_response(&Value::Null, &error)
        }
        Value::Array(batch) => {
            let responses: Vec<String> = batch
                .into_iter()
                .filter_map(|item| handle(playground, node, item, &mut summary))
                .collect();
            if responses.is_empty() {
                String::new()
            } else {
                format!("[{}]", responses.join(","))
            }
        }
        single => handle(playground, node, single, &mut summary).unwrap_or_default(),
    };
    (text.into_bytes(), summary)
}

/// One request object: its response, or None for a notification.
fn handle(
    playground: &mut ChainPlayground,
    node: NodeIndex,
    request: Value,
    summary: &mut Summary,
) -> Option<String> {
    let (id, outcome) = match parse_request(request) {
        Ok((id, method, params)) => {
            let outcome = call(playground, node, &method, params);
            // A notification runs, and nobody hears about it (not even its errors).
            (id?, outcome)
        }
        Err((id, error)) => (id, Err(error)),
    };
    Some(match outcome {
        Ok(result) => {
            summary.results += 1;
            let id = encode_id(&id);
            format!(r#"{{"jsonrpc":"2.0","result":{result},"id":{id}}}"#)
        }
        Err(error) => {
            summary.errors += 1;
            error_response(&id, &error)
        }
    })
}

/// A checked request: (id, None for a notification), method, params; or the id to answer an
/// invalid request with (null when it could not be read) and why it is invalid.
type Parsed = Result<(Option<Value>, String, Params), (Value, RpcError)>;

fn parse_request(request: Value) -> Parsed {
    let Value::Object(mut members) = request else {
        return Err((Value::Null, RpcError::request("a request is a JSON object")));
    };
    let id = match members.remove("id") {
        None => None,
        Some(id @ (Value::Null | Value::Number(_) | Value::String(_))) => Some(id),
        Some(_) => {
            let error = RpcError::request("id must be a string, a number or null");
            return Err((Value::Null, error));
        }
    };
    let answer_to = id.clone().unwrap_or(Value::Null);
    if members.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        let error = RpcError::request(r#"the member "jsonrpc" must be exactly "2.0""#);
        return Err((answer_to, error));
    }
    let method = match members.remove("method") {
        Some(Value::String(method)) => method,
        _ => {
            let error = RpcError::request(r#"the member "method" must be a string"#);
            return Err((answer_to, error));
        }
    };
    let params = match members.remove("params") {
        None => Params::none(),
        Some(Value::Object(named)) => Params::named(named),
        Some(Value::Array(positional)) => Params::positional(positional),
        Some(_) => {
            let error = RpcError::request(r#"the member "params" must be an object or an array"#);
            return Err((answer_to, error));
        }
    };
    Ok((id, method, params))
}

/// Runs one method.
fn call(playground: &mut ChainPlayground, node: NodeIndex, method: &str, params: Params) -> Reply {
    match method {
        "ping" | "timestampvm.ping" => timestampvm::ping(params),
        "timestampvm.proposeBlock" | "proposeBlock" => {
            timestampvm::propose_block(playground, node, params)
        }
        "timestampvm.getBlock" | "getBlock" => timestampvm::get_block(playground, node, params),
        "timestampvm.lastAccepted" | "lastAccepted" => {
            timestampvm::last_accepted(playground, node, params)
        }
        "snowrv.methods" => {
            params.bind(&[])?;
            reply(METHODS)
        }
        "snowrv.status" => snowrv::status(playground, params),
        "snowrv.node" => snowrv::node(playground, node, params),
        "snowrv.nodes" => snowrv::nodes(playground, params),
        "snowrv.blocks" => snowrv::blocks(playground, node, params),
        "snowrv.getParameters" => snowrv::get_parameters(playground, params),
        "snowrv.setParameters" => snowrv::set_parameters(playground, params),
        "snowrv.propose" => snowrv::propose(playground, node, params),
        "snowrv.build" => snowrv::build(playground, node, params, false),
        "snowrv.buildConflicting" => snowrv::build(playground, node, params, true),
        "snowrv.step" => snowrv::step(playground, params),
        "snowrv.decisions" => snowrv::decisions(playground, params),
        "snowrv.lastPoll" => snowrv::last_poll(playground, params),
        "snowrv.transcriptHash" => snowrv::transcript_hash(playground, params),
        "snowrv.crash" => snowrv::crash(playground, params, true),
        "snowrv.restart" => snowrv::crash(playground, params, false),
        "snowrv.partition" => snowrv::partition(playground, params),
        _ => Err(RpcError {
            code: METHOD_NOT_FOUND,
            message: format!("Method not found: {method:?} (snowrv.methods lists them)"),
        }),
    }
}

/// The `id` member as JSON text.
fn encode_id(id: &Value) -> String {
    // Encoding a Value parsed from JSON cannot fail; null is the spec's answer if it ever did.
    serde_json::to_string(id).unwrap_or_else(|_| String::from("null"))
}

/// An error response.
fn error_response(id: &Value, error: &RpcError) -> String {
    let message = serde_json::to_string(&error.message).unwrap_or_else(|_| String::from("\"\""));
    let (code, id) = (error.code, encode_id(id));
    format!(r#"{{"jsonrpc":"2.0","error":{{"code":{code},"message":{message}}},"id":{id}}}"#)
}
