//! The `snowrv` binary end to end: `run` (user and bare environments, exit statuses, stdin,
//! `--signature`, `--max-steps`, `--trace`), `disasm`, `bench`, and one-line errors.
//!
//! Finding the binary: an integration test of another crate has no `CARGO_BIN_EXE_snowrv`, so
//! [`snowrv`] runs `cargo build -p snowrv-cli --bin snowrv` once (with the same cargo, profile
//! and target directory as this test; `SNOWRV_BIN` overrides the path) and uses
//! `<target>/<profile>/snowrv`. The cargo build is incremental, so it costs little when the
//! binary is up to date, and the test never runs a stale binary.
//!
//! The user-mode programs are `tests/c/*.c` built as in `diff_qemu.rs`; where qemu-riscv32 is
//! available the binary's output is compared with it too. Missing cross tools fail the tests
//! with the Debian packages to install.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use snowrv_tests::{
    build_user_program, c_dir, gcc, require_tool as require, run_with_stdin, scratch_dir,
    snowrv_binary as snowrv,
};

/// Runs `snowrv` with `args` and `stdin` and an empty environment.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    run_with_stdin(Command::new(snowrv()).args(args), stdin)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts `o` failed with `status` and one clear line (no panic) on stderr.
fn assert_one_line_error(o: &Output, status: i32, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(status), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "expected one line, got: {err}");
    assert!(err.starts_with("snowrv: "), "{err}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A scratch directory for this test binary's artifacts.
fn out_dir() -> PathBuf {
    scratch_dir(env!("CARGO_TARGET_TMPDIR"), "cli_run")
}

/// Builds the Linux user program `tests/c/<name>.c`.
fn user_program(name: &str) -> PathBuf {
    build_user_program(&out_dir(), name)
}

/// Builds `tests/c/bare.S` (M-mode, `tohost`, signature) with extra `-D` flags.
fn bare_program(name: &str, defines: &[&str]) -> PathBuf {
    let mut args = vec!["-nostdlib", "-Wl,-N", "-Wl,-Ttext=0x80000000"];
    args.extend_from_slice(defines);
    gcc(
        &out_dir().join(format!("{name}.elf")),
        &args,
        &[c_dir().join("bare.S")],
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn user_program_output_stdin_and_exit_status() {
    let elf = user_program("args");
    let o = run(&["run", path(&elf), "one", "--two"], b"typed line\n");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(3), "stderr: {}", stderr(&o));
    assert!(out.contains("argc 3\n"), "{out}");
    assert!(out.contains("argv[2] = \"--two\""), "{out}");
    assert!(out.contains("typed line\nstdin 11 bytes 1 lines"), "{out}");
    assert_eq!(stderr(&o), "to stderr\n");
}

#[test]
fn user_programs_match_qemu_through_the_binary() {
    require("qemu-riscv32");
    for name in ["hash", "format", "args"] {
        let elf = user_program(name);
        let ours = run(&["run", path(&elf), "x"], b"in\n");
        let mut qemu = Command::new("qemu-riscv32")
            .arg(&elf)
            .arg("x")
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        qemu.stdin.take().unwrap().write_all(b"in\n").unwrap();
        let theirs = qemu.wait_with_output().unwrap();
        assert_eq!(stdout(&ours), stdout(&theirs), "{name}: stdout");
        assert_eq!(stderr(&ours), stderr(&theirs), "{name}: stderr");
        assert_eq!(ours.status.code(), theirs.status.code(), "{name}: status");
    }
}

#[test]
fn bare_pass_fail_and_signature() {
    let pass = bare_program("bare_pass", &[]);
    let sig = out_dir().join("bare_pass.sig");
    let o = run(&["run", "--signature", path(&sig), path(&pass)], b"");
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&sig).unwrap(),
        "deadbeef\n00c0ffee\n00000005\n11111111\n"
    );

    let fail = bare_program("bare_fail3", &["-DTOHOST_VALUE=7"]);
    let o = run(&["run", path(&fail)], b"");
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("FAIL: test 3"), "{}", stderr(&o));

    let fail = bare_program("bare_fail300", &["-DTOHOST_VALUE=601"]);
    let o = run(&["run", path(&fail)], b"");
    assert_eq!(
        o.status.code(),
        Some(255),
        "test numbers above 255 cap at 255"
    );
    assert!(stderr(&o).contains("FAIL: test 300"), "{}", stderr(&o));
}

#[test]
fn max_steps_stops_a_runaway_program() {
    let spin = bare_program("bare_spin", &["-DSPIN"]);
    let o = run(&["run", "--max-steps", "100", path(&spin)], b"");
    assert_eq!(o.status.code(), Some(124));
    assert!(
        stderr(&o).contains("stopped after 100 steps"),
        "{}",
        stderr(&o)
    );
    let o = run(&["run", "--trace", "--max-steps", "5", path(&spin)], b"");
    assert_eq!(o.status.code(), Some(124));
    assert_eq!(stderr(&o).lines().count(), 6, "{}", stderr(&o));
}

#[test]
fn trace_shows_pc_bits_disassembly_and_effects() {
    let pass = bare_program("bare_trace", &[]);
    let o = run(&["run", "--trace", path(&pass)], b"");
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("80000000  00000297  auipc t0,0x0"),
        "{}",
        lines[0]
    );
    assert!(lines[0].ends_with("t0=0x80000000"), "{}", lines[0]);
    assert!(err.contains("mem[0x80000050].w=0xdeadbeef store"), "{err}");
    // A compressed instruction shows 4 hex digits.
    assert!(err.contains("4395      li t2,5"), "{err}");
}

#[test]
fn env_flag_overrides_the_default() {
    // A Linux program linked at 0x10000 cannot load on the bare machine (RAM at 0x8000_0000).
    let user = user_program("hash");
    let o = run(&["run", "--env", "bare", path(&user)], b"");
    assert_one_line_error(&o, 1, "not inside RAM");
    // A tohost program runs in U-mode too (user RAM covers 0x8000_0000), and tohost still ends it.
    let pass = bare_program("bare_as_user", &["-DTOHOST_VALUE=5"]);
    let o = run(&["run", "--env", "user", path(&pass)], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(&["run", "--env", "kernel", path(&pass)], b"");
    assert_one_line_error(&o, 2, "kernel");
}

#[test]
fn illegal_instruction_ends_like_sigill() {
    let dir = out_dir();
    let src = dir.join("illegal.S");
    std::fs::write(
        &src,
        ".globl _start\n_start:\n  li a0, 5\n  .word 0xffffffff\n",
    )
    .unwrap();
    let elf = gcc(&dir.join("illegal.elf"), &["-nostdlib"], &[src]);
    let o = run(&["run", path(&elf)], b"");
    assert_eq!(o.status.code(), Some(128 + 4));
    let err = stderr(&o);
    assert!(err.contains("illegal instruction at 0x"), "{err}");
    assert!(err.contains("(bits 0xffffffff)"), "{err}");
}

#[test]
fn disasm_lists_functions_like_objdump() {
    let elf = user_program("hash");
    let o = run(&["disasm", path(&elf)], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Disassembly of section .text:"), "{out}");
    assert!(out.contains(" <_start>:\n"), "{out}");
    assert!(out.contains(" <main>:\n"), "{out}");
    // `_start`'s first instruction, and a compressed one with 4 hex digits.
    assert!(
        out.contains(":\t00004197          \tauipc\tgp,0x4\n") || out.contains("\tauipc\tgp,"),
        "{out}"
    );
    assert!(
        out.contains(":\t4502                \tlw\ta0,0(sp)\n"),
        "{out}"
    );
    assert!(
        out.contains("jal\t") && out.contains(" <__snowrv_main>"),
        "{out}"
    );
}

#[test]
fn disasm_matches_objdump_byte_for_byte_on_a_small_program() {
    require("riscv64-unknown-elf-objdump");
    let elf = bare_program("bare_disasm", &[]);
    let ours = run(&["disasm", path(&elf)], b"");
    assert_eq!(ours.status.code(), Some(0), "{}", stderr(&ours));
    let objdump = Command::new("riscv64-unknown-elf-objdump")
        .arg("-d")
        .arg(&elf)
        .output()
        .unwrap();
    // objdump appends `# address <symbol>` after `addi` of an `auipc` pair; SnowRV does not.
    let expected: String = stdout(&objdump)
        .lines()
        .map(|l| match l.find(" #") {
            Some(i) => l[..i].trim_end().to_string() + "\n",
            None => l.to_string() + "\n",
        })
        .collect();
    assert_eq!(stdout(&ours), expected);
}

#[test]
fn bench_measures_named_programs() {
    let pass = bare_program("bare_bench", &[]);
    let o = run(&["bench", "--seconds", "0.05", path(&pass)], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("workload"), "{out}");
    assert!(out.contains("bare_bench.elf"), "{out}");
    assert!(out.contains("MIPS"), "{out}");
}

#[test]
fn bench_runs_the_built_in_workloads() {
    let o = run(&["bench", "--seconds", "0.01"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for name in ["loop", "memcpy", "crc32", "sort", "loop_sv32", "sort_sv32"] {
        assert!(
            out.lines()
                .any(|l| l.split_whitespace().next() == Some(name)),
            "{name} missing from:\n{out}"
        );
    }
    // Every workload ran without a problem note.
    assert!(!out.contains('('), "{out}");
}

#[test]
fn errors_are_one_line() {
    let o = run(&["run", "/nonexistent/prog.elf"], b"");
    assert_one_line_error(&o, 1, "/nonexistent/prog.elf");

    let junk = out_dir().join("junk.elf");
    std::fs::write(&junk, b"this is not an ELF file").unwrap();
    let o = run(&["run", path(&junk)], b"");
    assert_one_line_error(&o, 1, "bad magic");
    let o = run(&["disasm", path(&junk)], b"");
    assert_one_line_error(&o, 1, "bad magic");

    let o = run(&["run", "--max-steps", "lots", path(&junk)], b"");
    assert_one_line_error(&o, 2, "--max-steps");
    let o = run(&["frobnicate"], b"");
    assert_one_line_error(&o, 2, "frobnicate");
    let o = run(&["run"], b"");
    assert_one_line_error(&o, 2, "PROGRAM");

    let truncated = out_dir().join("truncated.elf");
    let elf = std::fs::read(bare_program("bare_truncated", &[])).unwrap();
    std::fs::write(&truncated, &elf[..200]).unwrap();
    let o = run(&["run", path(&truncated)], b"");
    assert_one_line_error(&o, 1, "truncated.elf");
}
