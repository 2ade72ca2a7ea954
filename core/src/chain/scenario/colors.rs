//! `"kind": "snowball-colors"` scenarios: the Snowball colour simulation (one decision among
//! several colours, every node polling K others per round, as avalanchego's
//! `snow/consensus/snowball/network_test.go` and `consensus_performance_test.go`) run for several
//! parameter variants over the same seeds, to compare how many rounds each needs to finalize.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde_json::{Map, Value};

use super::parse::{array, field_error, object, only_keys, parameters_over, required, string};
use super::parse::{u32_value, u64_value};
use super::{CheckResult, Expectation, ScenarioError, ScenarioReport};
use crate::chain::params::Parameters;
use crate::chain::snowball::sim::{ColorNetwork, ConsensusKind};

/// The colour network every variant shares.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ColorsConfig {
    /// Number of nodes.
    pub nodes: u32,
    /// Number of colours (choices).
    pub colors: u32,
    /// Parameters every variant starts from (defaults, then the file's `config.params`).
    pub params: Parameters,
    /// Give up on a seed after this many rounds (it then counts as this many).
    pub max_rounds: u32,
}

impl Default for ColorsConfig {
    fn default() -> Self {
        ColorsConfig {
            nodes: 100,
            colors: 10,
            params: Parameters::DEFAULT,
            max_rounds: 1_000,
        }
    }
}

/// How a variant's nodes decide.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Model {
    /// The per-parent bit tree (`snowball/tree.go`), what avalanchego runs.
    #[default]
    Tree,
    /// One flat n-ary Snowball over the colours (a count per colour).
    Flat,
}

/// One variant to compare: a label and its parameters.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Variant {
    /// The name expectations use (`"alpha 11"`).
    pub label: String,
    /// The parameters (the config's, with the variant's fields laid over).
    pub params: Parameters,
    /// Tree or flat.
    pub model: Model,
}

/// A snowball-colors scenario.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ColorsScenario {
    /// The shared network.
    pub config: ColorsConfig,
    /// The variants, in file order.
    pub compare: Vec<Variant>,
    /// Every variant runs once per seed.
    pub seeds: Vec<u64>,
    /// What must hold.
    pub expect: Vec<Expectation>,
}

/// How one variant did over all seeds.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VariantResult {
    /// Its label.
    pub label: String,
    /// Rounds until every node finalized, per seed (in seed order).
    pub rounds: Vec<u32>,
    /// Seeds on which it hit `max_rounds` without finalizing.
    pub unfinished: u32,
    /// Seeds on which two nodes finalized different colours (a safety failure).
    pub disagreements: u32,
    /// The round limit a seed gives up at (`config.maxRounds`).
    pub max_rounds: u32,
}

impl VariantResult {
    /// Total rounds over all seeds (the comparison uses totals, so no division or float decides
    /// anything).
    pub fn total_rounds(&self) -> u64 {
        self.rounds.iter().map(|r| u64::from(*r)).sum()
    }
}

impl fmt::Display for VariantResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seeds = self.rounds.len().max(1) as u64;
        let total = self.total_rounds();
        // One decimal by integer arithmetic.
        let tenths = (total * 10 + seeds / 2) / seeds;
        write!(
            f,
            "{}: {}.{} rounds on average over {} seeds ({} in all)",
            self.label,
            tenths / 10,
            tenths % 10,
            self.rounds.len(),
            total
        )?;
        if self.unfinished > 0 {
            write!(
                f,
                ", {} of them stopped unfinished at {} rounds",
                self.unfinished, self.max_rounds
            )?;
        }
        if self.disagreements > 0 {
            write!(
                f,
                ", {} with nodes finalized on different colours",
                self.disagreements
            )?;
        }
        Ok(())
    }
}

/// Reads the colour-specific parts of a scenario file.
pub(super) fn parse(top: &Map<String, Value>) -> Result<ColorsScenario, ScenarioError> {
    if top.contains_key("steps") {
        return Err(field_error(
            "steps",
            "snowball-colors scenarios have no steps: they compare variants over seeds",
        ));
    }
    let mut config = ColorsConfig::default();
    if let Some(value) = top.get("config") {
        let fields = object(value, "config")?;
        only_keys(
            fields,
            &["nodes", "colors", "params", "maxRounds"],
            "config",
        )?;
        if let Some(v) = fields.get("nodes") {
            config.nodes = u32_value(v, "config.nodes")?;
        }
        if let Some(v) = fields.get("colors") {
            config.colors = u32_value(v, "config.colors")?;
        }
        if let Some(v) = fields.get("maxRounds") {
            config.max_rounds = u32_value(v, "config.maxRounds")?;
        }
        if let Some(v) = fields.get("params") {
            config.params = parameters_over(Parameters::DEFAULT, v, "config.params")?;
        }
    }
    if config.nodes == 0 || config.colors == 0 {
        return Err(field_error("config", "nodes and colors must be at least 1"));
    }
    if config.params.k > config.nodes {
        return Err(field_error(
            "config.params.k",
            format!(
                "K = {} is more than the {} nodes",
                config.params.k, config.nodes
            ),
        ));
    }
    let mut labels = BTreeSet::new();
    let mut compare = Vec::new();
    for (index, value) in array(required(top, "compare", "(the file)")?, "compare")?
        .iter()
        .enumerate()
    {
        let path = format!("compare[{index}]");
        let fields = object(value, &path)?;
        only_keys(fields, &["label", "params", "model"], &path)?;
        let label = String::from(string(
            required(fields, "label", &path)?,
            &format!("{path}.label"),
        )?);
        if !labels.insert(label.clone()) {
            return Err(field_error(
                &format!("{path}.label"),
                format!("two variants are labelled {label:?}"),
            ));
        }
        let params = match fields.get("params") {
            Some(v) => parameters_over(config.params, v, &format!("{path}.params"))?,
            None => config.params,
        };
        let model = match fields.get("model") {
            None => Model::Tree,
            Some(v) => match string(v, &format!("{path}.model"))? {
                "tree" => Model::Tree,
                "flat" => Model::Flat,
                other => {
                    return Err(field_error(
                        &format!("{path}.model"),
                        format!("unknown model {other:?}: expected \"tree\" or \"flat\""),
                    ))
                }
            },
        };
        if params.k > config.nodes {
            return Err(field_error(
                &format!("{path}.params.k"),
                format!("K = {} is more than the {} nodes", params.k, config.nodes),
            ));
        }
        compare.push(Variant {
            label,
            params,
            model,
        });
    }
    if compare.len() < 2 {
        return Err(field_error("compare", "compare at least two variants"));
    }
    let mut seeds = Vec::new();
    for (index, value) in array(required(top, "seeds", "(the file)")?, "seeds")?
        .iter()
        .enumerate()
    {
        seeds.push(u64_value(value, &format!("seeds[{index}]"))?);
    }
    if seeds.is_empty() {
        return Err(field_error("seeds", "give at least one seed"));
    }
    let expect = super::parse::expectations(top, &labels, true)?;
    Ok(ColorsScenario {
        config,
        compare,
        seeds,
        expect,
    })
}

/// Runs every variant on every seed, then checks the expectations.
pub(super) fn run(name: &str, scenario: &ColorsScenario) -> ScenarioReport {
    let mut variants = Vec::with_capacity(scenario.compare.len());
    for variant in &scenario.compare {
        let mut result = VariantResult {
            label: variant.label.clone(),
            rounds: Vec::with_capacity(scenario.seeds.len()),
            unfinished: 0,
            disagreements: 0,
            max_rounds: scenario.config.max_rounds,
        };
        for seed in &scenario.seeds {
            let outcome = simulate(&scenario.config, variant, *seed);
            result.rounds.push(outcome.rounds);
            if !outcome.finalized {
                result.unfinished += 1;
            }
            if outcome.disagreement {
                result.disagreements += 1;
            }
        }
        variants.push(result);
    }
    let checks = scenario
        .expect
        .iter()
        .map(|expectation| check(&variants, expectation))
        .collect();
    ScenarioReport {
        name: String::from(name),
        steps: Vec::new(),
        checks,
        messages: 0,
        polls: 0,
        virtual_time: 0,
        transcript: crate::chain::id::Id::EMPTY,
        variants,
    }
}

fn check(variants: &[VariantResult], expectation: &Expectation) -> CheckResult {
    let (passed, detail) = match expectation {
        Expectation::FasterOnAverage(label) => match variants.iter().find(|v| v.label == *label) {
            None => (false, format!("no variant is labelled {label:?}")),
            Some(winner) => {
                let slower: Vec<&VariantResult> =
                    variants.iter().filter(|v| v.label != *label).collect();
                let beaten = slower
                    .iter()
                    .all(|v| winner.total_rounds() < v.total_rounds());
                let clean = winner.unfinished == 0 && winner.disagreements == 0;
                let mut parts = Vec::new();
                parts.push(format!("{winner}"));
                for v in &slower {
                    parts.push(format!("{v}"));
                }
                (beaten && clean, parts.join("; "))
            }
        },
        other => (false, format!("{other} applies to network scenarios only")),
    };
    CheckResult {
        expectation: format!("{expectation}"),
        passed,
        detail,
    }
}

/// What one run of one variant on one seed found.
struct SimOutcome {
    rounds: u32,
    finalized: bool,
    disagreement: bool,
}

/// One run of the consensus helper's colour network ([`ColorNetwork`]): every node starts from a
/// random ordering of the colours and each round every node that has not finalized polls K
/// random nodes, until all finalized or `max_rounds`.
fn simulate(config: &ColorsConfig, variant: &Variant, seed: u64) -> SimOutcome {
    let kind = match variant.model {
        Model::Tree => ConsensusKind::Tree,
        Model::Flat => ConsensusKind::Flat,
    };
    let mut network = ColorNetwork::new(kind, variant.params, config.nodes, config.colors, seed);
    let outcome = network.run(u64::from(config.max_rounds));
    SimOutcome {
        rounds: u32::try_from(outcome.rounds).unwrap_or(u32::MAX),
        finalized: outcome.finalized,
        disagreement: network.disagreement(),
    }
}
