//! The flat alternative to the tree: one n-ary Snowball over all choices, fed only the poll's
//! most-voted choice. Kept to show why avalanchego uses the tree (see `sim`).
//!
//! avalanchego `snow/consensus/snowball/flat.go`.

use crate::chain::id::Id;
use crate::chain::params::Parameters;
use crate::chain::snowball::nnary::NnarySnowball;
use crate::chain::snowball::Bag;

/// A flat n-ary Snowball instance.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Flat {
    params: Parameters,
    snowball: NnarySnowball,
}

impl Flat {
    /// An instance with one choice.
    pub fn new(params: Parameters, choice: Id) -> Self {
        Flat {
            snowball: NnarySnowball::new(&params, choice),
            params,
        }
    }

    /// Adds a choice.
    pub fn add(&mut self, choice: Id) {
        self.snowball.add(choice);
    }

    /// Records a poll: only the most-voted choice (lowest ID on a tie) counts. Returns whether
    /// it reached AlphaPreference.
    // avalanchego flat.go, RecordPoll (votes.Mode()).
    pub fn record_poll(&mut self, votes: &Bag) -> bool {
        match votes.mode() {
            Some((choice, count)) => {
                self.snowball.record_poll(count, choice);
                count >= u64::from(self.params.alpha_preference)
            }
            None => {
                self.snowball.record_unsuccessful_poll();
                false
            }
        }
    }

    /// Records a poll without a quorum.
    pub fn record_unsuccessful_poll(&mut self) {
        self.snowball.record_unsuccessful_poll();
    }

    /// The preferred choice.
    pub fn preference(&self) -> Id {
        self.snowball.preference()
    }

    /// Finalized.
    pub fn finalized(&self) -> bool {
        self.snowball.finalized()
    }

    /// Consecutive confidence-raising polls.
    pub fn confidence(&self) -> u32 {
        self.snowball.confidence()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // avalanchego flat_test.go, TestFlat: only the mode of the poll counts.
    #[test]
    fn the_mode_of_a_poll_decides() {
        let params = Parameters {
            k: 3,
            alpha_preference: 2,
            alpha_confidence: 2,
            beta: 2,
            beta_rogue: 2,
            concurrent_repolls: 1,
            ..Parameters::DEFAULT
        };
        let (red, blue, green) = (Id([1; 32]), Id([2; 32]), Id([3; 32]));
        let mut flat = Flat::new(params, red);
        flat.add(blue);
        flat.add(green);
        let mut two_blue = Bag::new();
        two_blue.add(blue, 2);
        two_blue.add(red, 1);
        assert!(flat.record_poll(&two_blue));
        assert_eq!(flat.preference(), blue);
        let mut split = Bag::new();
        split.add(red, 1);
        split.add(green, 1);
        split.add(blue, 1);
        assert!(!flat.record_poll(&split));
        assert_eq!(flat.confidence(), 0);
        assert!(flat.record_poll(&two_blue));
        assert!(!flat.finalized());
        assert!(flat.record_poll(&two_blue));
        assert!(flat.finalized());
        assert_eq!(flat.preference(), blue);
        assert!(!flat.record_poll(&Bag::new()));
    }
}
