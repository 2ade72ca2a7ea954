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
#[derive(Clone, Copy, Eq, Default)]
pub struct Id(pub [u8; ID_LEN]);

/// The four 8-byte words of an ID, the first bytes first, each read by `read`: native byte
/// order where only equality matters, big-endian where order does (big-endian words compare as
/// their bytes do).
#[inline]
fn words(id: &Id, read: fn([u8; 8]) -> u64) -> impl Iterator<Item = u64> + '_ {
    id.0.chunks_exact(8).map(move |bytes| {
        let mut word = [0u8; 8];
        word.copy_from_slice(bytes);
        read(word)
    })
}

/// Byte-wise equality, done as four word compares: IDs are compared on every message, and a
/// `[u8; 32]` comparison can become a call to a byte loop (`memcmp` on wasm32).
impl PartialEq for Id {
    #[inline]
    fn eq(&self, other: &Id) -> bool {
        words(self, u64::from_ne_bytes)
            .zip(words(other, u64::from_ne_bytes))
            .fold(0, |differ, (a, b)| differ | (a ^ b))
            == 0
    }
}

/// The bytes' order (lexicographic), as four word compares for the same reason: every map keyed
/// by ID orders its keys this way, and the consensus and VM look blocks up in such maps.
impl Ord for Id {
    #[inline]
    fn cmp(&self, other: &Id) -> core::cmp::Ordering {
        words(self, u64::from_be_bytes)
            .zip(words(other, u64::from_be_bytes))
            .map(|(a, b)| a.cmp(&b))
            .find(|order| order.is_ne())
            .unwrap_or(core::cmp::Ordering::Equal)
    }
}

impl PartialOrd for Id {
    #[inline]
    fn partial_cmp(&self, other: &Id) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The same hash as the bytes' (consistent with [`PartialEq`], which compares the bytes).
impl core::hash::Hash for Id {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

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
    use alloc::format;

    #[test]
    fn ids_are_equal_exactly_when_every_byte_is() {
        let base = Id::digest(b"equality");
        let copy = base;
        assert_eq!(base, copy);
        for index in 0..ID_LEN {
            for flip in [1u8, 0x80] {
                let mut other = base;
                other.0[index] ^= flip;
                assert_ne!(base, other, "byte {index} differs");
                assert_eq!(base == other, base.0 == other.0);
                assert_eq!(
                    base.cmp(&other) == core::cmp::Ordering::Equal,
                    base == other
                );
            }
        }
    }

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

    #[test]
    fn cb58_round_trips_a_digest() {
        let id = Id::digest(b"snowrv");
        let text = id.to_cb58();
        assert_eq!(Id::from_cb58(&text), Ok(id));
        assert_eq!(text.parse::<Id>(), Ok(id));
        assert_eq!(format!("{id}"), text);
        assert_eq!(id.short(), text[..8]);
    }

    #[test]
    fn cb58_refuses_a_bad_checksum() {
        // The empty ID's text with its last checksum character changed.
        assert_eq!(
            Id::from_cb58("11111111111111111111111111111111LpoYZ"),
            Err(IdError::BadChecksum)
        );
    }

    #[test]
    fn cb58_refuses_a_character_outside_base58_with_its_position() {
        // '0', 'O', 'I' and 'l' are not in the Bitcoin alphabet.
        assert_eq!(
            Id::from_cb58("11111111111111111111111111111111Lpo0Y"),
            Err(IdError::BadCharacter {
                character: '0',
                position: 35
            })
        );
    }

    #[test]
    fn cb58_refuses_the_wrong_length() {
        // A valid CB58 text of 31 bytes: the checksum is right, the length is not.
        let short = cb58_encode(&[7; 31]);
        assert_eq!(Id::from_cb58(&short), Err(IdError::BadLength { found: 35 }));
        let long = cb58_encode(&[7; 33]);
        assert_eq!(Id::from_cb58(&long), Err(IdError::BadLength { found: 37 }));
        assert!(matches!(Id::from_cb58(""), Err(IdError::BadLength { .. })));
        assert!(matches!(Id::from_cb58("1"), Err(IdError::BadLength { .. })));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

        proptest! {
            #[test]
            fn ids_order_as_their_bytes(a in any::<[u8; 32]>(), b in any::<[u8; 32]>(), at in 0..ID_LEN) {
                prop_assert_eq!(Id(a).cmp(&Id(b)), a.cmp(&b));
                // The same bytes up to `at`, then whatever `b` has: ties broken late as well.
                let mut c = a;
                c[at..].copy_from_slice(&b[at..]);
                prop_assert_eq!(Id(a).cmp(&Id(c)), a.cmp(&c));
                prop_assert_eq!(Id(a).partial_cmp(&Id(c)), Some(a.cmp(&c)));
            }

            #[test]
            fn encode_parse_round_trips(bytes in any::<[u8; 32]>()) {
                let id = Id(bytes);
                prop_assert_eq!(Id::from_cb58(&id.to_cb58()), Ok(id));
            }

            #[test]
            fn a_changed_character_is_refused_or_names_another_id(
                bytes in any::<[u8; 32]>(),
                position in any::<prop::sample::Index>(),
                replacement in any::<prop::sample::Index>(),
            ) {
                let id = Id(bytes);
                let mut text: Vec<u8> = id.to_cb58().into_bytes();
                let at = position.index(text.len());
                let new = ALPHABET[replacement.index(ALPHABET.len())];
                prop_assume!(text[at] != new);
                text[at] = new;
                let changed = String::from_utf8(text).unwrap();
                // Refused (checksum, length) or, if it parses, never the original ID.
                if let Ok(other) = Id::from_cb58(&changed) {
                    prop_assert_ne!(other, id);
                }
            }
        }
    }
}
