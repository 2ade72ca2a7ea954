//! Decoding: a pure function from instruction bits to an [`Instruction`] value.
// Placeholder signature; the full decoder is being written in this file.

use super::instruction::Decoded;

/// Why a word is not a valid instruction; the hart raises an illegal-instruction exception.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DecodeError {
    /// The instruction bits (16 of them for a compressed encoding).
    pub bits: u32,
}

/// Decodes the instruction whose first halfword is the low half of `word`.
pub fn decode(word: u32) -> Result<Decoded, DecodeError> {
    Err(DecodeError { bits: word })
}
