//! Helpers shared by SnowRV's integration, conformance and differential tests: finding the cross
//! tools, building the C programs of `tests/c`, and finding an up-to-date `snowrv` binary.
//!
//! These helpers exist only to serve tests, so a failure is a panic with a message that says what
//! to install or what went wrong: the test that called them fails with that message.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test support: a failing helper must fail the calling test loudly"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The Debian packages behind the RISC-V cross tools and the qemu oracle.
pub const CROSS_PACKAGES: &str =
    "gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-user";

/// The C compiler for RV32 programs.
pub const CC: &str = "riscv64-unknown-elf-gcc";

/// Fails the calling test with an install hint unless `tool --version` runs.
pub fn require_tool(tool: &str) {
    let ok = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "`{tool}` is not installed; these tests need it (apt-get install -y {CROSS_PACKAGES}, \
         or run `make test`, which installs them)"
    );
}

/// The `tests/c` directory of C programs for the Linux user environment.
pub fn c_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("c")
}

/// A scratch directory `name` under the calling test's `CARGO_TARGET_TMPDIR`.
pub fn scratch_dir(target_tmpdir: &str, name: &str) -> PathBuf {
    let dir = Path::new(target_tmpdir).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Compiles `sources` for rv32imac (ilp32, static) into `out` with the extra `args`; fails the
/// test with the compiler's message.
pub fn gcc(out: &Path, args: &[&str], sources: &[PathBuf]) -> PathBuf {
    require_tool(CC);
    let o = Command::new(CC)
        .args(["-march=rv32imac", "-mabi=ilp32", "-static"])
        .args(args)
        .arg("-o")
        .arg(out)
        .args(sources)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "building {} failed:\n{}\n(picolibc.specs comes from picolibc-riscv64-unknown-elf)",
        out.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    out.to_path_buf()
}

/// Builds the static Linux user program `tests/c/<name>.c` (our own `_start` in `crt.S`, system
/// calls in `sys.c`, picolibc for the rest) into `dir/<name>.elf`.
pub fn build_user_program(dir: &Path, name: &str) -> PathBuf {
    let c = c_dir();
    let link = c.join("link.ld");
    gcc(
        &dir.join(format!("{name}.elf")),
        &[
            "-O2",
            "--specs=picolibc.specs",
            "-nostartfiles",
            "-T",
            link.to_str().unwrap(),
        ],
        &[
            c.join("crt.S"),
            c.join("sys.c"),
            c.join(format!("{name}.c")),
        ],
    )
}

/// The path of an up-to-date `snowrv` binary.
///
/// An integration test of another crate has no `CARGO_BIN_EXE_snowrv`, so this runs `cargo build
/// -p snowrv-cli --bin snowrv` once per test binary, with the same cargo, profile and target
/// directory as the running test (`SNOWRV_BIN` overrides the path). The build is incremental, so it
/// costs little when the binary is current, and a test never runs a stale binary.
pub fn snowrv_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("SNOWRV_BIN") {
            return PathBuf::from(bin);
        }
        // The running test is <target>/<profile>/deps/<test>-<hash>.
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().unwrap().parent().unwrap();
        let target_dir = profile_dir.parent().unwrap();
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .args(["build", "--quiet", "-p", "snowrv-cli", "--bin", "snowrv"])
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if profile_dir.file_name().is_some_and(|p| p == "release") {
            cargo.arg("--release");
        }
        let status = cargo.status().unwrap();
        assert!(status.success(), "cargo build -p snowrv-cli failed");
        let bin = profile_dir.join(format!("snowrv{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.exists(), "{} missing after the build", bin.display());
        bin
    })
}

/// Runs `command` with an empty environment, feeding it `stdin`, and collects its output.
pub fn run_with_stdin(command: &mut Command, stdin: &[u8]) -> Output {
    let mut child = command
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}
