//! Round trip through GNU as: decode random bits, print them with our `Display`, assemble that text
//! with `riscv64-unknown-elf-as`, and require the same bits back.
//!
//! Each proptest case batches 2000 random words into one source file (one `as` and one `objcopy`
//! run per case, so the whole test takes seconds). Instruction `i` is placed at `.org 4*i`; targets
//! print relative to the instruction (`j .+8`), which GNU as resolves against `.` = that address.
//! 32-bit words are assembled under `.option norvc` (GNU as would otherwise compress `addi a0,a0,1`),
//! 16-bit words under `.option rvc`.
//!
//! Where the text legitimately has several encodings, the test says so and checks the weaker but
//! exact property that the bits GNU as chose decode to the *same instruction*; every such case is
//! listed here, anything else must come back bit for bit:
//! - RVC HINTs (Unprivileged ISA 20191213, section 16.7): `c.nop 5`, `c.li zero,5`, `c.slli64 a0`,
//!   ... print as their expansion (`li zero,5`, `sll a0,a0,0x0`) and GNU as emits the 32-bit
//!   encoding or another HINT with the same expansion.
//! - `c.jal`: GNU as 2.40 never emits `c.jal` for a `jal` mnemonic (it emits the 32-bit `jal`).
//! - `c.addi16sp sp,16*k` for k in -2..=1: the same instruction as `c.addi sp,16*k`, which GNU as
//!   prefers.
//! - 32-bit `fence`/`fence.i` words with non-zero `rd`/`rs1`/`imm[11:0]` or a reserved `fm`: the
//!   spec says base implementations ignore those fields (section 2.7, chapter 3), so the text does
//!   not show them; the differing bits must lie inside exactly those fields.
//!
//! One kind of text cannot be assembled at all and is counted, not assembled: a `fence` with an
//! empty predecessor or successor set, which objdump prints as `unknown` and GNU as has no syntax for
//! (`tests/tests/disasm_objdump.rs` checks its text against objdump instead).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod disasm_support;

use disasm_support::{assemble, assembler_errors, text_bytes, Scratch};
use proptest::prelude::*;
use snowrv_core::cpu::{decode, Instruction, Reg};
use std::fmt::Write as _;

/// Instructions per proptest case (one `as` run).
const BATCH: usize = 2000;

/// The major opcodes the hart implements (Unprivileged ISA 20191213, Table 24.1).
const OPCODES: [u32; 12] = [
    0x03, 0x0f, 0x13, 0x17, 0x23, 0x2f, 0x33, 0x37, 0x63, 0x67, 0x6f, 0x73,
];

/// How a word's reassembly may differ from the original (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// The same bits.
    SameBits,
    /// An encoding that decodes to the same instruction.
    SameInstruction,
    /// The same bits outside `mask` (fields the spec tells implementations to ignore), and the same
    /// instruction.
    SameBitsOutside(u32),
    /// No GNU as syntax for this text.
    NotAssemblable,
}

/// What to expect from reassembling the valid word `bits` that decodes to `insn`.
fn expectation(bits: u32, insn: &Instruction) -> Expect {
    if bits & 3 != 3 {
        if is_rvc_hint(bits) {
            return Expect::SameInstruction;
        }
        return match *insn {
            Instruction::Jal { rd, .. } if rd == Reg::RA => Expect::SameInstruction,
            // c.addi16sp (quadrant 1, funct3 011, rd = sp) whose immediate c.addi can hold.
            Instruction::OpImm { imm, .. }
                if bits & 0xef83 == 0x6101 && (-32..32).contains(&imm) =>
            {
                Expect::SameInstruction
            }
            _ => Expect::SameBits,
        };
    }
    match *insn {
        Instruction::Fence { pred, succ, .. } if pred & 0xf == 0 || succ & 0xf == 0 => {
            Expect::NotAssemblable
        }
        Instruction::Fence { fm: 0b1000, .. } => Expect::SameBitsOutside(0x000f_8f80),
        Instruction::Fence { .. } => Expect::SameBitsOutside(0xf00f_8f80),
        Instruction::FenceI => Expect::SameBitsOutside(0xffff_8f80),
        _ => Expect::SameBits,
    }
}

/// Is this 16-bit word one of the RV32C HINTs of section 16.7?
fn is_rvc_hint(h: u32) -> bool {
    let rd = (h >> 7) & 0x1f;
    let rs2 = (h >> 2) & 0x1f;
    let imm6 = ((h >> 7) & 0x20) | rs2;
    match (h & 3, (h >> 13) & 7) {
        (0b01, 0b000) => (rd == 0) != (imm6 == 0), // c.nop imm != 0, c.addi rd, 0
        (0b01, 0b010) => rd == 0,                  // c.li x0
        (0b01, 0b011) => rd == 0,                  // c.lui x0
        (0b01, 0b100) => (h >> 11) & 1 == 0 && imm6 == 0, // c.srli64, c.srai64
        (0b10, 0b000) => rd == 0 || imm6 == 0,     // c.slli x0, c.slli64
        (0b10, 0b100) => rd == 0 && rs2 != 0,      // c.mv x0, c.add x0
        _ => false,
    }
}

/// Reassembles the valid words among `candidates` and returns a description of every word that
/// does not come back as expected.
fn round_trip(test: &str, candidates: &[u32]) -> Result<String, String> {
    let scratch = Scratch::new(test);
    let mut words = Vec::new();
    let mut not_assemblable = 0;
    for &w in candidates {
        let Ok(d) = decode(w) else { continue };
        let bits = if d.len == 2 { w & 0xffff } else { w };
        match expectation(bits, &d.instruction) {
            Expect::NotAssemblable => not_assemblable += 1,
            expect => words.push((bits, d.instruction, expect)),
        }
    }
    let mut src = String::from("\t.text\n");
    // line_of[i]: the source line of instruction i, to map assembler errors back to words.
    let mut line_of = Vec::new();
    for (i, (bits, insn, _)) in words.iter().enumerate() {
        let rvc = if bits & 3 == 3 { "norvc" } else { "rvc" };
        writeln!(src, "\t.org {}\n\t.option {rvc}\n\t{insn}", 4 * i).unwrap();
        line_of.push(4 + 3 * i);
    }
    let errors = assembler_errors(&scratch, "check", &src);
    if !errors.is_empty() {
        let mut msg = String::from("GNU as rejects our text:\n");
        for (line, err) in errors.iter().take(20) {
            let i = line_of.iter().position(|l| l == line);
            let word = i.map(|i| format!("{:08x}", words[i].0)).unwrap_or_default();
            writeln!(msg, "  {word} line {line}: {err}").unwrap();
        }
        return Err(msg);
    }
    let bytes = text_bytes(&scratch, &assemble(&scratch, "check", &src));
    let mut bad = Vec::new();
    let mut counts = [0usize; 3];
    for (i, (bits, insn, expect)) in words.iter().enumerate() {
        let at = 4 * i;
        let back = u32::from_le_bytes([
            bytes[at],
            bytes[at + 1],
            bytes.get(at + 2).copied().unwrap_or(0),
            bytes.get(at + 3).copied().unwrap_or(0),
        ]);
        let back_decoded = decode(back).map(|d| d.instruction);
        let back_bits = if back & 3 == 3 { back } else { back & 0xffff };
        let ok = match expect {
            Expect::SameBits => {
                counts[0] += 1;
                back_bits == *bits
            }
            Expect::SameInstruction => {
                counts[1] += 1;
                back_decoded == Ok(*insn)
            }
            Expect::SameBitsOutside(mask) => {
                counts[2] += 1;
                (back_bits ^ bits) & !mask == 0 && back_decoded == Ok(*insn)
            }
            Expect::NotAssemblable => true,
        };
        if !ok {
            bad.push(format!(
                "{bits:08x} `{insn}` came back as {back_bits:08x} ({expect:?})"
            ));
        }
    }
    if bad.is_empty() {
        Ok(format!(
            "{} words: {} bit-identical, {} same instruction, {} same outside ignored fields, \
             {not_assemblable} not assemblable",
            words.len(),
            counts[0],
            counts[1],
            counts[2]
        ))
    } else {
        Err(format!(
            "{} of {} words differ:\n{}",
            bad.len(),
            words.len(),
            bad[..bad.len().min(30)].join("\n")
        ))
    }
}

/// Batches per proptest test: 12, or `PROPTEST_CASES` (e.g. 500 for a long hunt).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(12)
}

/// Random 32-bit words, most with an implemented major opcode and with zero fields made common
/// (they select the aliases).
fn word32() -> impl Strategy<Value = u32> {
    (
        any::<u32>(),
        prop::sample::select(&OPCODES[..]),
        any::<u8>(),
    )
        .prop_map(|(w, opcode, zeros)| {
            let mut w = (w & !0x7f) | opcode;
            if zeros & 3 == 0 {
                w &= !(0x1f << 15);
            }
            if (zeros >> 2) & 3 == 0 {
                w &= !(0x1f << 20);
            }
            if (zeros >> 4) & 3 == 0 {
                w &= !(0x1f << 7);
            }
            if (zeros >> 6) & 3 == 0 {
                w &= 0x000f_ffff;
            }
            w
        })
}

proptest! {
    // No regression files (proptest cannot place them for an integration test without a lib.rs);
    // a failure prints the minimal failing batch's offending words instead.
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn words_reassemble_to_the_same_bits(words in prop::collection::vec(word32(), BATCH)) {
        let report = round_trip("reassemble-32", &words);
        prop_assert!(report.is_ok(), "{}", report.unwrap_err());
        eprintln!("32-bit batch: {}", report.unwrap_or_default());
    }

    #[test]
    fn halfwords_reassemble_to_the_same_bits(halves in prop::collection::vec(any::<u16>(), BATCH)) {
        let words: Vec<u32> = halves.iter().map(|&h| u32::from(h)).filter(|h| h & 3 != 3).collect();
        let report = round_trip("reassemble-16", &words);
        prop_assert!(report.is_ok(), "{}", report.unwrap_err());
        eprintln!("16-bit batch: {}", report.unwrap_or_default());
    }
}

/// Every valid 16-bit encoding, in one batch: RVC is small enough to check exhaustively.
#[test]
fn every_compressed_encoding_reassembles() {
    let words: Vec<u32> = (0u32..=0xffff).filter(|h| h & 3 != 3).collect();
    match round_trip("reassemble-rvc", &words) {
        Ok(summary) => eprintln!("all RVC: {summary}"),
        Err(e) => panic!("{e}"),
    }
}
