//! Browser benchmark: runs each `static/bench/*.elf` (and the primes example) on the fast path in the
//! browser and prints instructions per second. The figures appear in `wasm-pack test` output;
//! only a `--release` build gives meaningful ones:
//! `wasm-pack test --release --headless --chrome --mode no-install --chromedriver /usr/bin/chromedriver web --test bench`.
//! Each program stops after 300 million instructions or 1.2 seconds (less when there are more than
//! nine programs: 12 seconds in all), whichever comes first; the
//! time spent yielding to the browser between slices counts, as it does in the page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use snowrv_web::sim::{Image, Machine, MachineConfig, RunExit};
use snowrv_web::state::now_ms;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!(concat!(env!("OUT_DIR"), "/bench_programs.rs"));

/// Instructions per call of `Machine::run`, like a long run slice in the page.
const SLICE: u64 = 200_000;
/// Milliseconds of computing between two yields to the browser.
const CHUNK_MS: f64 = 50.0;
/// Stop a program after this many instructions if it has not halted ...
const BUDGET: u64 = 300_000_000;
/// ... or after this many milliseconds ...
const TIME_LIMIT_MS: f64 = 1_200.0;
/// ... or its share of this many: the test runner gives up after 20 s in all (and on a page that
/// does not answer, so the loop also yields to the browser after every slice).
const TOTAL_TIME_MS: f64 = 12_000.0;

async fn measure(name: &str, elf: &[u8], time_limit_ms: f64) {
    let image = match Image::parse(elf) {
        Ok(image) => image,
        Err(e) => {
            console_log!("bench {name}: not loadable: {e}");
            return;
        }
    };
    let mut machine = Machine::new(MachineConfig::bare());
    if let Err(e) = machine.load_image(&image) {
        console_log!("bench {name}: load error: {e}");
        return;
    }
    let start = now_ms();
    let mut exit = RunExit::StepLimit;
    'outer: while machine.hart.instret() < BUDGET && now_ms() - start < time_limit_ms {
        // Compute for a while, then let the browser breathe (a zero timeout costs ~4 ms).
        let chunk_start = now_ms();
        while now_ms() - chunk_start < CHUNK_MS {
            exit = machine.run(SLICE);
            if exit != RunExit::StepLimit {
                break 'outer;
            }
        }
        yew::platform::time::sleep(std::time::Duration::ZERO).await;
    }
    let ms = (now_ms() - start).max(0.001);
    let n = machine.hart.instret();
    console_log!(
        "bench {name}: {n} instructions in {ms:.1} ms = {:.1} M instr/s (exit {exit:?})",
        n as f64 / ms / 1000.0
    );
}

#[wasm_bindgen_test]
async fn bench_programs_in_the_browser() {
    if BENCH_PROGRAMS.is_empty() {
        console_log!(
            "bench: no static/bench/*.elf at build time; measuring the primes example only"
        );
    }
    let programs = BENCH_PROGRAMS.len() as f64 + 1.0;
    let time_limit_ms = TIME_LIMIT_MS.min(TOTAL_TIME_MS / programs);
    for (name, elf) in BENCH_PROGRAMS {
        measure(name, elf, time_limit_ms).await;
    }
    // The other examples finish in under a hundred instructions: nothing to measure.
    if let Some(example) = snowrv_web::examples::by_id("primes") {
        measure(example.id, example.elf, time_limit_ms).await;
    }
}
