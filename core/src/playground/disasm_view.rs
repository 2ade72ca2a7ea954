//! The disassembly window around the pc, read without side effects: instruction fetches are
//! translated the way the hart would translate them (an Sv32 walk through [`Mmu::probe`] when
//! paging is on, identity in M-mode or with `satp` Bare) but no A/D bit is set, no TLB entry is
//! filled and no device is touched.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::cpu::csr_addr::SATP;
use crate::cpu::decode;
use crate::cpu::mmu::{AccessType, Mmu, TranslationContext};
use crate::machine::Machine;
use crate::mem::{AccessSize, Bus, BusFault, SystemBus};

/// A [`Bus`] that reads through [`SystemBus::peek`] and refuses writes, so a view can walk the
/// page tables without changing anything.
struct PeekBus<'a>(&'a SystemBus);

impl Bus for PeekBus<'_> {
    fn read(&mut self, addr: u32, size: AccessSize) -> Result<u32, BusFault> {
        self.0.peek(addr, size)
    }

    fn write(&mut self, addr: u32, _size: AccessSize, _value: u32) -> Result<(), BusFault> {
        Err(BusFault { addr })
    }
}

/// The physical address an instruction fetch at `vaddr` reaches in the hart's current mode, or
/// `None` when the fetch would fault. Side-effect free.
pub fn fetch_address(machine: &Machine, vaddr: u32) -> Option<u32> {
    let ctx = TranslationContext {
        satp: machine.hart.csr(SATP).unwrap_or(0),
        privilege: machine.hart.privilege(),
        sum: false,
        mxr: false,
    };
    let mut bus = PeekBus(&machine.bus);
    let mmu: &Mmu = machine.hart.mmu();
    mmu.probe(&mut bus, vaddr, AccessType::Fetch, &ctx)
        .ok()
        .map(|t| t.paddr)
}

/// The halfword an instruction fetch at virtual address `vaddr` would see.
pub fn read_half(machine: &Machine, vaddr: u32) -> Option<u16> {
    let paddr = fetch_address(machine, vaddr)?;
    machine
        .bus
        .peek(paddr, AccessSize::Half)
        .ok()
        .map(|v| v as u16)
}

/// The instruction whose bits are `bits` at `pc`: its length in bytes and its text in objdump
/// syntax with absolute branch targets. `None` for bits that do not decode.
pub fn disassemble(bits: u32, pc: u32) -> Option<(u8, String)> {
    decode(bits)
        .ok()
        .map(|d| (d.len, d.instruction.display_at(pc).to_string()))
}

/// One line of the disassembly panel.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DisasmLine {
    /// The instruction's address (virtual, as the pc sees it).
    pub addr: u32,
    /// The instruction bits in hex: 4 digits for a compressed instruction, 8 otherwise.
    pub bits: String,
    /// The instruction in objdump syntax, or `.half`/`.word` for bits that do not decode.
    pub text: String,
    /// A symbol that starts at this address (a function name or a label).
    pub label: Option<String>,
    /// Whether this is the instruction at the pc.
    pub current: bool,
}

/// How far back from the pc a disassembly may start decoding at a label.
const MAX_SYNC_DISTANCE: u32 = 1024;

/// A run of zeros this long ends the listing: the program is over, free RAM follows.
const ZERO_RUN_CAP: u32 = 256;

/// The symbol worth showing as a label at `addr`: named, and not an assembler mapping symbol.
fn label_at(machine: &Machine, addr: u32) -> Option<String> {
    // Symbols are sorted by address (`Image::symbols`): binary search, as this runs per line.
    let symbols = machine.symbols();
    let first = symbols.partition_point(|s| s.addr < addr);
    symbols
        .get(first..)?
        .iter()
        .take_while(|s| s.addr == addr)
        .find(|s| is_label(&s.name))
        .map(|s| s.name.clone())
}

fn is_label(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('$') && !name.starts_with(".L")
}

/// Decodes the instruction at `addr`; `None` when there is no memory there. A run of two or more
/// zero halfwords (padding, zeroed data) that does not contain the pc or a label becomes one
/// `.zero N` line, as objdump shows such runs as `...`.
fn line_at(machine: &Machine, addr: u32, pc: u32) -> Option<(DisasmLine, u32)> {
    let low = read_half(machine, addr)?;
    let label = label_at(machine, addr);
    if low == 0 && addr != pc {
        let zeros = zero_run(machine, addr, pc);
        if zeros >= 4 {
            let text = if zeros >= ZERO_RUN_CAP {
                String::from("… (zero-filled memory)")
            } else {
                format!(".zero {zeros}")
            };
            let line = DisasmLine {
                addr,
                bits: String::from("0000…"),
                text,
                label,
                current: false,
            };
            return Some((line, zeros));
        }
    }
    let (bits, len) = if low & 3 == 3 {
        let high = read_half(machine, addr.wrapping_add(2))?;
        (u32::from(low) | u32::from(high) << 16, 4)
    } else {
        (u32::from(low), 2)
    };
    let (len, text) = match disassemble(bits, addr) {
        Some((len, text)) => (u32::from(len), text),
        None if len == 2 => (2, format!(".half 0x{bits:04x}")),
        None => (4, format!(".word 0x{bits:08x}")),
    };
    let bits_text = if len == 2 {
        format!("{:04x}", bits & 0xffff)
    } else {
        format!("{bits:08x}")
    };
    let line = DisasmLine {
        addr,
        bits: bits_text,
        text,
        label,
        current: addr == pc,
    };
    Some((line, len))
}

/// How many zero bytes start at `addr` (which holds a zero halfword), stopping before the pc, a
/// label, unreadable memory or [`ZERO_RUN_CAP`].
fn zero_run(machine: &Machine, addr: u32, pc: u32) -> u32 {
    let mut len = 2u32;
    while len < ZERO_RUN_CAP {
        let next = addr.wrapping_add(len);
        if next == pc
            || next < addr
            || read_half(machine, next) != Some(0)
            || label_at(machine, next).is_some()
        {
            break;
        }
        len += 2;
    }
    len
}

/// How many lines decoding from `start` shows before reaching `pc`, or `None` if decoding from
/// `start` does not land exactly on `pc`.
fn lines_between(machine: &Machine, start: u32, pc: u32) -> Option<usize> {
    let mut addr = start;
    let mut count = 0;
    while addr < pc {
        let (_, len) = line_at(machine, addr, pc)?;
        addr = addr.checked_add(len)?;
        count += 1;
    }
    (addr == pc).then_some(count)
}

/// Where to start decoding so that decoding forward lands exactly on the pc with about `before`
/// lines ahead of it. Instructions are 2 or 4 bytes long, so decoding backwards is ambiguous:
/// start at a label before the pc (code starts there), the nearest one that gives enough lines;
/// else at a few addresses before the pc; else at the pc itself.
fn sync_start(machine: &Machine, pc: u32, before: usize) -> u32 {
    let mut labels: Vec<u32> = machine
        .symbols()
        .iter()
        .filter(|s| is_label(&s.name) && s.addr <= pc && pc - s.addr <= MAX_SYNC_DISTANCE)
        .map(|s| s.addr)
        .collect();
    labels.sort_unstable_by(|a, b| b.cmp(a));
    labels.dedup();
    let back = u32::try_from(before).unwrap_or(u32::MAX).saturating_mul(4);
    let fallbacks = [
        pc.saturating_sub(back),
        pc.saturating_sub(back).saturating_add(2),
    ];
    let mut best: Option<(usize, u32)> = None;
    for start in labels.into_iter().chain(fallbacks) {
        let Some(count) = lines_between(machine, start, pc) else {
            continue;
        };
        if count >= before {
            return start;
        }
        if best.is_none_or(|(most, _)| count > most) {
            best = Some((count, start));
        }
    }
    best.map_or(pc, |(_, start)| start)
}

/// About `total` lines of disassembly around `pc`, with up to `before` lines before it.
pub fn disasm_window(machine: &Machine, pc: u32, before: usize, total: usize) -> Vec<DisasmLine> {
    let start = sync_start(machine, pc, before);
    let mut lines: Vec<DisasmLine> = Vec::with_capacity(total.saturating_add(before));
    let mut addr = start;
    while addr < pc {
        let Some((line, len)) = line_at(machine, addr, pc) else {
            break;
        };
        lines.push(line);
        addr = addr.wrapping_add(len);
    }
    // Before the pc: keep only the last `before` lines.
    let excess = lines.len().saturating_sub(before);
    lines.drain(..excess);
    addr = pc;
    while lines.len() < total {
        match line_at(machine, addr, pc) {
            Some((line, len)) => {
                lines.push(line);
                if len >= ZERO_RUN_CAP {
                    break;
                }
                match addr.checked_add(len) {
                    Some(next) => addr = next,
                    None => break,
                }
            }
            None => {
                if addr == pc {
                    lines.push(DisasmLine {
                        addr,
                        bits: String::from("????"),
                        text: String::from("(no memory at the pc)"),
                        label: None,
                        current: true,
                    });
                }
                break;
            }
        }
    }
    lines
}
