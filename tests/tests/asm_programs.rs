//! Conformance: SnowRV's self-checking assembly programs (`tests/asm/*.S`) on the hart.
//!
//! Each program is assembled with the GNU RISC-V cross tools into `CARGO_TARGET_TMPDIR`, loaded with
//! [`Image::parse`] into a [`Machine`] built from [`MachineConfig::bare`], and run until it writes
//! `tohost`: 1 means every case passed, `(n << 1) | 1` means case `n` failed (see
//! `tests/asm/include/snowrv_test.h`). There is one `#[test]` per program and environment, so a
//! failure names the program; its message gives the case number, what the test environment
//! recorded about an unexpected trap, and the last instructions executed. A program that passes is
//! run a second time through the observable single-step path, which must agree with the fast path.
//!
//! Programs named `rv32u*` are built twice: `-p` (body in M-mode, physical addresses) and `-v`
//! (body in S-mode under Sv32 page tables). Privileged programs (`rv32m*`, `rv32s*`) build `-p`.
//!
//! The cross tools are required: without them these tests fail with the Debian packages to
//! install, rather than skipping silently.

use snowrv_core::elf::Image;
use snowrv_core::machine::{Machine, MachineConfig, RunExit, StepReport};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The cross compiler driver (assembles `.S` through the C preprocessor, links with our script).
const CC: &str = "riscv64-unknown-elf-gcc";
/// The Debian packages that provide [`CC`].
const CROSS_PACKAGES: &str = "gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf";
/// More than any program needs (the largest runs well under a million instructions).
const STEP_LIMIT: u64 = 50_000_000;
/// How many instructions of history to print when a program fails.
const HISTORY: usize = 24;

/// The two test environments of `tests/asm/include/snowrv_env.S`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Env {
    /// The body runs in M-mode with physical addresses.
    P,
    /// The body runs in S-mode under Sv32 (identity-mapped superpages).
    V,
}

impl Env {
    fn suffix(self) -> &'static str {
        match self {
            Env::P => "p",
            Env::V => "v",
        }
    }
}

fn asm_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("asm")
}

/// Where the programs are built; `sub` keeps tests that build the same program concurrently
/// (the CLI test) from writing the same file.
fn out_dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("asm-programs")
        .join(sub)
}

/// Assembles and links `tests/asm/<name>.S` for `env` into `out_dir(sub)`; returns the ELF path.
fn build(name: &str, env: Env, sub: &str) -> Result<PathBuf, String> {
    let dir = asm_dir();
    let include = dir.join("include");
    let out = out_dir(sub);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let elf = out.join(format!("{name}-{}.elf", env.suffix()));
    let mut cmd = Command::new(CC);
    cmd.args([
        "-march=rv32imac_zicsr_zifencei",
        "-mabi=ilp32",
        "-nostdlib",
        "-nostartfiles",
        "-static",
        "-Wl,--build-id=none",
    ])
    .arg(format!("-I{}", include.display()))
    .arg("-T")
    .arg(dir.join("link.ld"));
    if env == Env::V {
        cmd.arg("-DSNOWRV_ENV_V");
    }
    cmd.arg(include.join("snowrv_env.S"))
        .arg(dir.join(format!("{name}.S")))
        .arg("-o")
        .arg(&elf);
    let output = cmd.output().map_err(|e| {
        format!(
            "cannot run {CC} ({e}): the RISC-V cross tools are needed to build the assembly \
             test programs; install the Debian packages: apt-get install -y {CROSS_PACKAGES}"
        )
    })?;
    if !output.status.success() {
        return Err(format!(
            "{CC} failed for {name}.S:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(elf)
}

/// A loaded machine, ready to run.
fn load(elf: &Path) -> Result<(Machine, Image), String> {
    let bytes = std::fs::read(elf).map_err(|e| format!("{}: {e}", elf.display()))?;
    let image = Image::parse(&bytes).map_err(|e| format!("{}: {e}", elf.display()))?;
    let mut machine = Machine::new(MachineConfig::bare());
    machine
        .load_image(&image)
        .map_err(|e| format!("{}: {e}", elf.display()))?;
    Ok((machine, image))
}

/// The symbol at or before `addr`, as `name+offset`.
fn symbolize(image: &Image, addr: u32) -> String {
    let best = image
        .symbols
        .iter()
        .filter(|s| s.addr <= addr && !s.name.is_empty() && !s.name.starts_with('$'))
        .max_by_key(|s| s.addr);
    match best {
        Some(s) if s.addr == addr => s.name.clone(),
        Some(s) => format!("{}+{:#x}", s.name, addr - s.addr),
        None => String::from("?"),
    }
}

fn read_word(machine: &Machine, addr: u32) -> Option<u32> {
    let bytes = machine.read_bytes(addr, 4).ok()?;
    Some(u32::from_le_bytes([
        *bytes.first()?,
        *bytes.get(1)?,
        *bytes.get(2)?,
        *bytes.get(3)?,
    ]))
}

/// What `snowrv_fail_info` says about the trap that failed the program, if one did.
fn fail_info(machine: &Machine, image: &Image) -> String {
    let Some(info) = image.symbols.iter().find(|s| s.name == "snowrv_fail_info") else {
        return String::new();
    };
    let word = |i: u32| read_word(machine, info.addr + 4 * i).unwrap_or(0);
    if word(0) == 0 {
        return String::from("no unexpected trap recorded (a value check failed)");
    }
    let mode = if word(1) == 3 { "M" } else { "S" };
    let cause = word(2);
    let epc = word(3);
    format!(
        "unexpected or mismatching trap taken by the {mode}-mode handler: cause {cause:#x} ({}), \
         epc {epc:#010x} <{}>, tval {:#010x}",
        snowrv_core::cpu::TrapCause::from_mcause(cause)
            .map(|c| c.description())
            .unwrap_or("unknown cause"),
        symbolize(image, epc),
        word(4)
    )
}

/// Re-runs the program one observable step at a time (at most `steps`, stopping where the run
/// ended) and returns the last instructions, symbolized.
fn history(elf: &Path, steps: u64) -> String {
    let Ok((mut machine, image)) = load(elf) else {
        return String::new();
    };
    let mut last: VecDeque<StepReport> = VecDeque::with_capacity(HISTORY);
    for _ in 0..steps {
        let report = machine.step();
        if last.len() == HISTORY {
            last.pop_front();
        }
        last.push_back(report);
        if report.exit.is_some() {
            break;
        }
    }
    let lines: Vec<String> = last
        .iter()
        .map(|report| match (&report.instruction, &report.trap) {
            (_, Some(trap)) => format!(
                "{:#010x} <{}>  trap: {} tval={:#x} ({:?} -> {:?})",
                report.pc,
                symbolize(&image, report.pc),
                trap.cause,
                trap.tval,
                trap.from,
                trap.to
            ),
            (Some(insn), None) => format!(
                "{:#010x} <{}>  {}",
                report.pc,
                symbolize(&image, report.pc),
                insn.display_at(report.pc)
            ),
            (None, None) => format!("{:#010x}  bits {:#x}", report.pc, report.bits),
        })
        .collect();
    lines.join("\n    ")
}

/// Runs the program again through the observable [`Machine::step`] path, which must agree with the
/// fast [`Machine::run`] path: the same pass, after the same number of retired instructions (the
/// two paths share one executor; the fast one adds a decode cache).
fn same_through_step(elf: &Path, label: &str, run_instret: u64) -> Result<(), String> {
    let (mut machine, _) = load(elf)?;
    let mut exit = None;
    for _ in 0..STEP_LIMIT {
        exit = machine.step().exit;
        if exit.is_some() {
            break;
        }
    }
    let step_instret = machine.hart.instret();
    if exit == Some(RunExit::ToHost(1)) && step_instret == run_instret {
        Ok(())
    } else {
        Err(format!(
            "{label}: run() passed after {run_instret} instructions, but step() ended with \
             {exit:?} after {step_instret}"
        ))
    }
}

/// Builds and runs one program; `Ok` when it reported a pass through `tohost`.
fn run_program(name: &str, env: Env) -> Result<(), String> {
    let elf = build(name, env, "lib")?;
    let (mut machine, image) = load(&elf)?;
    let label = format!("{name}-{}", env.suffix());
    match machine.run(STEP_LIMIT) {
        RunExit::ToHost(1) => same_through_step(&elf, &label, machine.hart.instret()),
        RunExit::ToHost(v) => {
            let case = v >> 1;
            let case_text = if case == 0xffff {
                String::from("before the first case")
            } else {
                format!("case {case}")
            };
            Err(format!(
                "{label}: FAILED at {case_text} (tohost = {v:#x}); {}\n  last instructions:\n    {}",
                fail_info(&machine, &image),
                history(&elf, STEP_LIMIT)
            ))
        }
        other => Err(format!(
            "{label}: did not report through tohost: {other:?} at pc {:#010x} <{}>\n  last \
             instructions:\n    {}",
            machine.hart.pc(),
            symbolize(&image, machine.hart.pc()),
            history(&elf, STEP_LIMIT)
        )),
    }
}

macro_rules! asm_programs {
    ($($test:ident => $file:literal, $env:ident;)*) => {
        $(
            #[test]
            fn $test() -> Result<(), String> {
                run_program($file, Env::$env)
            }
        )*
        /// Every (program, environment) pair that has a test above.
        const PROGRAMS: &[(&str, Env)] = &[$(($file, Env::$env)),*];
    };
}

asm_programs! {
    rv32ui_alu_p => "rv32ui-alu", P;
    rv32ui_alu_v => "rv32ui-alu", V;
    rv32ui_branch_p => "rv32ui-branch", P;
    rv32ui_branch_v => "rv32ui-branch", V;
    rv32ui_jump_p => "rv32ui-jump", P;
    rv32ui_jump_v => "rv32ui-jump", V;
    rv32ui_upper_p => "rv32ui-upper", P;
    rv32ui_upper_v => "rv32ui-upper", V;
    rv32ui_loadstore_p => "rv32ui-loadstore", P;
    rv32ui_loadstore_v => "rv32ui-loadstore", V;
    rv32ui_fence_p => "rv32ui-fence", P;
    rv32ui_fence_v => "rv32ui-fence", V;
    rv32ui_fencei_p => "rv32ui-fencei", P;
    rv32ui_fencei_v => "rv32ui-fencei", V;
    rv32um_muldiv_p => "rv32um-muldiv", P;
    rv32um_muldiv_v => "rv32um-muldiv", V;
    rv32ua_amo_p => "rv32ua-amo", P;
    rv32ua_amo_v => "rv32ua-amo", V;
    rv32uc_rvc_p => "rv32uc-rvc", P;
    rv32uc_rvc_v => "rv32uc-rvc", V;
    rv32mi_csr_p => "rv32mi-csr", P;
    rv32mi_counters_p => "rv32mi-counters", P;
    rv32mi_exceptions_p => "rv32mi-exceptions", P;
    rv32mi_interrupts_p => "rv32mi-interrupts", P;
    rv32mi_xret_p => "rv32mi-xret", P;
    rv32mi_mprv_p => "rv32mi-mprv", P;
    rv32si_deleg_p => "rv32si-deleg", P;
    rv32si_tvm_p => "rv32si-tvm", P;
    rv32si_sv32_p => "rv32si-sv32", P;
}

/// Every `tests/asm/*.S` has its tests above (both environments for `rv32u*`), so a new program
/// cannot be forgotten.
#[test]
fn every_program_has_a_test() -> Result<(), String> {
    let dir = asm_dir();
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut missing = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("S") {
            continue;
        }
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let envs: &[Env] = if name.starts_with("rv32u") {
            &[Env::P, Env::V]
        } else {
            &[Env::P]
        };
        for env in envs {
            if !PROGRAMS.contains(&(name, *env)) {
                missing.push(format!("{name} ({})", env.suffix()));
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "tests/asm programs without a test in asm_programs.rs: {}",
            missing.join(", ")
        ))
    }
}

/// Every program again through the command line: `snowrv run --env bare` exits 0 for a pass (and
/// with the case number for a failure). The binary is built by cargo if it is not current.
#[test]
fn programs_run_through_the_cli() -> Result<(), String> {
    let binary = snowrv_tests::snowrv_binary();
    let mut failures = Vec::new();
    for &(name, env) in PROGRAMS {
        let elf = build(name, env, "cli")?;
        let output = Command::new(binary)
            .args(["run", "--env", "bare", "--max-steps"])
            .arg(STEP_LIMIT.to_string())
            .arg(&elf)
            .output()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        if output.status.code() != Some(0) {
            failures.push(format!(
                "snowrv run --env bare {}: exit {:?}\nstdout: {}\nstderr: {}",
                elf.display(),
                output.status.code(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// The committed bench workloads (`static/bench/*.elf`).
fn bench_workloads() -> Result<Vec<PathBuf>, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/bench");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("elf"))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("no .elf in {}", dir.display()));
    }
    Ok(names)
}

/// Runs one bench workload, first setting its `bench_iterations` word when `iterations` is given;
/// returns the instructions retired.
fn run_workload(elf: &Path, iterations: Option<u32>, limit: u64) -> Result<u64, String> {
    let (mut machine, image) = load(elf)?;
    if let Some(n) = iterations {
        let at = image
            .symbol("bench_iterations")
            .ok_or_else(|| format!("{}: no bench_iterations symbol", elf.display()))?
            .addr;
        machine
            .write_bytes(at, &n.to_le_bytes())
            .map_err(|e| format!("{}: {e:?}", elf.display()))?;
    }
    let exit = machine.run(limit);
    let instret = machine.hart.instret();
    if exit != RunExit::ToHost(1) {
        return Err(format!(
            "{}: {exit:?} after {instret} instructions",
            elf.display()
        ));
    }
    Ok(instret)
}

/// Every bench workload, bare and under Sv32, checks its own result and passes when scaled down to
/// a few iterations (the full-length runs are below).
#[test]
fn bench_workloads_pass_scaled_down() -> Result<(), String> {
    for elf in bench_workloads()? {
        run_workload(&elf, Some(3), 5_000_000)?;
    }
    Ok(())
}

/// The bench workloads at their committed length pass and take 50-200 million instructions each
/// (the figures in docs/BENCHMARKS.md). Too slow for a debug build: run with
/// `cargo test --release -p snowrv-tests --test asm_programs -- --ignored --nocapture`.
#[test]
#[ignore = "runs ~1.4 billion instructions; the scaled-down test above runs every time"]
fn bench_workloads_pass_at_full_length() -> Result<(), String> {
    for elf in bench_workloads()? {
        let instret = run_workload(&elf, None, 400_000_000)?;
        println!("{}: {instret} instructions", elf.display());
        if !(50_000_000..=200_000_000).contains(&instret) {
            return Err(format!(
                "{}: {instret} instructions, outside 50-200 million",
                elf.display()
            ));
        }
    }
    Ok(())
}
