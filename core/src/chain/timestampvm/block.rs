//! TimestampVM's block codec and payload: [`Block`] (82 bytes on the wire) and [`Data`] (32 bytes).
//!
//! The layout is what avalanchego's linear codec makes of ava-labs/timestampvm's `Block` struct
//! (`timestampvm/block.go`, fields tagged `serialize:"true"`; `timestampvm/codec.go`, codec
//! version 0), all integers big-endian:
//!
//! | bytes  | field                         |
//! |--------|-------------------------------|
//! | 0..2   | codec version (u16, always 0) |
//! | 2..34  | parent ID (32 bytes)          |
//! | 34..42 | height (u64)                  |
//! | 42..50 | timestamp (i64, Unix seconds) |
//! | 50..82 | data (32 bytes)               |
//!
//! A block's ID is the SHA-256 of these bytes (`Block.Initialize`, `hashing.ComputeHash256Array`).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::chain::id::{Id, ID_LEN};
use crate::chain::mempool::MempoolEntry;
use crate::chain::vm::{Timestamp, VmError};

/// Bytes of a block's data (Go's `DataLen`).
pub const DATA_LEN: usize = 32;
/// The only codec version (Go's `CodecVersion`).
pub const CODEC_VERSION: u16 = 0;
/// Bytes of an encoded block.
pub const BLOCK_LEN: usize = 2 + ID_LEN + 8 + 8 + DATA_LEN;

/// Byte ranges of the fields, named once so the codec and its error messages agree.
const VERSION_AT: core::ops::Range<usize> = 0..2;
const PARENT_AT: core::ops::Range<usize> = 2..34;
const HEIGHT_AT: core::ops::Range<usize> = 34..42;
const TIMESTAMP_AT: core::ops::Range<usize> = 42..50;
const DATA_AT: core::ops::Range<usize> = 50..82;

/// A TimestampVM mempool entry and block payload: 32 bytes of data.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Data(pub [u8; DATA_LEN]);

impl MempoolEntry for Data {
    fn id(&self) -> Id {
        Id::digest(&self.0)
    }
}

impl Data {
    /// Data from at most 32 bytes, zero-padded on the right (Go's `BytesToData`), or the length
    /// in words when there are more.
    pub fn from_bytes(bytes: &[u8]) -> Result<Data, String> {
        let mut data = [0u8; DATA_LEN];
        match data.get_mut(..bytes.len()) {
            Some(prefix) => {
                prefix.copy_from_slice(bytes);
                Ok(Data(data))
            }
            None => Err(format!(
                "data is {} bytes; at most {DATA_LEN} bytes fit in a block",
                bytes.len()
            )),
        }
    }

    /// What a user typed into the propose box: exactly 64 hex digits (optionally after `0x`) are
    /// the 32 raw bytes; anything else is UTF-8 text of at most 32 bytes, zero-padded. Longer
    /// text is refused with its length.
    pub fn from_text_or_hex(text: &str) -> Result<Data, String> {
        let digits = text.strip_prefix("0x").unwrap_or(text);
        if digits.len() == 2 * DATA_LEN {
            let mut data = [0u8; DATA_LEN];
            if hex::decode_to_slice(digits, &mut data).is_ok() {
                return Ok(Data(data));
            }
        }
        if text.len() <= DATA_LEN {
            return Data::from_bytes(text.as_bytes());
        }
        Err(format!(
            "\"{text}\" is {} bytes of text; a block holds at most {DATA_LEN} bytes of text, or \
             exactly 64 hex digits for raw bytes",
            text.len()
        ))
    }

    /// The 32 bytes as 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The bytes as text with trailing zero bytes trimmed, when that is valid UTF-8 (and not
    /// empty); `None` for binary data.
    pub fn text(&self) -> Option<String> {
        let end = self
            .0
            .iter()
            .rposition(|byte| *byte != 0)
            .map_or(0, |last| last + 1);
        let trimmed = self.0.get(..end)?;
        if trimmed.is_empty() {
            return None;
        }
        core::str::from_utf8(trimmed).ok().map(String::from)
    }
}

/// Genesis bytes for `data`: the raw data, at most 32 bytes (`vm.go` `initGenesis` pads it to
/// 32 with zeros), or why not.
pub fn genesis_bytes(data: &[u8]) -> Result<Vec<u8>, VmError> {
    if data.len() > DATA_LEN {
        return Err(VmError::Genesis(format!(
            "genesis data is {} bytes; at most {DATA_LEN}",
            data.len()
        )));
    }
    Ok(data.to_vec())
}

/// A TimestampVM block's fields, with the 82-byte codec ([`Block::to_bytes`],
/// [`Block::from_bytes`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Block {
    /// The parent block's ID ([`Id::EMPTY`] for genesis).
    pub parent: Id,
    /// Genesis is height 0.
    pub height: u64,
    /// Unix seconds (virtual) when it was built.
    pub timestamp: Timestamp,
    /// The payload.
    pub data: Data,
}

impl Block {
    /// The genesis block for `data`: parent empty, height 0, timestamp 0.
    pub fn genesis(data: Data) -> Block {
        Block {
            parent: Id::EMPTY,
            height: 0,
            timestamp: 0,
            data,
        }
    }

    /// The 82 bytes of the block (codec version 0).
    pub fn to_bytes(&self) -> [u8; BLOCK_LEN] {
        let mut bytes = [0u8; BLOCK_LEN];
        bytes[VERSION_AT].copy_from_slice(&CODEC_VERSION.to_be_bytes());
        bytes[PARENT_AT].copy_from_slice(&self.parent.0);
        bytes[HEIGHT_AT].copy_from_slice(&self.height.to_be_bytes());
        bytes[TIMESTAMP_AT].copy_from_slice(&self.timestamp.to_be_bytes());
        bytes[DATA_AT].copy_from_slice(&self.data.0);
        bytes
    }

    /// The block's ID: SHA-256 of its bytes.
    pub fn id(&self) -> Id {
        Id::digest(&self.to_bytes())
    }

    /// Decodes 82 bytes, or says what is wrong and where ([`VmError::Malformed`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Block, VmError> {
        let bytes: &[u8; BLOCK_LEN] = bytes.try_into().map_err(|_| {
            VmError::Malformed(format!(
                "block is {} bytes; a TimestampVM block is {BLOCK_LEN}",
                bytes.len()
            ))
        })?;
        let version = u16::from_be_bytes(field(bytes, VERSION_AT));
        if version != CODEC_VERSION {
            return Err(VmError::Malformed(format!(
                "codec version {version} at bytes {}..{}; only version {CODEC_VERSION} exists",
                VERSION_AT.start, VERSION_AT.end
            )));
        }
        Ok(Block {
            parent: Id(field(bytes, PARENT_AT)),
            height: u64::from_be_bytes(field(bytes, HEIGHT_AT)),
            timestamp: i64::from_be_bytes(field(bytes, TIMESTAMP_AT)),
            data: Data(field(bytes, DATA_AT)),
        })
    }
}

/// The fixed-size field at `range` of a whole block. The ranges are constants inside
/// [`BLOCK_LEN`], so the fallback (zeros) is never taken; it only keeps the code panic-free.
fn field<const N: usize>(bytes: &[u8; BLOCK_LEN], range: core::ops::Range<usize>) -> [u8; N] {
    bytes
        .get(range)
        .and_then(|slice| <[u8; N]>::try_from(slice).ok())
        .unwrap_or([0u8; N])
}
