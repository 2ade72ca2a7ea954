//! `snowrv run`: load an ELF and run it in the bare-metal or the Linux user environment.

use crate::{read_file, trace, Failure};
use snowrv_core::elf::{Image, Symbol};
use snowrv_core::linux::{Handled, LinuxConfig, LinuxEnv, Outcome};
use snowrv_core::machine::{Machine, MachineConfig, RunExit};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Which environment a program runs in.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum EnvKind {
    /// Linux user mode: U-mode, system calls serviced by the host (like `qemu-riscv32`).
    User,
    /// Bare metal: M-mode at the entry point, runs until the program writes `tohost`.
    Bare,
}

/// The options of `snowrv run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Stop after this many instructions (exit status 124).
    #[arg(long, value_name = "N")]
    pub max_steps: Option<u64>,
    /// Print one line per instruction to stderr (pc, bits, disassembly, effects).
    #[arg(long)]
    pub trace: bool,
    /// After the run, write the words between `begin_signature` and `end_signature` to FILE,
    /// one 32-bit word per line in lowercase hex (the riscv-arch-test convention).
    #[arg(long, value_name = "FILE")]
    pub signature: Option<PathBuf>,
    /// The environment; default: `bare` if the program defines `tohost`, else `user`.
    #[arg(long, value_enum)]
    pub env: Option<EnvKind>,
    /// The ELF32 RISC-V executable.
    pub program: PathBuf,
    /// Arguments passed to the program (user environment).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// How many steps to run between draining the program's output to the terminal.
const SLICE: u64 = 1 << 20;

/// Exit status for a run cut short by `--max-steps` (as `timeout(1)` uses).
const STATUS_STEP_LIMIT: u8 = 124;

/// Runs the program; returns the process exit status.
pub fn run(args: &RunArgs) -> Result<u8, Failure> {
    let bytes = read_file(&args.program)?;
    let name = args.program.display().to_string();
    let bad_elf = |e: snowrv_core::elf::ElfError| Failure::new(format!("{name}: {e}"));
    let image = Image::parse(&bytes).map_err(bad_elf)?;
    let env = args.env.unwrap_or(if image.symbol("tohost").is_some() {
        EnvKind::Bare
    } else {
        EnvKind::User
    });
    let max_steps = args.max_steps.unwrap_or(u64::MAX);
    let (mut machine, status) = match env {
        EnvKind::Bare => {
            let mut machine = Machine::new(MachineConfig::bare());
            machine
                .load_image(&image)
                .map_err(|e| Failure::new(format!("{name}: {e}")))?;
            let status = run_bare(&mut machine, max_steps, args.trace)?;
            (machine, status)
        }
        EnvKind::User => {
            let (image, headers) = Image::parse_virtual(&bytes).map_err(bad_elf)?;
            let mut machine = Machine::new(MachineConfig::user());
            machine
                .load_image(&image)
                .map_err(|e| Failure::new(format!("{name}: {e}")))?;
            let mut guest_args = vec![name.clone()];
            guest_args.extend(args.args.iter().cloned());
            let config = LinuxConfig {
                args: guest_args,
                env: std::env::vars_os()
                    .map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy()))
                    .collect(),
                ..LinuxConfig::default()
            };
            let mut linux = LinuxEnv::new(&mut machine, &image, &headers, &config)
                .map_err(|e| Failure::new(format!("{name}: {e}")))?;
            let status = run_user(&mut machine, &mut linux, max_steps, args.trace)?;
            (machine, status)
        }
    };
    if let Some(path) = &args.signature {
        write_signature(&mut machine, path)?;
    }
    Ok(status)
}

/// The exit status and message for a value stored to `tohost`.
fn tohost_status(value: u32) -> u8 {
    match value {
        1 => 0,
        v if v & 1 == 1 => {
            let test = v >> 1;
            eprintln!("FAIL: test {test}");
            u8::try_from(test.clamp(1, 255)).unwrap_or(255)
        }
        v => {
            eprintln!("snowrv: tohost written with {v:#x}, which is not an exit code (odd value)");
            1
        }
    }
}

/// The message and status for `--max-steps` running out.
fn step_limit(machine: &Machine, steps: u64) -> u8 {
    eprintln!(
        "snowrv: stopped after {steps} steps (--max-steps) at pc {:#010x}",
        machine.hart.pc()
    );
    STATUS_STEP_LIMIT
}

/// Bare metal: M-mode from the entry point until `tohost`.
fn run_bare(machine: &mut Machine, max_steps: u64, tracing: bool) -> Result<u8, Failure> {
    let mut steps = 0u64;
    loop {
        if steps >= max_steps {
            return Ok(step_limit(machine, steps));
        }
        let exit = if tracing {
            steps += 1;
            let report = machine.step();
            eprintln!("{}", trace::step_line(&report));
            match report.exit {
                Some(exit) => exit,
                None => continue,
            }
        } else {
            let budget = (max_steps - steps).min(SLICE);
            let before = machine.hart.instret();
            let exit = machine.run(budget);
            // instret misses trapping instructions; the budget bounds the count either way.
            steps += match exit {
                RunExit::StepLimit => budget,
                _ => machine.hart.instret().wrapping_sub(before).min(budget),
            };
            exit
        };
        match exit {
            RunExit::StepLimit => {}
            RunExit::ToHost(value) => return Ok(tohost_status(value)),
            RunExit::Trap(t) => {
                return Err(Failure::new(format!(
                    "{} at {:#x} (tval {:#x}) was not delivered",
                    t.cause, t.epc, t.tval
                )))
            }
            RunExit::Wfi => {
                return Err(Failure::new(format!(
                    "the hart waits (wfi) at {:#x} with no interrupt that can ever wake it",
                    machine.hart.pc()
                )))
            }
        }
    }
}

/// Linux user mode: system calls serviced, output written through, input read on demand.
fn run_user(
    machine: &mut Machine,
    linux: &mut LinuxEnv,
    max_steps: u64,
    tracing: bool,
) -> Result<u8, Failure> {
    let mut steps = 0u64;
    loop {
        let outcome = if steps >= max_steps {
            Outcome::StepLimit
        } else if tracing {
            steps += 1;
            let report = machine.step();
            eprintln!("{}", trace::step_line(&report));
            match report.exit {
                None => None,
                Some(RunExit::Trap(record)) => match linux.handle_trap(machine, &record) {
                    Handled::Resumed(call) => {
                        match call {
                            Some(call) => eprintln!("{}", trace::syscall_line(&call)),
                            None => eprintln!(
                                "          completed by the environment (misaligned access)"
                            ),
                        }
                        None
                    }
                    Handled::Stopped(outcome) => Some(outcome),
                },
                Some(exit) => linux.handle_exit(machine, &exit),
            }
            .unwrap_or(Outcome::StepLimit)
        } else {
            let budget = (max_steps - steps).min(SLICE);
            let before = machine.hart.instret();
            let outcome = linux.run(machine, budget);
            steps += match outcome {
                Outcome::StepLimit => budget,
                _ => machine.hart.instret().wrapping_sub(before).min(budget),
            };
            outcome
        };
        flush_output(linux)?;
        match outcome {
            Outcome::StepLimit if steps >= max_steps => return Ok(step_limit(machine, steps)),
            Outcome::StepLimit => {}
            Outcome::NeedsInput => {
                let mut buf = vec![0u8; 65536];
                match std::io::stdin().read(&mut buf) {
                    Ok(0) | Err(_) => linux.close_stdin(),
                    Ok(n) => linux.push_stdin(&buf[..n]),
                }
            }
            Outcome::Exited(code) => return Ok((code & 0xff) as u8),
            Outcome::Fault {
                signal,
                description,
                ..
            } => {
                eprintln!(
                    "snowrv: {description} (signal {signal}, {})",
                    signal_name(signal)
                );
                return Ok(128u8.saturating_add(signal));
            }
            Outcome::ToHost(value) => return Ok(tohost_status(value)),
        }
    }
}

/// The conventional name of a signal number.
fn signal_name(signal: u8) -> &'static str {
    match signal {
        4 => "SIGILL",
        5 => "SIGTRAP",
        7 => "SIGBUS",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        _ => "signal",
    }
}

/// Writes what the program printed to the real stdout and stderr.
fn flush_output(linux: &mut LinuxEnv) -> Result<(), Failure> {
    let out = linux.take_stdout();
    if !out.is_empty() {
        crate::write_stdout(&out)?;
    }
    let err = linux.take_stderr();
    if !err.is_empty() {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(&err);
        let _ = stderr.flush();
    }
    Ok(())
}

/// The address of the symbol `name`.
fn symbol_addr(symbols: &[Symbol], name: &str) -> Option<u32> {
    symbols.iter().find(|s| s.name == name).map(|s| s.addr)
}

/// Writes the signature region, one word per line, as riscv-arch-test expects.
fn write_signature(machine: &mut Machine, path: &Path) -> Result<(), Failure> {
    let symbols = machine.symbols();
    let (Some(begin), Some(end)) = (
        symbol_addr(symbols, "begin_signature"),
        symbol_addr(symbols, "end_signature"),
    ) else {
        return Err(Failure::new(
            "--signature: the program has no begin_signature/end_signature symbols",
        ));
    };
    if end < begin {
        return Err(Failure::new(format!(
            "--signature: end_signature {end:#x} is below begin_signature {begin:#x}"
        )));
    }
    let bytes = machine
        .read_bytes(begin, (end - begin) as usize)
        .map_err(|f| Failure::new(format!("--signature: no memory at {:#x}", f.addr)))?;
    let mut text = String::with_capacity(bytes.len() / 4 * 9);
    for word in bytes.chunks(4) {
        let mut w = [0u8; 4];
        w[..word.len()].copy_from_slice(word);
        text.push_str(&format!("{:08x}\n", u32::from_le_bytes(w)));
    }
    std::fs::write(path, text)
        .map_err(|e| Failure::new(format!("--signature {}: {e}", path.display())))
}
