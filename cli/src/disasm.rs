//! `snowrv disasm`: an objdump-style listing of a program's code.
//!
//! The layout follows `riscv64-unknown-elf-objdump -d`: a `<name>:` line before each labelled
//! address, then one line per instruction, `address:`, the instruction bits (8 hex digits, or 4 for
//! a compressed instruction), the mnemonic and the operands, with branch and jump targets shown as
//! absolute addresses followed by `<symbol+offset>`. Words that do not decode are shown as
//! `.word`/`.short` data, as objdump does with bytes it cannot decode.

use snowrv_core::cpu::{decode, Instruction};
use snowrv_core::elf::{self, Image, Symbol};
use std::fmt::Write as _;

/// A range of code bytes to list.
struct Code<'a> {
    /// The section name (or `segment N`).
    name: String,
    /// The address of `bytes[0]`.
    addr: u32,
    bytes: &'a [u8],
}

/// The listing of every executable section (or, in a file without section headers, every
/// executable segment) of the ELF file `bytes`.
pub fn listing(file_name: &str, bytes: &[u8]) -> Result<String, elf::ElfError> {
    let image = Image::parse(bytes)?;
    let sections = elf::sections(bytes)?;
    let mut code: Vec<Code<'_>> = sections
        .iter()
        .filter(|s| s.executable && !s.data.is_empty())
        .map(|s| Code {
            name: s.name.clone(),
            addr: s.addr,
            bytes: &s.data,
        })
        .collect();
    if code.is_empty() {
        code = image
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.flags.execute)
            .map(|(i, s)| Code {
                name: format!("segment {i}"),
                addr: s.addr,
                bytes: &s.data,
            })
            .collect();
    }
    let mut out = String::new();
    let _ = writeln!(out, "\n{file_name}:     file format elf32-littleriscv\n");
    for c in &code {
        let _ = writeln!(out, "\nDisassembly of section {}:", c.name);
        list_code(&mut out, c, &image.symbols);
    }
    Ok(out)
}

/// Lists one range of code.
fn list_code(out: &mut String, code: &Code<'_>, symbols: &[Symbol]) {
    let mut offset = 0usize;
    while offset < code.bytes.len() {
        let pc = code.addr.wrapping_add(offset as u32);
        if let Some(label) = label_at(symbols, pc) {
            let _ = writeln!(out, "\n{pc:08x} <{}>:", label.name);
        }
        let rest = &code.bytes[offset..];
        let half = |i: usize| -> Option<u32> {
            Some(u32::from(u16::from_le_bytes([
                *rest.get(i)?,
                *rest.get(i + 1)?,
            ])))
        };
        let Some(low) = half(0) else {
            let _ = writeln!(
                out,
                "{pc:8x}:\t{:02x}                  \t.byte\t0x{:x}",
                rest[0], rest[0]
            );
            offset += 1;
            continue;
        };
        let is_32 = low & 0b11 == 0b11;
        let word = if is_32 {
            match half(2) {
                Some(high) => low | high << 16,
                None => {
                    let _ = writeln!(
                        out,
                        "{pc:8x}:\t{low:04x}                \t.short\t0x{low:04x}"
                    );
                    offset += 2;
                    continue;
                }
            }
        } else {
            low
        };
        let (len, text) = match decode(word) {
            Ok(d) => (
                usize::from(d.len),
                instruction_text(&d.instruction, pc, symbols),
            ),
            Err(_) if is_32 => (4, format!(".word\t0x{word:08x}")),
            Err(_) => (2, format!(".short\t0x{word:04x}")),
        };
        if len == 4 {
            let _ = writeln!(out, "{pc:8x}:\t{word:08x}          \t{text}");
        } else {
            let _ = writeln!(
                out,
                "{pc:8x}:\t{:04x}                \t{text}",
                word & 0xffff
            );
        }
        offset += len.max(2);
    }
}

/// The symbol that labels `addr`: a function if there is one, else the first symbol there.
pub fn label_at(symbols: &[Symbol], addr: u32) -> Option<&Symbol> {
    let start = symbols.partition_point(|s| s.addr < addr);
    let here = symbols[start..].iter().take_while(|s| s.addr == addr);
    let mut first = None;
    for s in here {
        if s.is_function {
            return Some(s);
        }
        first = first.or(Some(s));
    }
    first
}

/// `addr` as objdump shows it after a target: `<name>` or `<name+0xoff>` from the nearest
/// symbol at or below it.
pub fn symbolize(symbols: &[Symbol], addr: u32) -> Option<String> {
    let end = symbols.partition_point(|s| s.addr <= addr);
    let base = symbols[..end].last()?;
    let label = label_at(symbols, base.addr)?;
    let best = label;
    let off = addr - best.addr;
    Some(if off == 0 {
        format!("<{}>", best.name)
    } else {
        format!("<{}+0x{off:x}>", best.name)
    })
}

/// The mnemonic, a tab, the operands (as objdump separates them), and a `<symbol>` after a
/// branch or jump target.
pub fn instruction_text(instruction: &Instruction, pc: u32, symbols: &[Symbol]) -> String {
    let text = instruction.display_at(pc).to_string();
    let mut text = match text.split_once(' ') {
        Some((mnemonic, operands)) => format!("{mnemonic}\t{operands}"),
        None => text,
    };
    let target = match instruction {
        Instruction::Jal { offset, .. } | Instruction::Branch { offset, .. } => {
            Some(pc.wrapping_add(*offset as u32))
        }
        _ => None,
    };
    if let Some(sym) = target.and_then(|t| symbolize(symbols, t)) {
        text.push(' ');
        text.push_str(&sym);
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sym(name: &str, addr: u32, is_function: bool) -> Symbol {
        Symbol {
            name: name.into(),
            addr,
            size: 0,
            is_function,
        }
    }

    #[test]
    fn labels_prefer_functions() {
        let symbols = [
            sym("_a_label", 0x100, false),
            sym("main", 0x100, true),
            sym("loop", 0x108, false),
        ];
        assert_eq!(label_at(&symbols, 0x100).unwrap().name, "main");
        assert_eq!(label_at(&symbols, 0x108).unwrap().name, "loop");
        assert!(label_at(&symbols, 0x104).is_none());
        assert_eq!(symbolize(&symbols, 0x100).unwrap(), "<main>");
        assert_eq!(symbolize(&symbols, 0x104).unwrap(), "<main+0x4>");
        assert_eq!(symbolize(&symbols, 0x10c).unwrap(), "<loop+0x4>");
        assert!(symbolize(&symbols, 0xfc).is_none());
    }

    #[test]
    fn branch_targets_get_symbols() {
        let symbols = [sym("f", 0x1000, true)];
        // jal ra, -16 at 0x1010
        let jal = decode(0xff1f_f0ef).unwrap().instruction;
        assert_eq!(instruction_text(&jal, 0x1010, &symbols), "jal\t1000 <f>");
    }
}
