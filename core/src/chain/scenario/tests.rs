//! Unit tests of scenario parsing: the format a reader writes, and errors that say where.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alloc::string::ToString;
use alloc::vec;

use super::*;
use crate::chain::engine::Behavior;
use crate::chain::params::Parameters;

const GOVERNANCE: &str = r#"{
  "name": "governance",
  "description": "55 red, 35 blue, 10 Byzantine for blue",
  "kind": "network",
  "config": {"nodes": 100, "byzantine": 10, "byzantineBehavior": "fixed-vote",
             "params": {"beta": 25, "betaRogue": 25}},
  "steps": [
    {"propose": {"node": 0, "data": "red"}},
    {"build": {"node": 0, "label": "red"}},
    {"propose": {"node": 55, "data": "blue"}},
    {"build": {"node": 55, "label": "blue"}},
    {"gossip": {"block": "red", "nodes": "0..55"}},
    {"gossip": {"block": "blue", "nodes": "55..=99"}},
    {"gossip": {"block": "blue", "nodes": [1, 2]}},
    {"byzantineTarget": "blue"},
    {"crash": 3},
    {"restart": 3},
    {"partition": 10},
    {"partition": null},
    {"run": 100},
    {"runUntilDecided": "red"},
    {"randomBlocks": {"count": 5, "seed": 7}},
    {"runUntilQuiet": true}
  ],
  "expect": [
    {"allHonestAccepted": "red"},
    {"allHonestRejected": "blue"},
    {"agreement": true},
    {"decidedWithinMessages": 1000000}
  ]
}"#;

#[test]
fn a_network_scenario_reads_as_written() {
    let s = Scenario::from_json(GOVERNANCE).unwrap();
    assert_eq!(s.name, "governance");
    let ScenarioBody::Network(n) = &s.body else {
        panic!("not a network scenario")
    };
    assert_eq!(n.config.nodes, 100);
    assert_eq!(n.config.byzantine, 10);
    assert_eq!(n.config.byzantine_behavior, Behavior::FixedVote);
    // Partial params lie over the defaults.
    assert_eq!(n.config.params.beta, 25);
    assert_eq!(n.config.params.k, Parameters::DEFAULT.k);
    // Fields not given keep their defaults.
    assert_eq!(n.config.seed, NetworkConfig::default().seed);
    assert_eq!(n.steps.len(), 16);
    assert_eq!(
        n.steps[5],
        Step::Gossip {
            block: "blue".into(),
            nodes: NodeSet::Range {
                start: 55,
                end: Some(100)
            }
        }
    );
    assert_eq!(n.steps[5].clone().key(), "gossip");
    assert_eq!(
        n.steps[6],
        Step::Gossip {
            block: "blue".into(),
            nodes: NodeSet::List(vec![1, 2])
        }
    );
    assert_eq!(n.steps[11], Step::Partition(None));
    assert_eq!(n.steps[15], Step::RunUntilQuiet);
    assert_eq!(
        n.expect,
        vec![
            Expectation::AllHonestAccepted("red".into()),
            Expectation::AllHonestRejected("blue".into()),
            Expectation::Agreement,
            Expectation::DecidedWithinMessages(1_000_000),
        ]
    );
}

#[test]
fn node_sets_resolve_against_the_network_size() {
    let range = |start, end| NodeSet::Range { start, end };
    assert_eq!(range(0, Some(3)).resolve(10), vec![0, 1, 2]);
    assert_eq!(range(8, None).resolve(10), vec![8, 9]);
    assert_eq!(range(8, Some(20)).resolve(10), vec![8, 9]);
    assert_eq!(NodeSet::List(vec![4, 1]).resolve(10), vec![4, 1]);
}

/// The error's text, which must name the place.
fn error_of(json: &str) -> String {
    Scenario::from_json(json).unwrap_err().to_string()
}

#[test]
fn errors_name_the_field_and_the_step_index() {
    let base = |steps: &str| {
        alloc::format!(
            r#"{{"name": "x", "kind": "network", "steps": [
                {{"propose": {{"node": 0, "data": "a"}}}},
                {{"build": {{"node": 0, "label": "a"}}}},
                {steps}]}}"#
        )
    };
    let e = error_of(&base(r#"{"gossip": {"block": "a", "nodes": "0-5"}}"#));
    assert!(e.starts_with("steps[2].gossip.nodes:"), "{e}");
    let e = error_of(&base(r#"{"gossip": {"block": "b", "nodes": "0..5"}}"#));
    assert!(
        e.starts_with("steps[2].gossip.block:") && e.contains("known labels: a"),
        "{e}"
    );
    let e = error_of(&base(r#"{"jump": 3}"#));
    assert!(
        e.starts_with("steps[2]:") && e.contains("unknown step \"jump\""),
        "{e}"
    );
    let e = error_of(&base(r#"{"crash": -1}"#));
    assert!(e.starts_with("steps[2].crash:"), "{e}");
    let e = error_of(&base(r#"{"build": {"node": 1, "label": "a"}}"#));
    assert!(e.contains("already given"), "{e}");
    let e = error_of(&base(r#"{"build": {"node": 1, "lable": "b"}}"#));
    assert!(e.starts_with("steps[2].build.lable: unknown field"), "{e}");
    let e = error_of(&base(r#"{"crash": 1, "restart": 1}"#));
    assert!(
        e.starts_with("steps[2]:") && e.contains("exactly one key"),
        "{e}"
    );
}

#[test]
fn config_errors_name_the_field() {
    let e = error_of(r#"{"name": "x", "kind": "network", "config": {"nodez": 5}, "steps": []}"#);
    assert!(e.starts_with("config.nodez:"), "{e}");
    let e =
        error_of(r#"{"name": "x", "kind": "network", "config": {"nodes": "many"}, "steps": []}"#);
    assert!(e.starts_with("config.nodes:"), "{e}");
    let e = error_of(
        r#"{"name": "x", "kind": "network", "config": {"params": {"alphaPrefernce": 11}},
            "steps": []}"#,
    );
    assert!(
        e.starts_with("config.params.alphaPrefernce: unknown parameter"),
        "{e}"
    );
    // A parameter set that breaks avalanchego's rules.
    let e = error_of(
        r#"{"name": "x", "kind": "network", "config": {"params": {"alphaPreference": 5}},
            "steps": []}"#,
    );
    assert!(
        e.starts_with("config.params:") && e.contains("AlphaPreference"),
        "{e}"
    );
}

#[test]
fn file_level_errors_are_named() {
    assert!(error_of("{").starts_with("not valid JSON"));
    assert!(error_of(r#"{"kind": "network", "steps": []}"#).starts_with("name: missing"));
    let e = error_of(r#"{"name": "x", "kind": "chain", "steps": []}"#);
    assert!(e.starts_with("kind: unknown kind"), "{e}");
    let e = error_of(r#"{"name": "x", "kind": "network", "steps": [], "extra": 1}"#);
    assert!(e.starts_with("extra: unknown field"), "{e}");
    let e = error_of(
        r#"{"name": "x", "kind": "network", "steps": [], "expect": [{"agreement": false}]}"#,
    );
    assert!(e.starts_with("expect[0].agreement:"), "{e}");
    let e = error_of(
        r#"{"name": "x", "kind": "network", "steps": [], "expect": [{"fasterOnAverage": "a"}]}"#,
    );
    assert!(e.starts_with("expect[0]: unknown expectation"), "{e}");
}

#[test]
fn a_colors_scenario_reads_its_variants() {
    let s = Scenario::from_json(
        r#"{"name": "alpha", "kind": "snowball-colors",
            "config": {"nodes": 100, "colors": 10},
            "compare": [{"label": "alpha 11", "params": {"alphaPreference": 11}},
                        {"label": "alpha 15"},
                        {"label": "flat", "model": "flat"}],
            "seeds": [1, 2, 3],
            "expect": {"fasterOnAverage": "alpha 11"}}"#,
    )
    .unwrap();
    let ScenarioBody::SnowballColors(c) = &s.body else {
        panic!("not a colors scenario")
    };
    assert_eq!(c.config.nodes, 100);
    assert_eq!(c.compare.len(), 3);
    assert_eq!(c.compare[0].params.alpha_preference, 11);
    assert_eq!(c.compare[0].params.alpha_confidence, 15);
    assert_eq!(c.compare[2].model, colors::Model::Flat);
    assert_eq!(c.seeds, vec![1, 2, 3]);
    assert_eq!(
        c.expect,
        vec![Expectation::FasterOnAverage("alpha 11".into())]
    );
    // The expectation must name a variant.
    let e = error_of(
        r#"{"name": "a", "kind": "snowball-colors", "compare": [{"label": "x"}, {"label": "y"}],
            "seeds": [1], "expect": [{"fasterOnAverage": "z"}]}"#,
    );
    assert!(e.starts_with("expect[0].fasterOnAverage:"), "{e}");
    // Colour scenarios cannot be set up as a network.
    assert!(matches!(
        s.setup_network(),
        Err(ScenarioError::WrongKind(_))
    ));
}

#[test]
fn data_is_text_or_64_hex_digits() {
    let d = run::data_from_text("red").unwrap();
    assert_eq!(&d.0[..4], b"red\0");
    let hex64 = "00".repeat(31) + "ff";
    assert_eq!(run::data_from_text(&hex64).unwrap().0[31], 0xff);
    assert!(run::data_from_text(&"x".repeat(33)).is_err());
}

#[test]
fn a_false_expectation_fails_the_report_and_says_why() {
    let s = Scenario::from_json(
        r#"{"name": "one block", "kind": "network",
            "config": {"nodes": 12, "params": {"k": 8, "alphaPreference": 6,
                       "alphaConfidence": 6, "beta": 4, "betaRogue": 4}},
            "steps": [{"propose": {"node": 0, "data": "a"}},
                      {"build": {"node": 0, "label": "a"}},
                      {"runUntilDecided": "a"}],
            "expect": [{"allHonestAccepted": "a"}, {"allHonestRejected": "a"},
                       {"agreement": true}, {"decidedWithinMessages": 1}]}"#,
    )
    .unwrap();
    let report = s.run().unwrap();
    let passed: Vec<bool> = report.checks.iter().map(|c| c.passed).collect();
    assert_eq!(passed, vec![true, false, true, false], "{report}");
    assert!(!report.passed());
    assert!(
        report.checks[1].detail.contains("Accepted on nodes 0, 1"),
        "{report}"
    );
    assert!(report.messages > 1 && report.polls > 0);
    assert_ne!(report.transcript, crate::chain::id::Id::EMPTY);
    // The playground starts from the same network.
    let playground = s.setup().unwrap();
    assert_eq!(playground.network().transcript_hash(), report.transcript);
}

#[test]
fn a_refused_step_is_an_error_naming_its_index() {
    let s = Scenario::from_json(
        r#"{"name": "x", "kind": "network", "config": {"nodes": 20},
            "steps": [{"propose": {"node": 0, "data": "a"}}, {"crash": 99}]}"#,
    )
    .unwrap();
    let e = s.run().unwrap_err();
    assert!(matches!(e, ScenarioError::Step { index: 1, .. }), "{e:?}");
    assert!(
        e.to_string().starts_with("steps[1] (crash node 99):"),
        "{e}"
    );
}
