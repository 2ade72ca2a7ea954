//! Differential tests against `qemu-riscv32` (Linux user mode): the C programs in `tests/c/` must
//! print the same stdout and stderr and exit with the same status under SnowRV's in-process
//! `Machine` + `linux::LinuxEnv` as under qemu; for two of them every instruction's pc and
//! register file must match qemu's `-singlestep -d cpu` trace too.
//!
//! The programs are built with `riscv64-unknown-elf-gcc -march=rv32imac -mabi=ilp32 -static`,
//! picolibc (`--specs=picolibc.specs`), `-nostartfiles` with our own `_start` (`tests/c/crt.S`),
//! a system-call layer (`tests/c/sys.c`) and linker script (`tests/c/link.ld`), into
//! `$CARGO_TARGET_TMPDIR/diff_qemu/`. Missing tools fail the tests with the Debian packages to
//! install; they never pass silently.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use snowrv_core::elf::Image;
use snowrv_core::linux::{Handled, LinuxConfig, LinuxEnv, Outcome};
use snowrv_core::machine::{Machine, MachineConfig, RunExit};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use snowrv_tests::{build_user_program, require_tool as require, run_with_stdin, scratch_dir};

/// Step budget for one program (they all finish in well under a million instructions).
const MAX_STEPS: u64 = 50_000_000;

/// Builds `tests/c/<name>.c` into an ELF and returns its path.
fn build(name: &str) -> PathBuf {
    build_user_program(&scratch_dir(env!("CARGO_TARGET_TMPDIR"), "diff_qemu"), name)
}

/// How a program ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    /// Exit status (`code & 0xff`).
    Exited(u8),
    /// Killed by this signal.
    Signal(u8),
}

/// What a run produced.
#[derive(Debug, PartialEq, Eq)]
struct Run {
    stdout: String,
    stderr: String,
    status: Status,
}

/// Runs `elf` under qemu-riscv32 with an empty environment.
fn run_qemu(elf: &Path, args: &[&str], stdin: &[u8]) -> Run {
    require("qemu-riscv32");
    let output = run_with_stdin(Command::new("qemu-riscv32").arg(elf).args(args), stdin);
    use std::os::unix::process::ExitStatusExt;
    let status = match (output.status.code(), output.status.signal()) {
        (Some(code), _) => Status::Exited(code as u8),
        (None, Some(sig)) => Status::Signal(sig as u8),
        _ => panic!("qemu ended without a status"),
    };
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        status,
    }
}

/// Loads `elf` as a Linux process with argv = [elf path, args...] and an empty environment.
fn boot(elf: &Path, args: &[&str]) -> (Machine, LinuxEnv) {
    let bytes = std::fs::read(elf).unwrap();
    let (image, headers) = Image::parse_virtual(&bytes).unwrap();
    let mut machine = Machine::new(MachineConfig::user());
    machine.load_image(&image).unwrap();
    let mut argv = vec![elf.display().to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    let config = LinuxConfig {
        args: argv,
        ..LinuxConfig::default()
    };
    let env = LinuxEnv::new(&mut machine, &image, &headers, &config).unwrap();
    (machine, env)
}

/// Runs `elf` in-process on SnowRV's machine and Linux environment.
fn run_snowrv(elf: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let (mut machine, mut env) = boot(elf, args);
    env.push_stdin(stdin);
    env.close_stdin();
    let status = match env.run(&mut machine, MAX_STEPS) {
        Outcome::Exited(code) => Status::Exited(code as u8),
        Outcome::Fault { signal, .. } => Status::Signal(signal),
        other => panic!("{}: unexpected outcome {other:?}", elf.display()),
    };
    Run {
        stdout: String::from_utf8_lossy(&env.take_stdout()).into_owned(),
        stderr: String::from_utf8_lossy(&env.take_stderr()).into_owned(),
        status,
    }
}

/// Builds `name`, runs it under both, and requires identical results; returns them.
fn differential(name: &str, args: &[&str], stdin: &[u8]) -> Run {
    let elf = build(name);
    let expected = run_qemu(&elf, args, stdin);
    let actual = run_snowrv(&elf, args, stdin);
    assert_eq!(
        actual, expected,
        "{name}: SnowRV (left) and qemu-riscv32 (right) disagree"
    );
    actual
}

#[test]
fn integer_edge_cases_match_qemu() {
    let run = differential("intops", &[], b"");
    assert_eq!(run.status, Status::Exited(0));
    assert!(run.stdout.contains("div INT_MIN/-1 = 80000000"));
}

#[test]
fn hashing_matches_qemu() {
    let run = differential("hash", &[], b"");
    assert_eq!(run.status, Status::Exited(0));
    assert!(run.stdout.contains("crc=cbf43926"));
}

#[test]
fn sorting_matches_qemu() {
    let run = differential("sort", &[], b"");
    assert_eq!(run.status, Status::Exited(0));
    assert!(run.stdout.contains("agree 1"));
}

#[test]
fn printf_formatting_matches_qemu() {
    let run = differential("format", &[], b"");
    assert_eq!(run.status, Status::Exited(0));
    assert!(run.stdout.contains("snprintf-00077-c0ffee (21)"));
}

#[test]
fn args_heap_stdin_and_exit_status_match_qemu() {
    let run = differential(
        "args",
        &["first", "with space", "-dash"],
        b"line one\nline two\nno newline at the end",
    );
    assert_eq!(run.status, Status::Exited(3));
    assert!(run.stdout.contains("argv[2] = \"with space\""));
    assert!(run.stdout.contains("AT_PAGESZ 4096 AT_RANDOM present"));
    assert_eq!(run.stderr, "to stderr\n");
}

/// One line of qemu's `-d cpu` log: the pc and the registers before an instruction executes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CpuState {
    pc: u32,
    regs: [u32; 32],
}

/// Parses the `-d cpu` register dumps of a qemu log (other lines are skipped).
fn parse_qemu_log(path: &Path) -> Vec<CpuState> {
    let file = std::fs::File::open(path).unwrap();
    let mut states = Vec::new();
    let mut current: Option<(CpuState, usize)> = None;
    for line in BufReader::new(file).lines() {
        let line = line.unwrap();
        let mut words = line.split_whitespace();
        match words.next() {
            Some("pc") => {
                let pc = u32::from_str_radix(words.next().unwrap(), 16).unwrap();
                current = Some((CpuState { pc, regs: [0; 32] }, 0));
            }
            Some(w) if w.starts_with('x') && w.contains('/') => {
                let (state, seen) = current.as_mut().expect("registers before pc");
                let mut tokens = line.split_whitespace();
                while let (Some(name), Some(value)) = (tokens.next(), tokens.next()) {
                    let n: usize = name[1..name.find('/').unwrap()].parse().unwrap();
                    state.regs[n] = u32::from_str_radix(value, 16).unwrap();
                    *seen += 1;
                }
                if *seen == 32 {
                    states.push(current.take().unwrap().0);
                }
            }
            _ => {}
        }
    }
    states
}

/// Runs `name` under `qemu-riscv32 -singlestep -d in_asm,cpu,nochain` and under SnowRV step by
/// step, and requires the same pc and registers before every instruction.
///
/// Register values that point into the initial stack may differ (the two kernels place it at
/// different addresses): a difference is accepted when both values sit at the same offset from
/// their own initial `sp`. The programs switch to a fixed stack in `_start`, so this only covers
/// `sp` itself and the `argv`/`envp` pointers.
fn trace_matches_qemu(name: &str) {
    let elf = build(name);
    require("qemu-riscv32");
    let log = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("diff_qemu")
        .join(format!("{name}.qemu.log"));
    let status = Command::new("qemu-riscv32")
        .args(["-singlestep", "-d", "in_asm,cpu,nochain", "-D"])
        .arg(&log)
        .arg(&elf)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "qemu-riscv32 {name}: {status}");
    let expected = parse_qemu_log(&log);
    let _ = std::fs::remove_file(&log);
    assert!(expected.len() > 1000, "{name}: qemu trace too short");

    let (mut machine, mut env) = boot(&elf, &[]);
    env.close_stdin();
    let qemu_sp0 = expected[0].regs[2];
    let our_sp0 = machine.hart.reg(snowrv_core::cpu::Reg::SP);
    let stack_offset = |v: u32, sp0: u32| -> Option<i64> {
        let off = i64::from(v) - i64::from(sp0);
        (off.abs() < 1 << 20).then_some(off)
    };
    let mut steps = 0usize;
    loop {
        let want = expected.get(steps).unwrap_or_else(|| {
            panic!("{name}: SnowRV runs past qemu's last instruction ({steps} steps)")
        });
        let pc = machine.hart.pc();
        let regs = *machine.hart.regs();
        assert_eq!(
            pc, want.pc,
            "{name}: step {steps}: pc {pc:#x}, qemu {:#x}",
            want.pc
        );
        for (r, (&ours, &theirs)) in regs.iter().zip(&want.regs).enumerate() {
            if ours != theirs {
                let same_stack_slot = matches!(
                    (stack_offset(ours, our_sp0), stack_offset(theirs, qemu_sp0)),
                    (Some(a), Some(b)) if a == b
                );
                assert!(
                    same_stack_slot,
                    "{name}: step {steps} at pc {pc:#x}: x{r} = {ours:#010x}, qemu {theirs:#010x}"
                );
            }
        }
        steps += 1;
        let report = machine.step();
        let stop = match report.exit {
            None => None,
            Some(RunExit::Trap(record)) => match env.handle_trap(&mut machine, &record) {
                Handled::Resumed(_) => None,
                Handled::Stopped(outcome) => Some(outcome),
            },
            Some(exit) => env.handle_exit(&mut machine, &exit),
        };
        if let Some(outcome) = stop {
            assert_eq!(outcome, Outcome::Exited(0), "{name}");
            break;
        }
    }
    assert_eq!(
        steps,
        expected.len(),
        "{name}: SnowRV executed {steps} instructions, qemu {}",
        expected.len()
    );
}

#[test]
fn intops_trace_matches_qemu_instruction_by_instruction() {
    trace_matches_qemu("intops");
}

#[test]
fn hash_trace_matches_qemu_instruction_by_instruction() {
    trace_matches_qemu("hash");
}
