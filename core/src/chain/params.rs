//! Snowball parameters, as avalanchego's `snow/consensus/snowball/parameters.go`: what they mean,
//! the rules that make a set valid, and presets from the protocol's history.

use alloc::string::String;
use core::fmt;

/// The consensus parameters of every node in a network.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameters {
    /// Nodes sampled per poll (K distinct validators with unit stake; the poller may sample itself).
    pub k: u32,
    /// Votes for one choice needed to change preference and to count a poll as successful.
    pub alpha_preference: u32,
    /// Votes needed to increase confidence.
    pub alpha_confidence: u32,
    /// Consecutive confidence-raising polls needed to finalize.
    pub beta: u32,
    /// Beta for a "rogue" choice (one that ever saw a conflicting choice), as in the 2020 rule;
    /// equal to `beta` in today's single-Beta parameters.
    pub beta_rogue: u32,
    /// Polls kept in flight while anything is processing.
    pub concurrent_repolls: u32,
    /// Blocks are built only while fewer than this are processing.
    pub optimal_processing: u32,
}

/// A named parameter set from the protocol's history.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Preset {
    /// Short name (`"default"`, `"2020"`, ...).
    pub name: &'static str,
    /// One sentence on where it comes from.
    pub description: &'static str,
    /// The values.
    pub parameters: Parameters,
}

/// Why a parameter set is not valid: the rule it breaks, with the values.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ParamError {
    /// `K` must be at least 1.
    #[error("K = {k} must be at least 1")]
    KZero {
        /// The K given.
        k: u32,
    },
    /// `K/2 < AlphaPreference` fails: a minority could then change preference.
    #[error("AlphaPreference = {alpha_preference} must be more than K/2 = {k}/2")]
    AlphaPreferenceTooLow {
        /// The K given.
        k: u32,
        /// The AlphaPreference given.
        alpha_preference: u32,
    },
    /// `AlphaPreference <= AlphaConfidence` fails.
    #[error("AlphaConfidence = {alpha_confidence} must be at least AlphaPreference = {alpha_preference}")]
    AlphaConfidenceBelowPreference {
        /// The AlphaPreference given.
        alpha_preference: u32,
        /// The AlphaConfidence given.
        alpha_confidence: u32,
    },
    /// `AlphaConfidence <= K` fails.
    #[error("AlphaConfidence = {alpha_confidence} must be at most K = {k}")]
    AlphaConfidenceAboveK {
        /// The K given.
        k: u32,
        /// The AlphaConfidence given.
        alpha_confidence: u32,
    },
    /// `Beta >= 1` fails.
    #[error("Beta = {beta} must be at least 1")]
    BetaZero {
        /// The Beta given.
        beta: u32,
    },
    /// `BetaRogue >= Beta` fails.
    #[error("BetaRogue = {beta_rogue} must be at least Beta = {beta}")]
    BetaRogueBelowBeta {
        /// The Beta given.
        beta: u32,
        /// The BetaRogue given.
        beta_rogue: u32,
    },
    /// `0 < ConcurrentRepolls <= Beta` fails.
    #[error("ConcurrentRepolls = {concurrent_repolls} must be between 1 and Beta = {beta}")]
    ConcurrentRepolls {
        /// The ConcurrentRepolls given.
        concurrent_repolls: u32,
        /// The Beta given.
        beta: u32,
    },
    /// `OptimalProcessing >= 1` fails.
    #[error("OptimalProcessing = {optimal_processing} must be at least 1")]
    OptimalProcessingZero {
        /// The OptimalProcessing given.
        optimal_processing: u32,
    },
    /// A value does not fit the network (for example K above the number of nodes).
    #[error("{0}")]
    Network(String),
}

impl Parameters {
    /// Today's avalanchego defaults: K 20, alphas 15, Beta 20, ConcurrentRepolls 4,
    /// OptimalProcessing 10.
    pub const DEFAULT: Parameters = Parameters {
        k: 20,
        alpha_preference: 15,
        alpha_confidence: 15,
        beta: 20,
        beta_rogue: 20,
        concurrent_repolls: 4,
        optimal_processing: 10,
    };

    /// The 2020 launch rule: K 20, alpha 18, beta-virtuous 20, beta-rogue 30.
    pub const LAUNCH_2020: Parameters = Parameters {
        k: 20,
        alpha_preference: 18,
        alpha_confidence: 18,
        beta: 20,
        beta_rogue: 30,
        concurrent_repolls: 4,
        optimal_processing: 50,
    };

    /// Checks avalanchego's validity rules: `K/2 < AlphaPreference <= AlphaConfidence <= K`,
    /// `0 < ConcurrentRepolls <= Beta <= BetaRogue`, `OptimalProcessing > 0`.
    pub fn validate(&self) -> Result<(), ParamError> {
        if self.k == 0 {
            return Err(ParamError::KZero { k: self.k });
        }
        if self.alpha_preference <= self.k / 2 {
            return Err(ParamError::AlphaPreferenceTooLow {
                k: self.k,
                alpha_preference: self.alpha_preference,
            });
        }
        if self.alpha_confidence < self.alpha_preference {
            return Err(ParamError::AlphaConfidenceBelowPreference {
                alpha_preference: self.alpha_preference,
                alpha_confidence: self.alpha_confidence,
            });
        }
        if self.alpha_confidence > self.k {
            return Err(ParamError::AlphaConfidenceAboveK {
                k: self.k,
                alpha_confidence: self.alpha_confidence,
            });
        }
        if self.beta == 0 {
            return Err(ParamError::BetaZero { beta: self.beta });
        }
        if self.beta_rogue < self.beta {
            return Err(ParamError::BetaRogueBelowBeta {
                beta: self.beta,
                beta_rogue: self.beta_rogue,
            });
        }
        if self.concurrent_repolls == 0 || self.concurrent_repolls > self.beta {
            return Err(ParamError::ConcurrentRepolls {
                concurrent_repolls: self.concurrent_repolls,
                beta: self.beta,
            });
        }
        if self.optimal_processing == 0 {
            return Err(ParamError::OptimalProcessingZero {
                optimal_processing: self.optimal_processing,
            });
        }
        Ok(())
    }

    /// Beta for a tree node: `beta_rogue` once it has seen a conflicting choice, else `beta`.
    pub fn beta_for(&self, rogue: bool) -> u32 {
        if rogue {
            self.beta_rogue
        } else {
            self.beta
        }
    }
}

impl Default for Parameters {
    fn default() -> Self {
        Parameters::DEFAULT
    }
}

impl fmt::Display for Parameters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "K={} AlphaPreference={} AlphaConfidence={} Beta={} BetaRogue={} ConcurrentRepolls={} OptimalProcessing={}",
            self.k,
            self.alpha_preference,
            self.alpha_confidence,
            self.beta,
            self.beta_rogue,
            self.concurrent_repolls,
            self.optimal_processing
        )
    }
}

/// The presets the parameter form offers.
pub const PRESETS: [Preset; 2] = [
    Preset {
        name: "default",
        description: "Today's avalanchego defaults (2024: a single Beta; 2023 split alpha into preference and confidence)",
        parameters: Parameters::DEFAULT,
    },
    Preset {
        name: "2020",
        description: "The 2020 launch rule: alpha 18, beta-virtuous 20, beta-rogue 30 for choices that ever saw a conflict",
        parameters: Parameters::LAUNCH_2020,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn presets_are_valid() {
        for preset in PRESETS {
            assert_eq!(preset.parameters.validate(), Ok(()), "{}", preset.name);
        }
    }

    #[test]
    fn each_rule_is_refused_with_its_reason() {
        let base = Parameters::DEFAULT;
        let cases = [
            (Parameters { k: 0, ..base }, "K = 0"),
            (
                Parameters {
                    alpha_preference: 10,
                    ..base
                },
                "AlphaPreference = 10 must be more than K/2",
            ),
            (
                Parameters {
                    alpha_confidence: 14,
                    ..base
                },
                "AlphaConfidence = 14 must be at least",
            ),
            (
                Parameters {
                    alpha_preference: 21,
                    alpha_confidence: 21,
                    ..base
                },
                "AlphaConfidence = 21 must be at most K",
            ),
            (
                Parameters {
                    beta: 0,
                    beta_rogue: 0,
                    ..base
                },
                "Beta = 0",
            ),
            (
                Parameters {
                    concurrent_repolls: 21,
                    ..base
                },
                "ConcurrentRepolls = 21",
            ),
            (
                Parameters {
                    optimal_processing: 0,
                    ..base
                },
                "OptimalProcessing = 0",
            ),
        ];
        for (parameters, message) in cases {
            let error = parameters.validate().unwrap_err().to_string();
            assert!(error.contains(message), "{error} should contain {message}");
        }
    }
}
