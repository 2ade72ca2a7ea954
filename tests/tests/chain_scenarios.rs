//! Every scenario file in `tests/scenarios/*.json` runs and meets its expectations.
//!
//! The files are found at run time, so a new file is picked up without touching this test; an
//! empty folder fails (a scenario suite that checks nothing must not pass). Each file's report
//! (steps, figures, every expectation in words) is printed, so `cargo test --test
//! chain_scenarios -- --nocapture` shows what happened; a failing file fails with its report.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use snowrv_core::chain::scenario::Scenario;

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap();
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_scenario_file_meets_its_expectations() {
    let files = scenario_files();
    assert!(
        !files.is_empty(),
        "tests/scenarios has no *.json scenario: nothing would be checked"
    );
    let mut failed = Vec::new();
    for path in &files {
        let scenario = read(path);
        let start = std::time::Instant::now();
        let report = scenario
            .run()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!("{}\n  ({:.1} s)\n", report, start.elapsed().as_secs_f64());
        if report.checks.is_empty() {
            failed.push(format!("{}: the scenario expects nothing", path.display()));
        }
        if !report.passed() {
            failed.push(format!("{}:\n{report}", path.display()));
        }
    }
    assert!(
        failed.is_empty(),
        "failed scenarios:\n{}",
        failed.join("\n")
    );
}

#[test]
fn every_scenario_file_is_named_after_itself_and_described() {
    for path in scenario_files() {
        let scenario = read(&path);
        let stem = path.file_stem().unwrap().to_string_lossy();
        assert_eq!(
            scenario.name,
            stem,
            "{}: name and file name differ",
            path.display()
        );
        assert!(
            !scenario.description.trim().is_empty(),
            "{}: say in \"description\" what the scenario shows",
            path.display()
        );
    }
}
