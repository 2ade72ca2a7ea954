//! avalanchego's `Hex` text form of bytes (`utils/formatting/encoding.go`): `0x`, then the bytes
//! and a 4-byte checksum (the last 4 bytes of their SHA-256) in lowercase hex. The reference
//! TimestampVM service takes and returns block data in it.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use sha2::{Digest, Sha256};

/// Bytes of the checksum.
const CHECKSUM_LEN: usize = 4;

/// The last 4 bytes of the SHA-256 of `bytes` (avalanchego `hashing.Checksum(bytes, 4)`).
fn checksum(bytes: &[u8]) -> [u8; CHECKSUM_LEN] {
    let digest = Sha256::digest(bytes);
    let mut tail = [0u8; CHECKSUM_LEN];
    for (out, byte) in tail
        .iter_mut()
        .zip(digest.iter().skip(digest.len() - CHECKSUM_LEN))
    {
        *out = *byte;
    }
    tail
}

/// `0x` + hex of `bytes` and their checksum, as avalanchego's `formatting.Encode(Hex, bytes)`.
pub fn encode_hex_with_checksum(bytes: &[u8]) -> String {
    let mut checked = Vec::with_capacity(bytes.len() + CHECKSUM_LEN);
    checked.extend_from_slice(bytes);
    checked.extend_from_slice(&checksum(bytes));
    format!("0x{}", hex::encode(checked))
}

/// Decodes avalanchego's `Hex` form, verifying and removing the checksum
/// (`formatting.Decode(Hex, text)`); the error says what is wrong.
pub fn decode_hex_with_checksum(text: &str) -> Result<Vec<u8>, String> {
    let digits = text
        .strip_prefix("0x")
        .ok_or_else(|| String::from("missing 0x prefix to hex encoding"))?;
    let decoded = hex::decode(digits).map_err(|error| format!("not hex: {error}"))?;
    if decoded.len() < CHECKSUM_LEN {
        return Err(String::from("shorter than the 4-byte checksum"));
    }
    let (payload, check) = decoded.split_at(decoded.len() - CHECKSUM_LEN);
    if checksum(payload) != check {
        return Err(String::from("checksum mismatch: the last 8 hex digits must be the last 4 bytes of the SHA-256 of the rest"));
    }
    Ok(payload.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_the_checksum() {
        let data = [0x5au8; 32];
        let text = encode_hex_with_checksum(&data);
        assert_eq!(text.len(), 2 + 2 * (32 + 4));
        assert!(text.starts_with("0x5a5a"));
        assert_eq!(decode_hex_with_checksum(&text), Ok(data.to_vec()));
        // One digit off in the payload is caught by the checksum.
        let broken = text.replacen("5a", "5b", 1);
        assert!(decode_hex_with_checksum(&broken)
            .unwrap_err()
            .contains("checksum"));
        assert!(decode_hex_with_checksum("5a5a").unwrap_err().contains("0x"));
        assert!(decode_hex_with_checksum("0x01")
            .unwrap_err()
            .contains("shorter"));
        assert!(decode_hex_with_checksum("0xzz")
            .unwrap_err()
            .contains("not hex"));
    }

    #[test]
    fn empty_bytes_encode_to_their_checksum_alone() {
        // SHA-256("") ends in ...7852b855: avalanchego encodes empty bytes as 0x7852b855.
        assert_eq!(encode_hex_with_checksum(&[]), "0x7852b855");
        assert_eq!(decode_hex_with_checksum("0x7852b855"), Ok(Vec::new()));
    }
}
