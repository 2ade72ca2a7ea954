//! `snowrv bench-chain`: one block to finality on every honest node of simulated networks of
//! growing size, with the default parameters.
//!
//! For each N: a network of N nodes (default config, `trace` off so no events are built,
//! `auto_build` off), node 0 proposes one entry and builds one block, then the network runs until
//! that block is decided on every honest node. The table shows the median wall time over
//! `--repeat` runs (network construction excluded), the messages delivered, the polls finished,
//! the virtual time at finality, and wall time divided by N·log2(N), the growth the issue asks to
//! stay within: a flat last column means cost per decided block grows as N log N.

use std::time::{Duration, Instant};

use crate::Failure;
use snowrv_core::chain::network::{Network, NetworkConfig, StepOutcome};
use snowrv_core::chain::timestampvm::Data;

/// The options of `snowrv bench-chain`.
#[derive(clap::Args, Debug)]
pub struct BenchChainArgs {
    /// Network sizes to measure.
    #[arg(long, value_delimiter = ',', default_values_t = [100u32, 1000, 10000])]
    pub nodes: Vec<u32>,
    /// Runs per size; the table shows the median wall time.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub repeat: u32,
}

/// Messages one run may deliver before it counts as stuck.
const BUDGET: u64 = 200_000_000;

/// What one run measured.
struct Run {
    wall: Duration,
    delivered: u64,
    polls: u64,
    virtual_ms: u64,
}

/// One block to finality on a fresh network of `nodes` nodes.
fn run_once(nodes: u32) -> Result<Run, Failure> {
    let config = NetworkConfig {
        nodes,
        trace: false,
        auto_build: false,
        ..NetworkConfig::default()
    };
    let mut network =
        Network::new(config).map_err(|e| Failure::new(format!("{nodes} nodes: {e}")))?;
    let data = Data::from_text_or_hex("bench-chain").map_err(Failure::new)?;
    let start = Instant::now();
    network
        .propose(0, data)
        .map_err(|e| Failure::new(format!("{nodes} nodes: propose: {e}")))?;
    let block = network
        .build(0)
        .map_err(|e| Failure::new(format!("{nodes} nodes: build: {e}")))?;
    let outcome = network.run_until_decided(block, BUDGET);
    let wall = start.elapsed();
    if outcome == StepOutcome::Budget {
        return Err(Failure::new(format!(
            "{nodes} nodes: the block was not decided within {BUDGET} messages"
        )));
    }
    let stats = network.stats();
    Ok(Run {
        wall,
        delivered: stats.delivered,
        polls: stats.polls,
        virtual_ms: network.now(),
    })
}

/// Runs `snowrv bench-chain`.
pub fn bench_chain(args: &BenchChainArgs) -> Result<u8, Failure> {
    if args.repeat == 0 {
        return Err(Failure {
            message: String::from("--repeat must be at least 1"),
            status: 2,
        });
    }
    if let Some(bad) = args.nodes.iter().find(|n| **n < 2) {
        return Err(Failure {
            message: format!("--nodes: {bad} is too few nodes to measure (at least 2)"),
            status: 2,
        });
    }
    println!(
        "one block to finality on every honest node, default parameters, trace off, median of {}",
        args.repeat
    );
    println!(
        "{:>7} {:>11} {:>12} {:>10} {:>11} {:>14} {:>16}",
        "nodes", "wall ms", "messages", "polls", "virtual ms", "ns/message", "ns/(N log2 N)"
    );
    for &nodes in &args.nodes {
        let mut runs = Vec::with_capacity(args.repeat as usize);
        for _ in 0..args.repeat {
            runs.push(run_once(nodes)?);
        }
        runs.sort_by_key(|r| r.wall);
        let Some(median) = runs.get(runs.len() / 2) else {
            continue;
        };
        let ns = median.wall.as_nanos() as f64;
        let n = f64::from(nodes);
        println!(
            "{:>7} {:>11.2} {:>12} {:>10} {:>11} {:>14.1} {:>16.1}",
            nodes,
            ns / 1e6,
            median.delivered,
            median.polls,
            median.virtual_ms,
            ns / median.delivered.max(1) as f64,
            ns / (n * n.log2()),
        );
    }
    Ok(0)
}
