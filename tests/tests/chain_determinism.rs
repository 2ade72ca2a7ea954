//! The golden cross-platform determinism check: the transcript hash of the scenario
//! `tests/scenarios/determinism.json` equals the CB58 hash in `tests/golden/chain-transcript.txt`.
//! The browser test (`web/tests/chain.rs`) compares the same scenario with the same file, so
//! native and wasm builds are held to one transcript.
//!
//! When a change legitimately alters the transcript (a new event, a different encoding),
//! rewrite the golden file with `SNOWRV_BLESS=1 cargo test -p snowrv-tests --test
//! chain_determinism` and commit it with the change that explains it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use snowrv_core::chain::scenario::Scenario;

const SCENARIO: &str = include_str!("../scenarios/determinism.json");

fn golden_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/chain-transcript.txt")
}

#[test]
fn the_determinism_scenario_matches_the_golden_transcript_hash() {
    let scenario = Scenario::from_json(SCENARIO).unwrap();
    let report = scenario.run().unwrap();
    assert!(
        report.passed(),
        "the determinism scenario itself fails:\n{report}"
    );
    let hash = report.transcript.to_string();
    let path = golden_path();
    if std::env::var_os("SNOWRV_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, format!("{hash}\n")).unwrap();
        println!("wrote {hash} to {}", path.display());
        return;
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        golden.trim(),
        hash,
        "the transcript hash of tests/scenarios/determinism.json changed.\n\
         If the change is intended (new events, a new encoding, different consensus behaviour), \
         regenerate the golden file and commit it with the change:\n  \
         SNOWRV_BLESS=1 cargo test -p snowrv-tests --test chain_determinism\n\
         The browser test reads the same file, so it follows.\n{report}"
    );
}

#[test]
fn the_transcript_hash_is_not_the_empty_placeholder() {
    // With `trace` on, the hash covers the events; an all-empty hash would mean nothing is hashed
    // and the golden comparison above would check nothing.
    let report = Scenario::from_json(SCENARIO).unwrap().run().unwrap();
    assert_ne!(report.transcript, snowrv_core::chain::Id::EMPTY);
    assert!(report.messages > 0, "the scenario delivered no message");
}
