//! Browser benchmark of the simulated Snowman network: one block to finality on every honest node
//! with the default parameters for N = 100, 1,000 and 10,000 nodes, in headless Chromium. It prints
//! one `bench-chain ...` line per size (median, best and worst wall time over the repeats, messages
//! delivered, polls, virtual time, wall time per N·log2 N, and every run's time in order). A
//! fresh page's first runs are slower while V8 is still compiling the hot functions with its
//! optimizing tier (in node, with the optimizing tier from the start, the first run is as fast as
//! the rest), so one 1,000-node run warms up first and is reported apart, and 100 and 1,000
//! nodes run 9 times each. Only a `--release` build gives meaningful
//! figures: `scripts/browser-bench-chain.sh`, or
//! `wasm-pack test --release --headless --chrome --mode no-install --chromedriver /usr/bin/chromedriver web --test chain_bench`.
//!
//! Each run is the `snowrv bench-chain` procedure (trace off, auto_build off: node 0 proposes and
//! builds one block, then `run_until_decided`), so the native and browser figures compare. Runs
//! deliver messages in slices and yield to the browser between slices when a slice took long, as
//! the page's Run does; the yielding time counts. The largest size runs once; the script raises the
//! runner's time limit (`WASM_BINDGEN_TEST_TIMEOUT`, 20 s by default) so that it can finish.
//!
//! The build machines are shared: for minutes at a time other tenants slow everything down, by up
//! to twice. So that a figure says what the code costs and not only how busy the machine was, a
//! fixed piece of work that does not touch the network's code or memory (a chain of SHA-256
//! digests, [`probe`]) is timed in the same page just before every measured run and printed with
//! it: when the probe is slower than its usual time, the machine was slower too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use snowrv_core::chain::id::Id;
use snowrv_core::chain::network::{Network, NetworkConfig, StepOutcome};
use snowrv_core::chain::timestampvm::Data;
use snowrv_web::state::now_ms;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Messages per `run_until_decided` call between checks of the clock.
const SLICE: u64 = 250_000;
/// Yield to the browser after computing this long.
const CHUNK_MS: f64 = 200.0;
/// A run that has not decided after this many messages is reported as stuck.
const BUDGET: u64 = 100_000_000;

/// SHA-256 digests in the probe's chain (about 20 ms in headless Chromium on this machine at its
/// usual speed).
#[cfg_attr(debug_assertions, allow(dead_code))]
const PROBE_DIGESTS: u32 = 100_000;

/// The machine's speed at this moment: milliseconds to hash a 32-byte ID [`PROBE_DIGESTS`]
/// times in a chain (each digest hashes the one before). It only computes, on a few hundred
/// bytes, so it is slowed by what slows the processor, not by the caches the network fills.
#[cfg_attr(debug_assertions, allow(dead_code))]
fn probe() -> f64 {
    let start = now_ms();
    let mut id = Id::digest(b"probe");
    for _ in 0..PROBE_DIGESTS {
        id = Id::digest(&id.0);
    }
    let wall = now_ms() - start;
    // The chain's end is used, so the digests cannot be left out.
    assert_ne!(id, Id::default());
    wall
}

/// One run: (wall ms, messages delivered, polls, virtual ms), or why it failed.
async fn run_once(nodes: u32) -> Result<(f64, u64, u64, u64), String> {
    let config = NetworkConfig {
        nodes,
        trace: false,
        auto_build: false,
        ..NetworkConfig::default()
    };
    let mut network = Network::new(config).map_err(|e| e.to_string())?;
    let data = Data::from_text_or_hex("bench-chain")?;
    let start = now_ms();
    network.propose(0, data).map_err(|e| e.to_string())?;
    let block = network.build(0).map_err(|e| e.to_string())?;
    let mut chunk_start = start;
    while network.run_until_decided(block, SLICE) == StepOutcome::Budget {
        if network.stats().delivered > BUDGET {
            return Err(format!("not decided after {BUDGET} messages"));
        }
        if now_ms() - chunk_start > CHUNK_MS {
            yew::platform::time::sleep(std::time::Duration::ZERO).await;
            chunk_start = now_ms();
        }
    }
    let wall = now_ms() - start;
    let stats = network.stats();
    Ok((wall, stats.delivered, stats.polls, network.now()))
}

#[cfg_attr(debug_assertions, allow(dead_code))]
async fn measure(nodes: u32, repeat: usize) {
    let mut runs = Vec::new();
    let mut probes = Vec::new();
    for _ in 0..repeat {
        probes.push(probe());
        match run_once(nodes).await {
            Ok(run) => runs.push(run),
            Err(e) => {
                console_log!("bench-chain {nodes} nodes: {e}");
                return;
            }
        }
        yew::platform::time::sleep(std::time::Duration::ZERO).await;
    }
    let order: Vec<String> = runs.iter().map(|run| format!("{:.0}", run.0)).collect();
    let probe_order: Vec<String> = probes.iter().map(|wall| format!("{wall:.0}")).collect();
    probes.sort_by(f64::total_cmp);
    let probe = probes[probes.len() / 2];
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (wall, messages, polls, virtual_ms) = runs[runs.len() / 2];
    let (best, worst) = (runs[0].0, runs[runs.len() - 1].0);
    let n = f64::from(nodes);
    console_log!(
        "bench-chain {nodes} nodes: {wall:.1} ms (median of {repeat}; best {best:.1}, worst \
         {worst:.1}), {messages} messages, {polls} polls, {virtual_ms} virtual ms, {:.1} \
         ns/message, {:.1} ns/(N log2 N); runs in order (ms): {}; machine probe before each \
         run (ms): {} (median {probe:.1})",
        wall * 1e6 / messages.max(1) as f64,
        wall * 1e6 / (n * n.log2()),
        order.join(" "),
        probe_order.join(" ")
    );
}

/// The full measurement; only a release build gives meaningful figures
/// (`scripts/browser-bench-chain.sh`).
#[cfg(not(debug_assertions))]
#[wasm_bindgen_test]
async fn bench_chain_in_the_browser() {
    // V8 first runs a function in its baseline tier and swaps in optimized code at a later
    // call, compiling in the background meanwhile: a fresh page's first runs measure that. One
    // 1,000-node run warms up first, reported on its own line and not counted; the probe warms
    // up with it.
    probe();
    match run_once(1_000).await {
        Ok((wall, ..)) => console_log!(
            "bench-chain warm-up: the page's first 1000-node run took {wall:.1} ms (V8 still \
             compiling; not counted below)"
        ),
        Err(e) => console_log!("bench-chain warm-up: {e}"),
    }
    measure(100, 9).await;
    measure(1_000, 9).await;
    measure(10_000, 1).await;
}

/// In the debug build `make test` runs, a small network only: the benchmark's code path still runs
/// (and a block is still decided), without spending minutes on unoptimized wasm.
#[cfg(debug_assertions)]
#[wasm_bindgen_test]
async fn bench_chain_in_the_browser() {
    let (_, messages, polls, _) = run_once(30).await.unwrap();
    assert!(messages > 0 && polls > 0);
}
