//! `snowrv`: run RISC-V ELF programs, disassemble them, benchmark the interpreter.
//!
//! A thin front-end over `snowrv-core`: it reads files, parses flags, moves bytes between the
//! guest and the terminal, and turns outcomes into exit statuses. All simulation lives in core.
//!
//! Exit statuses of `snowrv run`: the guest's exit code (user env) or 0 for a `tohost` pass /
//! `n` for "test n failed" (bare env); 124 when `--max-steps` ends the program; 128 + the signal
//! number a Linux kernel would have sent for a fatal trap (e.g. 132 for SIGILL); 1 for errors
//! before the program runs (file not found, malformed ELF); 2 for bad command-line flags.

mod bench;
mod chain_bench;
mod disasm;
mod rpc;
mod run;
mod trace;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Run, disassemble and benchmark RV32IMAC programs on the SnowRV interpreter.
#[derive(Parser, Debug)]
#[command(name = "snowrv", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
enum Command {
    /// Run an ELF program (bare metal until `tohost`, or as a Linux user process).
    #[command(after_help = RUN_HELP)]
    Run(run::RunArgs),
    /// Measure the interpreter's speed (instructions per second) on built-in workloads.
    Bench(bench::BenchArgs),
    /// Send one JSON-RPC 2.0 request to a simulated Snowman network and print the response.
    Rpc(rpc::RpcArgs),
    /// Measure one block to finality on simulated networks of growing size.
    BenchChain(chain_bench::BenchChainArgs),
    /// Disassemble an ELF program's code (objdump -d style).
    Disasm {
        /// The ELF32 RISC-V executable.
        program: std::path::PathBuf,
    },
}

/// Exit statuses and environments of `snowrv run`, shown after its options.
const RUN_HELP: &str = "\
Environments:
  user  the program gets argv (PROGRAM and ARGS), this process's environment variables, an
        auxiliary vector, stdin/stdout/stderr, brk; other system calls return -ENOSYS
  bare  M-mode at the entry point; the program ends by storing to its `tohost` symbol

Exit status:
  user: the program's exit code; 128 + signal for a fatal trap (132 illegal instruction,
        133 breakpoint, 135 misaligned, 139 access fault)
  bare: 0 when tohost = 1; n when tohost = (n << 1) | 1 (\"FAIL: test n\", capped at 255)
  124 when --max-steps ends the run; 1 for an unreadable or malformed program; 2 for bad flags";

/// An error to report in one line and the exit status to leave with.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong, without a trailing newline.
    pub message: String,
    /// The process exit status.
    pub status: u8,
}

impl Failure {
    /// A failure with exit status 1.
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            status: 1,
        }
    }
}

/// Reads a whole file, naming it in the error.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::new(format!("{}: {e}", path.display())))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Bench(args) => bench::bench(&args),
        Command::Rpc(args) => rpc::rpc(&args),
        Command::BenchChain(args) => chain_bench::bench_chain(&args),
        Command::Disasm { program } => cmd_disasm(&program),
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(f) => {
            eprintln!("snowrv: {}", f.message);
            ExitCode::from(f.status)
        }
    }
}

/// Help and version go to stdout with status 0; a usage error is one line on stderr, status 2.
fn clap_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    // clap's message, up to its usage section, folded onto one line.
    let text = e.render().to_string();
    let message: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty() && !l.starts_with("Usage:"))
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    eprintln!("snowrv: {message} (try 'snowrv --help')");
    ExitCode::from(2)
}

/// `snowrv disasm PROG.elf`.
fn cmd_disasm(program: &std::path::Path) -> Result<u8, Failure> {
    let bytes = read_file(program)?;
    let name = program.display().to_string();
    let text = disasm::listing(&name, &bytes).map_err(|e| Failure::new(format!("{name}: {e}")))?;
    write_stdout(text.as_bytes())?;
    Ok(0)
}

/// Writes to stdout; a closed pipe (`snowrv disasm x | head`) ends the output quietly.
pub fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(format!("writing to stdout: {e}"))),
    }
}
