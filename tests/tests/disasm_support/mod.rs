//! GNU binutils as an oracle for the decoder and disassembler tests (`disasm_objdump.rs`,
//! `reassemble.rs`): assemble a source with `riscv64-unknown-elf-as`, read it back with
//! `riscv64-unknown-elf-objdump -d` or `riscv64-unknown-elf-objcopy -O binary`.
//!
//! The tools are required: when one is missing the test fails with a message naming the Debian
//! package that provides it (`make test` installs it). Nothing is skipped silently.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::Command;

/// The ISA string both tests assemble for: the hart's extensions plus Zihintpause, so that the
/// `pause` hint assembles and objdump prints it by name (without it objdump shows `fence w,unknown`
/// and GNU as has no syntax at all for that encoding).
pub const MARCH: &str = "rv32imac_zicsr_zifencei_zihintpause";

/// The other assembler flags: the ILP32 ABI; Privileged ISA v1.12, the version this hart implements
/// (GNU as defaults to 1.11 and records that in the object, and objdump then shows 1.12 CSRs such as
/// `senvcfg` or `pmpcfg4` as numbers); no linker relaxation, so the assembler resolves branch
/// offsets itself and the object's bytes hold them.
const AS_FLAGS: [&str; 3] = ["-mabi=ilp32", "-mpriv-spec=1.12", "-mno-relax"];

/// The Debian package that provides the RISC-V binutils.
const PACKAGE: &str = "binutils-riscv64-unknown-elf";

/// Returns `name` after checking that it runs; fails the test with an install hint otherwise.
pub fn tool(name: &str) -> &str {
    match Command::new(name).arg("--version").output() {
        Ok(out) if out.status.success() => name,
        _ => panic!(
            "`{name}` is not on PATH. These tests use GNU binutils for RISC-V as their oracle: install \
             the Debian package `{PACKAGE}` (apt-get install -y {PACKAGE}; `make test` does this)."
        ),
    }
}

/// A scratch directory under the system temp dir, removed when dropped.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    /// Creates a fresh directory named after the test and this process.
    pub fn new(test: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("snowrv-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    /// A path inside the scratch directory.
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Assembles `source` (written to `<stem>.S` in `scratch`) into `<stem>.o`, without linker
/// relaxation so that branch and jump offsets are resolved by the assembler and visible in the
/// object's bytes. Fails the test with the assembler's messages if it rejects the source.
pub fn assemble(scratch: &Scratch, stem: &str, source: &str) -> PathBuf {
    let src = scratch.path(&format!("{stem}.S"));
    std::fs::write(&src, source).unwrap();
    assemble_file(scratch, stem, &src)
}

/// Like [`assemble`], for an existing source file.
pub fn assemble_file(scratch: &Scratch, stem: &str, src: &Path) -> PathBuf {
    let obj = scratch.path(&format!("{stem}.o"));
    let out = Command::new(tool("riscv64-unknown-elf-as"))
        .args(AS_FLAGS)
        .arg(format!("-march={MARCH}"))
        .arg("-o")
        .arg(&obj)
        .arg(src)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "riscv64-unknown-elf-as rejected {}:\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    obj
}

/// Assembles `source` and returns `(line number, message)` for each error GNU as reports, without
/// failing; used to find which lines of a generated source it rejects.
pub fn assembler_errors(scratch: &Scratch, stem: &str, source: &str) -> Vec<(usize, String)> {
    let src = scratch.path(&format!("{stem}.S"));
    std::fs::write(&src, source).unwrap();
    let obj = scratch.path(&format!("{stem}.o"));
    let out = Command::new(tool("riscv64-unknown-elf-as"))
        .args(AS_FLAGS)
        .arg(format!("-march={MARCH}"))
        .arg("-o")
        .arg(&obj)
        .arg(&src)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let prefix = format!("{}:", src.display());
    stderr
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(&prefix)?;
            let (line, msg) = rest.split_once(':')?;
            Some((line.parse().ok()?, msg.trim().to_string()))
        })
        .collect()
}

/// One instruction line of `objdump -d`.
#[derive(Clone, Debug)]
pub struct DumpLine {
    /// The address objdump shows.
    pub pc: u32,
    /// The instruction bits (objdump's hex column).
    pub bits: u32,
    /// 2 or 4: the width of the hex column in bytes.
    pub len: u8,
    /// Mnemonic and operands, normalized by [`normalize`].
    pub text: String,
}

/// Runs `objdump -d` on `obj` and returns its instruction lines.
pub fn objdump(obj: &Path) -> Vec<DumpLine> {
    let out = Command::new(tool("riscv64-unknown-elf-objdump"))
        .arg("-d")
        .arg(obj)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "objdump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(parse_dump_line)
        .collect()
}

/// Parses `   1c:\t00050593          \tmv\ta1,a0` into a [`DumpLine`]; `None` for headers, labels
/// and blank lines.
fn parse_dump_line(line: &str) -> Option<DumpLine> {
    let mut fields = line.split('\t');
    let pc = u32::from_str_radix(fields.next()?.trim().strip_suffix(':')?, 16).ok()?;
    let hex = fields.next()?.trim();
    let bits = u32::from_str_radix(hex, 16).ok()?;
    let len = match hex.len() {
        4 => 2,
        8 => 4,
        _ => return None,
    };
    let rest: Vec<&str> = fields.collect();
    Some(DumpLine {
        pc,
        bits,
        len,
        text: normalize(&rest.join("\t")),
    })
}

/// Normalizes objdump's instruction text for comparison: drops the `# comment` objdump adds after
/// `jalr`/`add` (the address it computed) and the `<symbol+offset>` after a target, and joins
/// mnemonic and operands with one space (objdump uses a tab).
pub fn normalize(text: &str) -> String {
    let text = match text.find('#') {
        Some(i) => &text[..i],
        None => text,
    };
    let text = match text.find(" <") {
        Some(i) => &text[..i],
        None => text,
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The bytes of the `.text` section of `obj` (`objcopy -O binary -j .text`).
pub fn text_bytes(scratch: &Scratch, obj: &Path) -> Vec<u8> {
    let bin = scratch.path("text.bin");
    let out = Command::new(tool("riscv64-unknown-elf-objcopy"))
        .args(["-O", "binary", "-j", ".text"])
        .arg(obj)
        .arg(&bin)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "objcopy failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&bin).unwrap()
}

/// A small deterministic xorshift generator, so a failing sample can be reproduced from its seed
/// without extra dependencies.
pub struct XorShift(pub u64);

impl XorShift {
    /// The next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 16) as u32
    }
}
