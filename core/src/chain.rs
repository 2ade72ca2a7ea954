//! The chain: avalanchego's Snowman consensus over a `ChainVm`, on a simulated network.
//!
//! Bottom up:
//! - [`id`]: 32-byte IDs (SHA-256 digests) and their CB58 text form.
//! - [`vm`]: the [`vm::ChainVm`] trait in the shape of avalanchego's `block.ChainVM` +
//!   `common.VM`, block statuses and VM errors.
//! - [`mempool`]: a reusable FIFO of pending entries with de-duplication and a reason for every
//!   refusal.
//! - [`timestampvm`]: the TimestampVM, byte-compatible with ava-labs/timestampvm.
//! - [`params`]: Snowball parameters (K, the alphas, Beta, ...), validation and presets.
//! - [`snowball`]: Snowflake/Snowball counters and the per-parent bit tree.
//! - [`snowman`]: Topological consensus over the block tree of one node.
//! - [`engine`]: one node's Snowman engine: builds, queries, answers chits, fetches ancestors.
//! - [`network`]: many engines on virtual time with latency, drops, partitions, crashes and
//!   Byzantine nodes; every step emits [`network::ChainEvent`]s.
//! - [`scenario`]: networks and their scripted steps as data files.
//! - [`rpc`]: a JSON-RPC 2.0 dispatcher (bytes in, bytes out) over a network.
//!
//! Everything here is deterministic: virtual time is an argument, randomness is a seeded ChaCha
//! stream, and maps that reach a result are ordered.

pub(crate) mod digits;
pub mod engine;
pub mod id;
pub mod mempool;
pub mod network;
pub mod params;
pub mod rpc;
pub mod scenario;
pub mod snowball;
pub mod snowman;
pub mod timestampvm;
pub mod vm;

pub use id::Id;
