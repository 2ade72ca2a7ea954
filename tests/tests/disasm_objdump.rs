//! The disassembler against GNU objdump, line by line.
//!
//! For every instruction line objdump prints, we decode the same bits with `cpu::decode` and require
//! `display_at(pc)` to equal objdump's text (mnemonic and operands; objdump's tab becomes a space, its
//! `<symbol+offset>` and `# address` comments are dropped). Inputs:
//! - the hand-written corpus `tests/corpus/*.S` (every instruction, alias, compressed form, CSRs by
//!   name), which must also decode without a single error;
//! - every one of the 49152 16-bit encodings (all of RVC);
//! - every CSR address with each of the six CSR instructions and `rd`/`rs1` both zero and non-zero;
//! - a fixed-seed sample of 32-bit words biased towards the implemented opcodes and zero registers.
//!
//! Three kinds of line are allowed to differ, and each is checked in another way rather than
//! skipped:
//! - RVC HINT encodings (Unprivileged ISA 20191213, section 16.7): objdump prints them with a `c.`
//!   mnemonic (`c.nop 5`, `c.li zero,3`, `c.slli64 a0`); our model has no compressed variants, so we
//!   print the 32-bit expansion. For these the test encodes the expansion as a 32-bit word and
//!   requires our text to equal objdump's text for *that* word.
//! - `fence`/`fence.i` words with non-zero `rd`/`rs1`/`imm` or a reserved `fm`: the spec tells base
//!   implementations to ignore those fields, objdump prints `.4byte`. Our text must equal objdump's
//!   text for the word with those fields cleared ([`fence_without_ignored_fields`]).
//! - Encodings we reject (`Err`): objdump must either not know them either (`.2byte`/`.4byte`, or
//!   `unimp` for the all-zero halfword, which the spec defines as illegal), or they must be one of
//!   the reserved/unimplemented encodings listed in [`objdump_accepts_but_hart_rejects`], each with
//!   the spec rule that makes it illegal here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod disasm_support;

use disasm_support::{assemble, assemble_file, objdump, DumpLine, Scratch, XorShift};
use snowrv_core::cpu::{decode, Instruction, OpImmKind, OpKind};
use std::fmt::Write as _;

/// Compares every line of `dump`; returns a description of each disagreement. Lines that must be
/// compared with objdump's text for another word go to `deferred` as `(index, other word)`.
fn compare(dump: &[DumpLine], deferred: &mut Vec<(usize, u32)>) -> Vec<String> {
    let mut bad = Vec::new();
    for (i, line) in dump.iter().enumerate() {
        match decode(line.bits) {
            Ok(d) => {
                if d.len != line.len {
                    bad.push(format!(
                        "{:08x}: len {} but objdump says {}",
                        line.bits, d.len, line.len
                    ));
                    continue;
                }
                if d.len == 2 && is_rvc_hint(line.bits) {
                    deferred.push((i, encode_hint_expansion(&d.instruction, line.bits)));
                    continue;
                }
                if let Some(canonical) = fence_without_ignored_fields(line.bits) {
                    deferred.push((i, canonical));
                    continue;
                }
                let ours = d.instruction.display_at(line.pc).to_string();
                if ours != line.text {
                    bad.push(format!(
                        "{:08x} at {:x}: ours `{ours}`, objdump `{}`",
                        line.bits, line.pc, line.text
                    ));
                }
            }
            Err(e) => {
                let unknown_to_objdump = line.text.starts_with(".2byte")
                    || line.text.starts_with(".4byte")
                    || (line.bits == 0 && line.text == "unimp");
                if !unknown_to_objdump && objdump_accepts_but_hart_rejects(line).is_none() {
                    bad.push(format!(
                        "{:08x}: we reject ({e}), objdump prints `{}`",
                        line.bits, line.text
                    ));
                }
            }
        }
    }
    bad
}

/// Checks the deferred lines: our text for the original word must equal objdump's text for the
/// other word (the RVC HINT's 32-bit expansion, or the fence with its ignored fields cleared).
fn compare_deferred(
    scratch: &Scratch,
    dump: &[DumpLine],
    deferred: &[(usize, u32)],
) -> Vec<String> {
    if deferred.is_empty() {
        return Vec::new();
    }
    let mut src = String::from(".text\n");
    for (_, word) in deferred {
        writeln!(src, ".insn 4, {word:#010x}").unwrap();
    }
    let others = objdump(&assemble(scratch, "deferred", &src));
    assert_eq!(others.len(), deferred.len());
    let mut bad = Vec::new();
    for ((i, word), other) in deferred.iter().zip(&others) {
        let line = &dump[*i];
        let ours = decode(line.bits).unwrap().instruction.to_string();
        if ours != other.text {
            bad.push(format!(
                "{:08x} (objdump `{}`): ours `{ours}`, objdump for {word:08x} `{}`",
                line.bits, line.text, other.text
            ));
        }
    }
    bad
}

/// For a `fence`/`fence.i` word with non-zero fields that the spec tells base implementations to
/// ignore (and objdump does not accept), the same word with those fields cleared. "The unused
/// fields in the FENCE instructions - rs1 and rd - are reserved for finer-grain fences in future
/// extensions. For forward compatibility, base implementations shall ignore these fields ... [and]
/// treat all such reserved configurations [of fm] as normal fences with fm=0000" (section 2.7);
/// "the unused fields in the FENCE.I instruction, imm[11:0], rs1, and rd ... base implementations
/// shall ignore" (chapter 3).
fn fence_without_ignored_fields(w: u32) -> Option<u32> {
    if w & 0x7f != 0x0f {
        return None;
    }
    let canonical = match (w >> 12) & 7 {
        0b000 if w >> 20 == 0x833 => w & 0xfff0_707f,
        0b000 => w & 0x0ff0_707f,
        0b001 => w & 0x0000_707f,
        _ => return None,
    };
    (canonical != w).then_some(canonical)
}

/// Is this 16-bit word one of the RVC HINTs of section 16.7 (for RV32C)?
fn is_rvc_hint(h: u32) -> bool {
    let quadrant = h & 0b11;
    let funct3 = (h >> 13) & 0b111;
    let rd = (h >> 7) & 0x1f;
    let rs2 = (h >> 2) & 0x1f;
    let imm6 = ((h >> 7) & 0x20) | rs2;
    let bit12 = (h >> 12) & 1;
    match (quadrant, funct3) {
        // c.nop with nzimm != 0; c.addi with rd != 0 and nzimm = 0.
        (0b01, 0b000) => (rd == 0) != (imm6 == 0),
        // c.li rd = x0.
        (0b01, 0b010) => rd == 0,
        // c.lui rd = x0 (nzimm != 0; nzimm = 0 is reserved).
        (0b01, 0b011) => rd == 0 && imm6 != 0,
        // c.srli64 / c.srai64: shamt = 0.
        (0b01, 0b100) => (h >> 11) & 1 == 0 && imm6 == 0,
        // c.slli with rd = x0, or c.slli64 (shamt = 0).
        (0b10, 0b000) => bit12 == 0 && (rd == 0 || rs2 == 0),
        // c.mv / c.add with rd = x0 and rs2 != 0.
        (0b10, 0b100) => rd == 0 && rs2 != 0,
        _ => false,
    }
}

/// The 32-bit encoding of the expansion of an RVC HINT (only the kinds HINTs expand to).
fn encode_hint_expansion(insn: &Instruction, h: u32) -> u32 {
    let r = |reg: snowrv_core::cpu::Reg| u32::from(reg.number());
    match *insn {
        Instruction::OpImm { kind, rd, rs1, imm } => {
            let (funct3, high) = match kind {
                OpImmKind::Addi => (0b000, 0),
                OpImmKind::Slli => (0b001, 0),
                OpImmKind::Srli => (0b101, 0),
                OpImmKind::Srai => (0b101, 0x4000_0000),
                _ => panic!("{h:04x}: unexpected HINT expansion {insn:?}"),
            };
            high | ((imm as u32 & 0xfff) << 20)
                | (r(rs1) << 15)
                | (funct3 << 12)
                | (r(rd) << 7)
                | 0x13
        }
        Instruction::Lui { rd, imm } => imm | (r(rd) << 7) | 0x37,
        Instruction::Op {
            kind: OpKind::Add,
            rd,
            rs1,
            rs2,
        } => (r(rs2) << 20) | (r(rs1) << 15) | (r(rd) << 7) | 0x33,
        _ => panic!("{h:04x}: unexpected HINT expansion {insn:?}"),
    }
}

/// Encodings objdump disassembles although this hart must treat them as illegal; returns the
/// spec rule. Anything else objdump knows and we reject is a test failure.
fn objdump_accepts_but_hart_rejects(line: &DumpLine) -> Option<&'static str> {
    let w = line.bits;
    let mnemonic = line.text.split(' ').next().unwrap_or("");
    if line.len == 4 {
        let opcode = w & 0x7f;
        let funct3 = (w >> 12) & 7;
        // objdump does not check XLEN for shift amounts.
        if opcode == 0x13 && (funct3 == 1 || funct3 == 5) && (w >> 25) & 1 == 1 {
            return Some("RV32I section 2.4: slli/srli/srai with imm[5] != 0 are illegal on RV32");
        }
        // Encodings from old privileged-spec drafts and the debug spec that this hart lacks.
        if matches!(mnemonic, "sfence.vm" | "hret" | "dret" | "uret") {
            return Some("not in Privileged ISA v1.12 (removed draft or debug-mode instruction)");
        }
    } else {
        let quadrant = w & 3;
        let funct3 = (w >> 13) & 7;
        let bit12 = (w >> 12) & 1;
        // c.slli/c.srli/c.srai with shamt[5] = 1.
        if bit12 == 1
            && ((quadrant == 2 && funct3 == 0)
                || (quadrant == 1 && funct3 == 4 && (w >> 11) & 1 == 0))
        {
            return Some(
                "RVC section 16.5: for RV32C shamt[5] = 1 is reserved for custom extensions",
            );
        }
        // c.addi16sp with nzimm = 0 (objdump prints `add sp,sp,0`).
        if w == 0x6101 {
            return Some("RVC section 16.5: c.addi16sp is reserved when nzimm = 0");
        }
    }
    None
}

/// Assembles `source`, dumps it and compares every line, HINTs included; fails listing the first
/// disagreements. Returns the dump for further checks.
fn check_source(scratch: &Scratch, stem: &str, source: &str) -> Vec<DumpLine> {
    let dump = objdump(&assemble(scratch, stem, source));
    check_dump(scratch, stem, &dump);
    dump
}

fn check_dump(scratch: &Scratch, what: &str, dump: &[DumpLine]) {
    assert!(!dump.is_empty(), "{what}: objdump printed no instructions");
    let mut deferred = Vec::new();
    let mut bad = compare(dump, &mut deferred);
    bad.extend(compare_deferred(scratch, dump, &deferred));
    assert!(
        bad.is_empty(),
        "{what}: {} of {} lines disagree with objdump, e.g.:\n{}",
        bad.len(),
        dump.len(),
        bad.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn corpus_matches_objdump() {
    let scratch = Scratch::new("disasm-corpus");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "S"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus files in {}", dir.display());
    for file in files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let dump = objdump(&assemble_file(&scratch, &stem, &file));
        // The corpus is valid code: every line must decode.
        let rejected: Vec<_> = dump.iter().filter(|l| decode(l.bits).is_err()).collect();
        assert!(
            rejected.is_empty(),
            "{stem}.S: we reject valid instructions: {rejected:#?}"
        );
        check_dump(&scratch, &format!("{stem}.S"), &dump);
        eprintln!("{stem}.S: {} instructions agree with objdump", dump.len());
    }
}

#[test]
fn every_compressed_encoding_matches_objdump() {
    let scratch = Scratch::new("disasm-rvc");
    let mut src = String::from(".text\n");
    for h in (0u32..=0xffff).filter(|h| h & 3 != 3) {
        writeln!(src, ".insn 2, {h:#06x}").unwrap();
    }
    let dump = check_source(&scratch, "rvc", &src);
    assert_eq!(dump.len(), 49152);
}

#[test]
fn every_csr_address_matches_objdump() {
    let scratch = Scratch::new("disasm-csr");
    let mut src = String::from(".text\n");
    for csr in 0u32..4096 {
        for funct3 in [1u32, 2, 3, 5, 6, 7] {
            for (rd, rs1) in [(0u32, 0u32), (10, 0), (0, 11), (10, 11)] {
                let w = (csr << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | 0x73;
                writeln!(src, ".insn 4, {w:#010x}").unwrap();
            }
        }
    }
    check_source(&scratch, "csr", &src);
}

#[test]
fn random_words_match_objdump() {
    const OPCODES: [u32; 12] = [
        0x03, 0x0f, 0x13, 0x17, 0x23, 0x2f, 0x33, 0x37, 0x63, 0x67, 0x6f, 0x73,
    ];
    let scratch = Scratch::new("disasm-random");
    let mut rng = XorShift(SEED);
    let mut src = String::from(".text\n");
    // SNOWRV_DISASM_SAMPLES=1000000 runs a bigger sweep when hunting rare aliases.
    let samples = std::env::var("SNOWRV_DISASM_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60_000);
    let mut n = 0;
    while n < samples {
        let mut w = rng.next_u32();
        let r = rng.next_u32();
        if !r.is_multiple_of(16) {
            w = (w & !0x7f) | OPCODES[(r >> 4) as usize % OPCODES.len()];
        }
        // Zero registers and immediates select most aliases; make them common.
        if (r >> 8).is_multiple_of(4) {
            w &= !(0x1f << 15);
        }
        if (r >> 10).is_multiple_of(4) {
            w &= !(0x1f << 20);
        }
        if (r >> 12).is_multiple_of(5) {
            w &= !(0x1f << 7);
        }
        if (r >> 14).is_multiple_of(8) {
            w &= 0x000f_ffff;
        }
        if (r >> 17).is_multiple_of(8) {
            // The M and A funct7 values and the aq/rl bits.
            w = (w & 0x01ff_ffff) | (0x0200_0000 | (r & 0x1e00_0000));
        }
        w |= 3;
        if (w >> 2) & 7 == 7 {
            continue; // 48-bit and longer: `.insn 4` cannot express them.
        }
        writeln!(src, ".insn 4, {w:#010x}").unwrap();
        n += 1;
    }
    check_source(&scratch, "random", &src);
}

/// The fixed seed of [`random_words_match_objdump`].
const SEED: u64 = 0x5eed_0f5a_0c0f_fee5;
