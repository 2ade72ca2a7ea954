//! The n-ary Snowflake/Snowball counters: one instance over any number of choices, used by the
//! flat "count per choice" alternative to the tree.
//!
//! avalanchego `snow/consensus/snowball/nnary_snowflake.go` and `nnary_snowball.go` (with the
//! 2020 rule's rogue flag: an instance that ever saw a second choice finalizes at `beta_rogue`).

use alloc::collections::BTreeMap;

use crate::chain::id::Id;
use crate::chain::params::Parameters;

/// An n-ary Snowflake: the choice of the last successful poll and its confident streak.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NnarySnowflake {
    alpha_preference: u32,
    alpha_confidence: u32,
    beta: u32,
    beta_rogue: u32,
    preference: Id,
    confidence: u32,
    rogue: bool,
    finalized: bool,
}

impl NnarySnowflake {
    /// A fresh instance preferring `choice`.
    pub fn new(params: &Parameters, choice: Id) -> Self {
        NnarySnowflake {
            alpha_preference: params.alpha_preference,
            alpha_confidence: params.alpha_confidence,
            beta: params.beta,
            beta_rogue: params.beta_rogue,
            preference: choice,
            confidence: 0,
            rogue: false,
            finalized: false,
        }
    }

    /// Adds a choice; a choice other than the preference makes the instance rogue.
    pub fn add(&mut self, choice: Id) {
        self.rogue = self.rogue || choice != self.preference;
    }

    /// Records a poll that gave `choice` `count` votes.
    // avalanchego nnary_snowflake.go, RecordPoll.
    pub fn record_poll(&mut self, count: u64, choice: Id) {
        if self.finalized {
            return;
        }
        if count < u64::from(self.alpha_preference) {
            self.record_unsuccessful_poll();
            return;
        }
        if count < u64::from(self.alpha_confidence) {
            self.confidence = 0;
            self.preference = choice;
            return;
        }
        if self.preference == choice {
            self.confidence = self.confidence.saturating_add(1);
        } else {
            self.confidence = 1;
        }
        let beta = if self.rogue {
            self.beta_rogue
        } else {
            self.beta
        };
        self.finalized = self.confidence >= beta;
        self.preference = choice;
    }

    /// Records a poll without a quorum.
    pub fn record_unsuccessful_poll(&mut self) {
        self.confidence = 0;
    }

    /// The choice of the last successful poll.
    pub fn preference(&self) -> Id {
        self.preference
    }

    /// Consecutive confidence-raising polls.
    pub fn confidence(&self) -> u32 {
        self.confidence
    }

    /// A second choice was ever added.
    pub fn rogue(&self) -> bool {
        self.rogue
    }

    /// Finalized.
    pub fn finalized(&self) -> bool {
        self.finalized
    }
}

/// An n-ary Snowball: a Snowflake plus a strength per choice.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NnarySnowball {
    flake: NnarySnowflake,
    preference: Id,
    max_strength: u64,
    strength: BTreeMap<Id, u64>,
}

impl NnarySnowball {
    /// A fresh instance preferring `choice`.
    pub fn new(params: &Parameters, choice: Id) -> Self {
        NnarySnowball {
            flake: NnarySnowflake::new(params, choice),
            preference: choice,
            max_strength: 0,
            strength: BTreeMap::new(),
        }
    }

    /// Adds a choice.
    pub fn add(&mut self, choice: Id) {
        self.flake.add(choice);
    }

    /// Records a poll that gave `choice` `count` votes.
    // avalanchego nnary_snowball.go, RecordPoll: the preference moves only to a choice whose
    // strength becomes strictly greater than the strongest so far.
    pub fn record_poll(&mut self, count: u64, choice: Id) {
        if count >= u64::from(self.flake.alpha_preference) {
            let strength = self.strength.entry(choice).or_insert(0);
            *strength = strength.saturating_add(1);
            if *strength > self.max_strength {
                self.max_strength = *strength;
                self.preference = choice;
            }
        }
        self.flake.record_poll(count, choice);
    }

    /// Records a poll without a quorum.
    pub fn record_unsuccessful_poll(&mut self) {
        self.flake.record_unsuccessful_poll();
    }

    /// The preferred choice (the Snowflake's once finalized, as avalanchego).
    pub fn preference(&self) -> Id {
        if self.flake.finalized() {
            self.flake.preference()
        } else {
            self.preference
        }
    }

    /// The strength of `choice`.
    pub fn strength(&self, choice: &Id) -> u64 {
        self.strength.get(choice).copied().unwrap_or(0)
    }

    /// Consecutive confidence-raising polls.
    pub fn confidence(&self) -> u32 {
        self.flake.confidence()
    }

    /// A second choice was ever added.
    pub fn rogue(&self) -> bool {
        self.flake.rogue()
    }

    /// Finalized.
    pub fn finalized(&self) -> bool {
        self.flake.finalized()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Id {
        Id([n; 32])
    }

    fn params(beta: u32, beta_rogue: u32) -> Parameters {
        Parameters {
            k: 3,
            alpha_preference: 2,
            alpha_confidence: 2,
            beta,
            beta_rogue,
            concurrent_repolls: 1,
            ..Parameters::DEFAULT
        }
    }

    // avalanchego nnary_snowball_test.go, TestNnarySnowball.
    #[test]
    fn preference_follows_strictly_greatest_strength() {
        let (red, blue, green) = (id(1), id(2), id(3));
        let mut sb = NnarySnowball::new(&params(3, 3), red);
        sb.add(blue);
        sb.add(green);
        sb.record_poll(2, blue);
        assert_eq!(sb.preference(), blue);
        sb.record_poll(2, red);
        assert_eq!(sb.preference(), blue, "a tie does not move the preference");
        sb.record_poll(2, red);
        assert_eq!(sb.preference(), red);
        assert_eq!(sb.confidence(), 2);
        sb.record_poll(2, blue);
        assert_eq!((sb.preference(), sb.confidence()), (red, 1));
        sb.record_poll(2, red);
        sb.record_poll(2, red);
        assert!(!sb.finalized());
        sb.record_poll(2, red);
        assert!(sb.finalized());
        assert_eq!(sb.preference(), red);
    }

    // The 2020 rule: a virtuous instance finalizes at beta, a rogue one at beta_rogue.
    #[test]
    fn rogue_instances_need_beta_rogue() {
        let (red, blue) = (id(1), id(2));
        let mut virtuous = NnarySnowball::new(&params(1, 3), red);
        virtuous.add(red);
        virtuous.record_poll(2, red);
        assert!(!virtuous.rogue());
        assert!(virtuous.finalized());

        let mut rogue = NnarySnowball::new(&params(1, 3), red);
        rogue.add(blue);
        rogue.record_poll(2, red);
        rogue.record_poll(2, red);
        assert!(!rogue.finalized());
        rogue.record_poll(2, red);
        assert!(rogue.finalized());
    }

    #[test]
    fn too_few_votes_do_not_count() {
        let (red, blue) = (id(1), id(2));
        let mut sb = NnarySnowball::new(&params(2, 2), red);
        sb.add(blue);
        sb.record_poll(1, blue);
        assert_eq!(sb.preference(), red);
        assert_eq!(sb.strength(&blue), 0);
        sb.record_poll(2, red);
        sb.record_unsuccessful_poll();
        sb.record_poll(2, red);
        assert!(!sb.finalized());
    }
}
