//! `snowrv bench`: instructions per second of the interpreter on fixed workloads.
//!
//! The workloads are `static/bench/*.elf`, embedded when `snowrv` is built (see `build.rs`), or
//! the ELF files named on the command line. Each runs on the fast path (`Machine::run`) from a
//! fresh copy of the loaded machine, to completion, again and again until `--seconds` have
//! passed; the table shows the instructions retired per second of wall time. A program that
//! defines `tohost` runs bare (M-mode); any other runs in the Linux user environment with its
//! output discarded.

use crate::{read_file, Failure};
use snowrv_core::elf::Image;
use snowrv_core::linux::{LinuxConfig, LinuxEnv, Outcome};
use snowrv_core::machine::{Machine, MachineConfig, RunExit};
use std::path::PathBuf;
use std::time::{Duration, Instant};

include!(concat!(env!("OUT_DIR"), "/bench_workloads.rs"));

/// The options of `snowrv bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Wall-clock seconds to spend on each workload.
    #[arg(long, default_value_t = 2.0, value_name = "S")]
    pub seconds: f64,
    /// ELF programs to measure instead of the built-in workloads.
    pub programs: Vec<PathBuf>,
}

/// Instructions per `Machine::run` call while timing (small enough to check the clock often).
const SLICE: u64 = 1 << 22;

/// A loaded program, ready to be copied and run.
enum Workload {
    /// Bare metal: runs until `tohost`.
    Bare(Machine),
    /// Linux user mode: runs until `exit`.
    User(Machine, LinuxEnv),
}

/// What one measurement found.
struct Measurement {
    instructions: u64,
    elapsed: Duration,
    runs: u64,
    /// Set when the program did not end the way a benchmark should (it still counts).
    problem: Option<String>,
}

/// Runs the benchmark table.
pub fn bench(args: &BenchArgs) -> Result<u8, Failure> {
    if !(args.seconds.is_finite() && args.seconds > 0.0) {
        return Err(Failure {
            message: format!("--seconds must be a positive number, not {}", args.seconds),
            status: 2,
        });
    }
    let mut programs: Vec<(String, Vec<u8>)> = Vec::new();
    if args.programs.is_empty() {
        programs.extend(
            BENCH_WORKLOADS
                .iter()
                .map(|(name, bytes)| (name.to_string(), bytes.to_vec())),
        );
        if programs.is_empty() {
            return Err(Failure::new(
                "no built-in workloads: static/bench/*.elf did not exist when snowrv was built \
                 (rebuild after they are committed, or name ELF files: snowrv bench PROG.elf)",
            ));
        }
    } else {
        for path in &args.programs {
            programs.push((path.display().to_string(), read_file(path)?));
        }
    }
    let budget = Duration::from_secs_f64(args.seconds);
    let width = programs
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(0)
        .max(8);
    println!(
        "{:<width$} {:>14} {:>8} {:>9} {:>12}",
        "workload", "instructions", "runs", "seconds", "MIPS"
    );
    for (name, bytes) in &programs {
        let workload = load(bytes).map_err(|e| Failure::new(format!("{name}: {e}")))?;
        let m = measure(&workload, budget);
        let secs = m.elapsed.as_secs_f64();
        let mips = if secs > 0.0 {
            m.instructions as f64 / secs / 1e6
        } else {
            0.0
        };
        println!(
            "{name:<width$} {:>14} {:>8} {secs:>9.3} {mips:>12.2}{}",
            m.instructions,
            m.runs,
            m.problem.map(|p| format!("  ({p})")).unwrap_or_default()
        );
    }
    Ok(0)
}

/// Parses and loads a program into a fresh machine.
fn load(bytes: &[u8]) -> Result<Workload, String> {
    let image = Image::parse(bytes).map_err(|e| e.to_string())?;
    if image.symbol("tohost").is_some() {
        let mut machine = Machine::new(MachineConfig::bare());
        machine.load_image(&image).map_err(|e| e.to_string())?;
        return Ok(Workload::Bare(machine));
    }
    let (image, headers) = Image::parse_virtual(bytes).map_err(|e| e.to_string())?;
    let mut machine = Machine::new(MachineConfig::user());
    machine.load_image(&image).map_err(|e| e.to_string())?;
    let config = LinuxConfig {
        args: vec![String::from("bench")],
        ..LinuxConfig::default()
    };
    let mut env =
        LinuxEnv::new(&mut machine, &image, &headers, &config).map_err(|e| e.to_string())?;
    env.close_stdin();
    Ok(Workload::User(machine, env))
}

/// Runs copies of `workload` until `budget` has passed.
fn measure(workload: &Workload, budget: Duration) -> Measurement {
    let mut m = Measurement {
        instructions: 0,
        elapsed: Duration::ZERO,
        runs: 0,
        problem: None,
    };
    while m.elapsed < budget && m.problem.is_none() {
        let (mut machine, mut env) = match workload {
            Workload::Bare(machine) => (machine.clone(), None),
            Workload::User(machine, env) => (machine.clone(), Some(env.clone())),
        };
        let start = Instant::now();
        let before = machine.hart.instret();
        let finished = loop {
            let done = match &mut env {
                None => match machine.run(SLICE) {
                    RunExit::StepLimit => None,
                    RunExit::ToHost(1) => Some(None),
                    RunExit::ToHost(v) => Some(Some(format!("tohost = {v:#x}"))),
                    other => Some(Some(format!("stopped: {other:?}"))),
                },
                Some(env) => match env.run(&mut machine, SLICE) {
                    Outcome::StepLimit => None,
                    Outcome::Exited(0) => Some(None),
                    other => Some(Some(format!("stopped: {other:?}"))),
                },
            };
            if let Some(problem) = done {
                break problem.map(Err).unwrap_or(Ok(()));
            }
            if m.elapsed + start.elapsed() >= budget {
                break Ok(());
            }
        };
        m.elapsed += start.elapsed();
        m.instructions += machine.hart.instret().wrapping_sub(before);
        m.runs += 1;
        if let Err(problem) = finished {
            m.problem = Some(problem);
        }
    }
    m
}
