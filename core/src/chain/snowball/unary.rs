//! The unary Snowflake/Snowball counters: one choice, counting how many polls in a row gave it a
//! quorum. A tree node over a run of shared bits is one of these.
//!
//! avalanchego `snow/consensus/snowball/unary_snowflake.go` and `unary_snowball.go`.

use crate::chain::params::Parameters;
use crate::chain::snowball::binary::{BinarySnowball, BinarySnowflake};

/// A unary Snowflake: consecutive polls with at least AlphaConfidence votes, finalized at Beta.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UnarySnowflake {
    alpha_preference: u32,
    alpha_confidence: u32,
    beta: u32,
    confidence: u32,
    finalized: bool,
}

impl UnarySnowflake {
    /// A fresh instance. A unary instance has never seen a conflict, so it finalizes at `beta`
    /// (the 2020 rule's beta-virtuous).
    pub fn new(params: &Parameters) -> Self {
        UnarySnowflake {
            alpha_preference: params.alpha_preference,
            alpha_confidence: params.alpha_confidence,
            beta: params.beta,
            confidence: 0,
            finalized: false,
        }
    }

    /// Records a poll that gave the choice `count` votes.
    // avalanchego unary_snowflake.go, RecordPoll: below AlphaConfidence the streak breaks.
    pub fn record_poll(&mut self, count: u64) {
        if count < u64::from(self.alpha_confidence) {
            self.record_unsuccessful_poll();
            return;
        }
        self.confidence = self.confidence.saturating_add(1);
        self.finalized = self.finalized || self.confidence >= self.beta;
    }

    /// Records a poll without a quorum: the streak restarts.
    pub fn record_unsuccessful_poll(&mut self) {
        self.confidence = 0;
    }

    /// Consecutive confidence-raising polls so far.
    pub fn confidence(&self) -> u32 {
        self.confidence
    }

    /// Confidence reached Beta at some point.
    pub fn finalized(&self) -> bool {
        self.finalized
    }

    /// The Beta this instance finalizes at.
    pub fn beta(&self) -> u32 {
        self.beta
    }

    /// AlphaPreference, as configured.
    pub fn alpha_preference(&self) -> u32 {
        self.alpha_preference
    }
}

/// A unary Snowball: a Snowflake plus the number of polls that reached AlphaPreference (its
/// strength), which carries over when the node splits into a binary choice.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UnarySnowball {
    flake: UnarySnowflake,
    strength: u64,
}

impl UnarySnowball {
    /// A fresh instance.
    pub fn new(params: &Parameters) -> Self {
        UnarySnowball {
            flake: UnarySnowflake::new(params),
            strength: 0,
        }
    }

    /// Records a poll that gave the choice `count` votes.
    // avalanchego unary_snowball.go, RecordPoll: strength counts AlphaPreference polls.
    pub fn record_poll(&mut self, count: u64) {
        if count >= u64::from(self.flake.alpha_preference) {
            self.strength = self.strength.saturating_add(1);
        }
        self.flake.record_poll(count);
    }

    /// Records a poll without a quorum.
    pub fn record_unsuccessful_poll(&mut self) {
        self.flake.record_unsuccessful_poll();
    }

    /// Polls that reached AlphaPreference.
    pub fn strength(&self) -> u64 {
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

    /// Turns this unary instance into a binary one whose current side is `choice` (0 or 1),
    /// keeping confidence, strength and finality. The binary instance has now seen a conflict,
    /// so it finalizes at `beta_rogue`.
    // avalanchego unary_snowball.go, Extend (tree.go passes BetaRogue in the 2020 rule).
    pub fn extend(&self, choice: u8, params: &Parameters) -> BinarySnowball {
        let flake =
            BinarySnowflake::resume(params, choice, self.flake.confidence, self.flake.finalized);
        BinarySnowball::resume(flake, choice, self.strength)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(beta: u32) -> Parameters {
        Parameters {
            k: 5,
            alpha_preference: 3,
            alpha_confidence: 4,
            beta,
            beta_rogue: beta + 1,
            ..Parameters::DEFAULT
        }
    }

    // avalanchego unary_snowball_test.go, TestUnarySnowball.
    #[test]
    fn finalizes_after_beta_confident_polls_and_extends() {
        let p = params(2);
        let mut sb = UnarySnowball::new(&p);
        sb.record_poll(4);
        assert_eq!(
            (sb.confidence(), sb.strength(), sb.finalized()),
            (1, 1, false)
        );
        // AlphaPreference but not AlphaConfidence: strength grows, confidence resets.
        sb.record_poll(3);
        assert_eq!((sb.confidence(), sb.strength()), (0, 2));
        sb.record_poll(4);
        let mut binary = sb.extend(1, &p);
        assert_eq!(binary.preference(), 1);
        assert_eq!(binary.strength(), [0, 3]);
        assert_eq!(binary.confidence(), 1);
        sb.record_poll(4);
        assert!(sb.finalized());
        // The binary copy is rogue: it needs beta_rogue = 3 in a row.
        binary.record_poll(4, 1);
        assert!(!binary.finalized());
        binary.record_poll(4, 1);
        assert!(binary.finalized());
    }

    #[test]
    fn too_few_votes_reset_confidence_but_not_finality() {
        let p = params(1);
        let mut sb = UnarySnowball::new(&p);
        sb.record_poll(2);
        assert_eq!((sb.confidence(), sb.strength()), (0, 0));
        sb.record_poll(5);
        assert!(sb.finalized());
        sb.record_unsuccessful_poll();
        assert!(sb.finalized());
        assert_eq!(sb.confidence(), 0);
    }
}
