//! IDs: 32-byte SHA-256 digests, printed in CB58.
//!
//! CB58 is avalanchego's text form of bytes (`utils/formatting/encoding.go`): base58 (Bitcoin
//! alphabet) of the bytes followed by the last 4 bytes of their SHA-256, the checksum. An
//! [`Id`]'s `Display` is its CB58 text; [`Id::from_cb58`] parses it back and verifies the checksum.
//! Bits are numbered as in avalanchego's `ids/id.go` `Bit`: bit `i` is bit `i % 8` of byte
//! `i / 8`, least-significant bit first within each byte.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use sha2::{Digest, Sha256};

/// Bytes of an [`Id`].
pub const ID_LEN: usize = 32;
/// Bits of an [`Id`].
pub const ID_BITS: usize = ID_LEN * 8;
/// Bytes of the CB58 checksum.
const CHECKSUM_LEN: usize = 4;

/// A 32-byte identifier: a block's or an entry's SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Id(pub [u8; ID_LEN]);

/// Why a CB58 text is not an ID.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum IdError {
    /// A character outside the base58 alphabet, at this byte offset of the text.
    #[error("'{character}' at position {position} is not a base58 character")]
    BadCharacter {
        /// The offending character.
        character: char,
        /// Its byte offset in the text.
        position: usize,
    },
    /// The text decodes to the wrong number of bytes (an ID is 32 bytes plus a 4-byte checksum).
    #[error("decodes to {found} bytes, an ID in CB58 is {} bytes (32 + 4-byte checksum)", ID_LEN + CHECKSUM_LEN)]
    BadLength {
        /// How many bytes it decoded to.
        found: usize,
    },
    /// The last 4 bytes are not the last 4 bytes of the SHA-256 of the rest.
    #[error("checksum mismatch: the text is mistyped or truncated")]
    BadChecksum,
}

impl Id {
    /// The empty ID (all zero bytes): genesis's parent. CB58 `11111111111111111111111111111111LpoYY`.
    pub const EMPTY: Id = Id([0; ID_LEN]);

    /// The SHA-256 digest of `bytes`.
    pub fn digest(bytes: &[u8]) -> Id {
        Id(Sha256::digest(bytes).into())
    }

    /// Bit `i` (0..256), least-significant bit first within each byte, as avalanchego's `Bit`.
    /// Out-of-range indices read as 0.
    pub fn bit(&self, i: usize) -> u8 {
        match self.0.get(i / 8) {
            Some(byte) => (byte >> (i % 8)) & 1,
            None => 0,
        }
    }

    /// The CB58 text: base58 of the bytes and a 4-byte SHA-256 checksum.
    pub fn to_cb58(&self) -> String {
        cb58_encode(&self.0)
    }

    /// Parses CB58 text, verifying the checksum.
    pub fn from_cb58(text: &str) -> Result<Id, IdError> {
        let bytes = cb58_decode(text)?;
        let array: [u8; ID_LEN] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| IdError::BadLength {
                found: bytes.len() + CHECKSUM_LEN,
            })?;
        Ok(Id(array))
    }

    /// A short form for crowded places: the first 8 CB58 characters.
    pub fn short(&self) -> String {
        let mut text = self.to_cb58();
        text.truncate(8);
        text
    }
}

/// CB58-encodes any bytes (base58 of the bytes followed by the last 4 bytes of their SHA-256).
pub fn cb58_encode(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut with_checksum = Vec::with_capacity(bytes.len() + CHECKSUM_LEN);
    with_checksum.extend_from_slice(bytes);
    with_checksum.extend_from_slice(&digest[digest.len() - CHECKSUM_LEN..]);
    bs58::encode(with_checksum).into_string()
}

/// Decodes CB58 text to bytes, verifying and removing the checksum.
pub fn cb58_decode(text: &str) -> Result<Vec<u8>, IdError> {
    let decoded = bs58::decode(text).into_vec().map_err(|error| match error {
        bs58::decode::Error::InvalidCharacter { character, index } => IdError::BadCharacter {
            character,
            position: index,
        },
        _ => IdError::BadLength { found: 0 },
    })?;
    if decoded.len() < CHECKSUM_LEN {
        return Err(IdError::BadLength {
            found: decoded.len(),
        });
    }
    let (payload, checksum) = decoded.split_at(decoded.len() - CHECKSUM_LEN);
    let digest = Sha256::digest(payload);
    if digest[digest.len() - CHECKSUM_LEN..] != *checksum {
        return Err(IdError::BadChecksum);
    }
    Ok(payload.to_vec())
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_cb58())
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.to_cb58())
    }
}

impl core::str::FromStr for Id {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Id, IdError> {
        Id::from_cb58(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_id_has_the_reference_text() {
        assert_eq!(Id::EMPTY.to_cb58(), "11111111111111111111111111111111LpoYY");
        assert_eq!(
            Id::from_cb58("11111111111111111111111111111111LpoYY"),
            Ok(Id::EMPTY)
        );
    }

    #[test]
    fn bits_are_least_significant_first() {
        let mut id = Id::EMPTY;
        id.0[0] = 0b0000_0010;
        id.0[1] = 0b1000_0000;
        assert_eq!(id.bit(0), 0);
        assert_eq!(id.bit(1), 1);
        assert_eq!(id.bit(15), 1);
        assert_eq!(id.bit(300), 0);
    }
}
