//! The TimestampVM service, served by one node's VM, with the reference's method names, argument
//! and reply field names and encodings:
//! - ava-labs/timestampvm `timestampvm/service.go`: `timestampvm.proposeBlock {data}` ->
//!   `{"Success": bool}` (Go's field name, untagged), and `timestampvm.getBlock {id?}` ->
//!   `{timestamp, data, height, id, parentID}` with the numbers as decimal strings (avalanchego
//!   `utils/json.Uint64`), the data in avalanchego's checksummed hex (`formatting.Hex`) and the
//!   IDs in CB58;
//! - ava-labs/timestampvm-rs `timestampvm/src/api/chain_handlers.rs`: `ping` -> `{success}` and
//!   `lastAccepted` -> `{id}` (also under their bare names, as its aliases are).

use alloc::format;
use alloc::string::String;

use serde::Serialize;

use super::encoding::{decode_hex_with_checksum, encode_hex_with_checksum};
use super::params::Params;
use super::{reply, Reply, RpcError};
use crate::chain::engine::NodeIndex;
use crate::chain::network::ChainError;
use crate::chain::timestampvm::{Data, TimestampVm, DATA_LEN};
use crate::chain::vm::{ChainVm, VmError};
use crate::playground::chain::ChainPlayground;

/// The reply to `ping`.
#[derive(Serialize)]
struct PingReply {
    success: bool,
}

/// The reply to `proposeBlock` (Go's `ProposeBlockReply{Success bool}`, so the key is
/// capitalized). `reason` is ours: only present when the mempool refused, which Go clients
/// ignore.
#[derive(Serialize)]
struct ProposeBlockReply {
    #[serde(rename = "Success")]
    success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// The reply to `getBlock` (Go's `GetBlockReply`).
#[derive(Serialize)]
pub(super) struct GetBlockReply {
    timestamp: String,
    data: String,
    height: String,
    id: String,
    #[serde(rename = "parentID")]
    parent_id: String,
}

/// The reply to `lastAccepted`.
#[derive(Serialize)]
struct LastAcceptedReply {
    id: String,
}

/// `ping`: the service is up.
pub(super) fn ping(params: Params) -> Reply {
    params.bind(&[])?;
    reply(&PingReply { success: true })
}

/// `timestampvm.proposeBlock {data}`: puts 32 bytes into the serving node's mempool.
pub(super) fn propose_block(
    playground: &mut ChainPlayground,
    node: NodeIndex,
    params: Params,
) -> Reply {
    let mut args = params.bind(&["data"])?;
    let text = args.str("data", "32 bytes as 0x-prefixed hex")?;
    let data = parse_data(&text).map_err(|what| RpcError::param("data", what))?;
    serving_vm(playground, node)?;
    // Through the playground's own command path, so the page and the RPC agree on what a
    // proposal does; the 64 hex digits round-trip exactly.
    match playground.propose(node, &data.to_hex()) {
        Ok(_) => reply(&ProposeBlockReply {
            success: true,
            reason: None,
        }),
        // Go answers `Success: false` when its mempool refuses (it is full); ours also refuses
        // duplicates, and says why.
        Err(ChainError::Vm {
            error: error @ VmError::Mempool(_),
            ..
        }) => reply(&ProposeBlockReply {
            success: false,
            reason: Some(format!("{error}")),
        }),
        Err(error) => Err(error.into()),
    }
}

/// `timestampvm.getBlock {id?}`: a block the serving node knows; no id: its last accepted block.
pub(super) fn get_block(playground: &ChainPlayground, node: NodeIndex, params: Params) -> Reply {
    let mut args = params.bind(&["id"])?;
    let id = args.opt_id("id")?;
    let vm = serving_vm(playground, node)?;
    let id = id.unwrap_or_else(|| vm.last_accepted());
    reply(&get_block_reply(vm, &id)?)
}

/// The `getBlock` reply for block `id` of `vm`.
pub(super) fn get_block_reply(
    vm: &TimestampVm,
    id: &crate::chain::id::Id,
) -> Result<GetBlockReply, RpcError> {
    // The reference's words (`errNoSuchBlock`), with the ID.
    let missing = || {
        RpcError::refused(format!(
            "couldn't get block from database. Does it exist? ({id})"
        ))
    };
    let header = vm.get_block(id).map_err(|_| missing())?;
    let data = vm.block_data(id).map_err(|_| missing())?;
    // Go converts the signed Unix seconds with `json.Uint64(...)`; virtual time is never negative.
    let timestamp = u64::try_from(header.timestamp).unwrap_or_default();
    Ok(GetBlockReply {
        timestamp: format!("{timestamp}"),
        data: encode_hex_with_checksum(&data.0),
        height: format!("{}", header.height),
        id: header.id.to_cb58(),
        parent_id: header.parent.to_cb58(),
    })
}

/// `timestampvm.lastAccepted`: the serving node's last accepted block.
pub(super) fn last_accepted(
    playground: &ChainPlayground,
    node: NodeIndex,
    params: Params,
) -> Reply {
    params.bind(&[])?;
    let vm = serving_vm(playground, node)?;
    reply(&LastAcceptedReply {
        id: vm.last_accepted().to_cb58(),
    })
}

/// The VM of the node serving the TimestampVM methods; a crashed node serves nothing.
fn serving_vm(playground: &ChainPlayground, node: NodeIndex) -> Result<&TimestampVm, RpcError> {
    let network = playground.network();
    let nodes = network.node_count();
    let no_such_node = || RpcError::from(ChainError::NoSuchNode { node, nodes });
    if network.is_crashed(node) {
        return Err(ChainError::Crashed(node).into());
    }
    network
        .engine(node)
        .map(|engine| engine.vm())
        .ok_or_else(no_such_node)
}

/// The `data` argument: the reference's checksummed hex (`0x` + 72 digits), or plain hex of the
/// 32 bytes (`0x` + 64 digits, or 64 digits), or our text form (UTF-8, at most 32 bytes,
/// zero-padded). A string starting with `0x` is always read as hex, so a mistyped hex string is an
/// error instead of silently becoming text.
pub(super) fn parse_data(text: &str) -> Result<Data, String> {
    const HINT: &str = "data must be hex representation of 32 bytes: 0x and 64 hex digits, \
                        optionally followed by avalanchego's 8-digit checksum";
    if text.is_empty() {
        return Err(format!("empty; {HINT}, or up to 32 bytes of text"));
    }
    let Some(digits) = text.strip_prefix("0x") else {
        return Data::from_text_or_hex(text);
    };
    let bytes = if digits.len() == 2 * DATA_LEN {
        hex::decode(digits).map_err(|error| format!("not hex ({error}); {HINT}"))?
    } else {
        decode_hex_with_checksum(text).map_err(|error| format!("{error}; {HINT}"))?
    };
    if bytes.len() != DATA_LEN {
        return Err(format!("{} bytes; {HINT}", bytes.len()));
    }
    Data::from_bytes(&bytes)
}
