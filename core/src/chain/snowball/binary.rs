//! The binary Snowflake/Snowball counters: a choice between two sides (0 and 1), the instance a
//! tree node uses to decide one bit.
//!
//! avalanchego `snow/consensus/snowball/binary_snowflake.go` and `binary_snowball.go`.

use crate::chain::params::Parameters;

/// A binary Snowflake: the side of the last successful poll (Slush) and how many confident polls
/// in a row chose it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BinarySnowflake {
    alpha_preference: u32,
    alpha_confidence: u32,
    beta: u32,
    preference: u8,
    confidence: u32,
    finalized: bool,
}

impl BinarySnowflake {
    /// A fresh instance preferring `choice`. Two choices exist, so it is rogue and finalizes at
    /// `beta_rogue` (equal to `beta` with today's parameters).
    pub fn new(params: &Parameters, choice: u8) -> Self {
        Self::resume(params, choice, 0, false)
    }

    /// An instance continuing a unary one's streak (see `UnarySnowball::extend`).
    pub fn resume(params: &Parameters, choice: u8, confidence: u32, finalized: bool) -> Self {
        BinarySnowflake {
            alpha_preference: params.alpha_preference,
            alpha_confidence: params.alpha_confidence,
            beta: params.beta_rogue,
            preference: choice & 1,
            confidence,
            finalized,
        }
    }

    /// Records a poll that gave side `choice` `count` votes.
    // avalanchego binary_snowflake.go, RecordPoll.
    pub fn record_poll(&mut self, count: u64, choice: u8) {
        if self.finalized {
            // A decided instance keeps its decision.
            return;
        }
        let choice = choice & 1;
        if count < u64::from(self.alpha_preference) {
            self.record_unsuccessful_poll();
            return;
        }
        if count < u64::from(self.alpha_confidence) {
            // Enough to move the Slush preference, not to build confidence.
            self.confidence = 0;
            self.preference = choice;
            return;
        }
        if self.preference == choice {
            self.confidence = self.confidence.saturating_add(1);
        } else {
            self.confidence = 1;
        }
        self.finalized = self.confidence >= self.beta;
        self.preference = choice;
    }

    /// Records a poll without a quorum.
    pub fn record_unsuccessful_poll(&mut self) {
        self.confidence = 0;
    }

    /// The side of the last successful poll.
    pub fn preference(&self) -> u8 {
        self.preference
    }

    /// Consecutive confidence-raising polls for the preference.
    pub fn confidence(&self) -> u32 {
        self.confidence
    }

    /// Finalized.
    pub fn finalized(&self) -> bool {
        self.finalized
    }
}

/// A binary Snowball: a Snowflake plus, per side, how many polls reached AlphaPreference for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BinarySnowball {
    flake: BinarySnowflake,
    preference: u8,
    strength: [u64; 2],
}

impl BinarySnowball {
    /// A fresh instance preferring `choice`.
    pub fn new(params: &Parameters, choice: u8) -> Self {
        Self::resume(BinarySnowflake::new(params, choice), choice, 0)
    }

    /// An instance over `flake` whose side `choice` already has `strength`.
    pub fn resume(flake: BinarySnowflake, choice: u8, strength: u64) -> Self {
        let choice = choice & 1;
        let mut strengths = [0; 2];
        strengths[usize::from(choice)] = strength;
        BinarySnowball {
            flake,
            preference: choice,
            strength: strengths,
        }
    }

    /// Records a poll that gave side `choice` `count` votes.
    // avalanchego binary_snowball.go, RecordPoll: the preference moves only when the side's
    // strength becomes strictly greater than the other's.
    pub fn record_poll(&mut self, count: u64, choice: u8) {
        let side = usize::from(choice & 1);
        if count >= u64::from(self.flake.alpha_preference) {
            self.strength[side] = self.strength[side].saturating_add(1);
            if self.strength[side] > self.strength[1 - side] {
                self.preference = choice & 1;
            }
        }
        self.flake.record_poll(count, choice);
    }

    /// Records a poll without a quorum.
    pub fn record_unsuccessful_poll(&mut self) {
        self.flake.record_unsuccessful_poll();
    }

    /// The preferred side. Once finalized, the Snowflake's decision wins over the strengths
    /// (they can differ with low probability; avalanchego binary_snowball.go, Preference).
    pub fn preference(&self) -> u8 {
        if self.flake.finalized() {
            self.flake.preference()
        } else {
            self.preference
        }
    }

    /// Strength per side.
    pub fn strength(&self) -> [u64; 2] {
        self.strength
    }

    /// Consecutive confidence-raising polls.
    pub fn confidence(&self) -> u32 {
        self.flake.confidence()
    }

    /// Finalized.
    pub fn finalized(&self) -> bool {
        self.flake.finalized()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Parameters {
        Parameters {
            k: 3,
            alpha_preference: 2,
            alpha_confidence: 2,
            beta: 2,
            beta_rogue: 2,
            ..Parameters::DEFAULT
        }
    }

    // avalanchego binary_snowball_test.go, TestBinarySnowball.
    #[test]
    fn preference_moves_only_when_strictly_stronger() {
        let mut sb = BinarySnowball::new(&params(), 0);
        sb.record_poll(2, 1);
        assert_eq!(sb.preference(), 1);
        sb.record_poll(2, 0);
        // 1:1, not strictly greater: preference stays on 1.
        assert_eq!(sb.preference(), 1);
        assert_eq!(sb.confidence(), 1);
        sb.record_poll(2, 1);
        assert_eq!(sb.preference(), 1);
        assert!(!sb.finalized());
        sb.record_poll(2, 1);
        assert!(sb.finalized());
        assert_eq!(sb.preference(), 1);
    }

    // avalanchego binary_snowball_test.go, TestBinarySnowballRecordUnsuccessfulPoll.
    #[test]
    fn unsuccessful_poll_resets_confidence() {
        let mut sb = BinarySnowball::new(&params(), 0);
        sb.record_poll(2, 1);
        sb.record_unsuccessful_poll();
        sb.record_poll(2, 1);
        assert!(!sb.finalized());
        sb.record_poll(2, 1);
        assert!(sb.finalized());
        assert_eq!(sb.strength(), [0, 3]);
    }

    // avalanchego binary_snowball_test.go, TestBinarySnowballLockColor: the finalized Snowflake
    // choice wins even when the other side has more strength.
    #[test]
    fn finalized_choice_is_locked() {
        let p = Parameters {
            beta: 1,
            beta_rogue: 1,
            ..params()
        };
        let mut sb = BinarySnowball::new(&p, 0);
        sb.record_poll(2, 0);
        assert!(sb.finalized());
        sb.record_poll(2, 1);
        sb.record_poll(2, 1);
        assert_eq!(sb.strength(), [1, 2]);
        assert_eq!(sb.preference(), 0);
    }

    #[test]
    fn alpha_preference_without_alpha_confidence_moves_but_resets() {
        let p = Parameters {
            k: 5,
            alpha_preference: 3,
            alpha_confidence: 4,
            ..params()
        };
        let mut sb = BinarySnowball::new(&p, 0);
        sb.record_poll(4, 0);
        assert_eq!(sb.confidence(), 1);
        sb.record_poll(3, 1);
        assert_eq!(sb.confidence(), 0);
        assert_eq!(sb.strength(), [1, 1]);
        assert_eq!(sb.preference(), 0);
    }
}
