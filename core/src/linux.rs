//! A Linux user-mode environment for RV32 programs, sans I/O: what `qemu-riscv32` gives a static
//! executable, as a value the host drives.
//!
//! The program runs in U-mode on a [`Machine`] built with [`MachineConfig::user`](crate::machine::MachineConfig::user), where every
//! exception stops the run and comes back as [`RunExit::Trap`]. [`LinuxEnv`] plays the kernel:
//! - [`LinuxEnv::new`] lays out the initial stack as the kernel's `create_elf_tables` does (Linux
//!   `fs/binfmt_elf.c`): `argc`, the `argv` pointers, `NULL`, the `envp` pointers, `NULL`, the
//!   auxiliary vector (`AT_PHDR`, `AT_PHENT`, `AT_PHNUM`, `AT_PAGESZ`, `AT_ENTRY`, `AT_RANDOM`, ...,
//!   `AT_NULL`), with the strings and the 16 `AT_RANDOM` bytes above; `sp` is 16-byte aligned
//!   (RISC-V psABI, "Integer Calling Convention").
//! - An `ecall` from U-mode is a system call (RISC-V Linux ABI: number in `a7`, arguments in
//!   `a0`..`a5`, result in `a0`, negative errno on failure). Implemented: `read` (63) from fd 0,
//!   `write` (64) to fds 1 and 2, `exit` (93), `exit_group` (94), `brk` (214); every other number
//!   returns `-ENOSYS`.
//! - A misaligned load or store is completed byte by byte, as the Linux kernel's misaligned-access
//!   handler does on hardware without misaligned support (`arch/riscv/kernel/traps_misaligned.c`).
//! - Any other exception ends the program like a fatal signal ([`Outcome::Fault`]).
//!
//! Sans I/O: output is collected in buffers the host drains ([`LinuxEnv::take_stdout`]); input is
//! bytes the host pushes ([`LinuxEnv::push_stdin`]). When the program reads an empty stdin that
//! is not closed, the run pauses with [`Outcome::NeedsInput`]; push bytes (or close stdin) and run
//! again. Nothing here reads a clock, so a run is a pure function of the program and its input.
//!
//! Differences from a real kernel, on purpose: all of user RAM (`MachineConfig::user`) is
//! accessible, so a wild pointer into unmapped-on-Linux memory does not fault; there are no
//! signals, threads, files or `mmap`.

use crate::cpu::{decode, Exception, Instruction, LoadKind, Privilege, Reg, StoreKind, TrapCause};
use crate::elf::{Image, ProgramHeaders};
use crate::machine::{Machine, RunExit, TrapRecord};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Linux system call numbers (the generic table, `include/uapi/asm-generic/unistd.h`).
pub mod sys {
    /// `read(fd, buf, count)`.
    pub const READ: u32 = 63;
    /// `write(fd, buf, count)`.
    pub const WRITE: u32 = 64;
    /// `exit(status)`.
    pub const EXIT: u32 = 93;
    /// `exit_group(status)`.
    pub const EXIT_GROUP: u32 = 94;
    /// `brk(addr)`.
    pub const BRK: u32 = 214;
}

/// Error numbers returned (negated) in `a0` (`include/uapi/asm-generic/errno-base.h`).
pub mod errno {
    /// Bad file number.
    pub const EBADF: i32 = 9;
    /// Bad address.
    pub const EFAULT: i32 = 14;
    /// Function not implemented.
    pub const ENOSYS: i32 = 38;
}

/// Auxiliary vector keys (`include/uapi/linux/auxvec.h`).
pub mod auxv {
    /// End of the vector.
    pub const AT_NULL: u32 = 0;
    /// Program headers in memory.
    pub const AT_PHDR: u32 = 3;
    /// Size of one program header.
    pub const AT_PHENT: u32 = 4;
    /// Number of program headers.
    pub const AT_PHNUM: u32 = 5;
    /// Page size.
    pub const AT_PAGESZ: u32 = 6;
    /// Interpreter base (0: none).
    pub const AT_BASE: u32 = 7;
    /// Flags (0).
    pub const AT_FLAGS: u32 = 8;
    /// The program's entry point.
    pub const AT_ENTRY: u32 = 9;
    /// Real user id.
    pub const AT_UID: u32 = 11;
    /// Effective user id.
    pub const AT_EUID: u32 = 12;
    /// Real group id.
    pub const AT_GID: u32 = 13;
    /// Effective group id.
    pub const AT_EGID: u32 = 14;
    /// ISA bits (one per extension letter, bit `letter - 'a'`).
    pub const AT_HWCAP: u32 = 16;
    /// Clock ticks per second.
    pub const AT_CLKTCK: u32 = 17;
    /// Secure mode (0).
    pub const AT_SECURE: u32 = 23;
    /// Address of 16 random bytes.
    pub const AT_RANDOM: u32 = 25;
    /// Address of the program's file name.
    pub const AT_EXECFN: u32 = 31;
}

/// The page size the environment reports and aligns the break to.
pub const PAGE_SIZE: u32 = 4096;
/// One past the highest stack byte: the top of `MachineConfig::user` RAM.
pub const STACK_TOP: u32 = 0xC000_0000;
/// Stack size kept clear of the program break (Linux's default `RLIMIT_STACK`, 8 MiB).
pub const STACK_SIZE: u32 = 8 << 20;

/// The most bytes one `write` takes; a larger request is a short write (POSIX allows it, and
/// the C library writes the rest with another call).
pub const MAX_WRITE: u32 = 1 << 20;

/// What the program starts with.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LinuxConfig {
    /// `argv`, `argv[0]` first (conventionally the program's path).
    pub args: Vec<String>,
    /// `envp`, as `NAME=value` strings.
    pub env: Vec<String>,
    /// The 16 bytes `AT_RANDOM` points to (a kernel gives fresh random bytes; a deterministic
    /// machine gives these).
    pub random: [u8; 16],
}

impl Default for LinuxConfig {
    fn default() -> LinuxConfig {
        LinuxConfig {
            args: Vec::new(),
            env: Vec::new(),
            random: *b"SnowRV AT_RANDOM",
        }
    }
}

/// Why a program stopped running.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Outcome {
    /// It called `exit` or `exit_group` with this status (a shell sees `status & 0xff`).
    Exited(i32),
    /// An exception the environment does not service ended it, as a fatal signal would.
    Fault {
        /// The signal a Linux kernel would send (`SIGILL` 4, `SIGTRAP` 5, `SIGBUS` 7, `SIGSEGV`
        /// 11, `SIGKILL` 9 for a program that can never make progress).
        signal: u8,
        /// The pc of the instruction that trapped.
        pc: u32,
        /// The trap, if there was one (`None` for a `wfi` that can never wake).
        cause: Option<TrapCause>,
        /// The trap value (`mtval`): the faulting address or the instruction bits.
        tval: u32,
        /// A one-line description, e.g. `illegal instruction at 0x10074 (bits 0x00000000)`.
        description: String,
    },
    /// The step budget ran out; the program can be resumed with another `run`.
    StepLimit,
    /// The program reads stdin, which is empty and not closed: push input (or close stdin) and
    /// run again. Not an end.
    NeedsInput,
    /// The program stored this value to its `tohost` symbol (a bare-metal test run here).
    ToHost(u32),
}

/// One serviced system call, for traces and views.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SyscallRecord {
    /// The pc of the `ecall`.
    pub pc: u32,
    /// `a7`.
    pub number: u32,
    /// `a0`, `a1`, `a2`.
    pub args: [u32; 3],
    /// The value returned in `a0` (`None` for `exit`, which does not return).
    pub result: Option<u32>,
}

impl SyscallRecord {
    /// The call's name, or `"unknown"`.
    pub fn name(&self) -> &'static str {
        syscall_name(self.number)
    }
}

/// What [`LinuxEnv::handle_trap`] did with a trap.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Handled {
    /// Serviced (a system call, or a misaligned access completed); the program can continue.
    Resumed(Option<SyscallRecord>),
    /// The program stops (exit, fault, or it waits for input).
    Stopped(Outcome),
}

/// The initial stack does not fit in memory (too many or too long arguments).
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
#[error("cannot write the initial stack at {addr:#x}: no memory there")]
pub struct SetupError {
    /// The address that could not be written.
    pub addr: u32,
}

/// The kernel side of one Linux process.
#[derive(Clone, Debug)]
pub struct LinuxEnv {
    /// Where the break started (page-aligned end of the highest segment).
    brk_start: u32,
    /// The current break.
    brk: u32,
    /// Highest address the break may reach (below the stack).
    brk_limit: u32,
    stdin: Vec<u8>,
    stdin_pos: usize,
    stdin_closed: bool,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    exit: Option<Outcome>,
}

/// Rounds up to a page boundary (saturating at the last page).
fn page_up(addr: u64) -> u32 {
    let up = (addr + u64::from(PAGE_SIZE) - 1) & !u64::from(PAGE_SIZE - 1);
    u32::try_from(up).unwrap_or(!(PAGE_SIZE - 1))
}

impl LinuxEnv {
    /// Prepares `machine` (already holding `image`, e.g. from `Machine::load_image` of
    /// [`Image::parse_virtual`]'s image) to start the program: writes the initial stack, sets
    /// `sp`, clears the other registers, drops to U-mode at the entry point, and places the break
    /// after the highest segment.
    pub fn new(
        machine: &mut Machine,
        image: &Image,
        headers: &ProgramHeaders,
        config: &LinuxConfig,
    ) -> Result<LinuxEnv, SetupError> {
        let sp = write_initial_stack(machine, image, headers, config)?;
        for r in Reg::all() {
            machine.hart.set_reg(r, 0);
        }
        machine.hart.set_reg(Reg::SP, sp);
        machine.hart.set_pc(image.entry);
        machine.hart.set_privilege(Privilege::User);
        let brk_start = page_up(image.end());
        Ok(LinuxEnv {
            brk_start,
            brk: brk_start,
            brk_limit: STACK_TOP - STACK_SIZE,
            stdin: Vec::new(),
            stdin_pos: 0,
            stdin_closed: false,
            stdout: Vec::new(),
            stderr: Vec::new(),
            exit: None,
        })
    }

    /// Appends bytes the program can `read` from fd 0.
    pub fn push_stdin(&mut self, bytes: &[u8]) {
        self.stdin.drain(..self.stdin_pos);
        self.stdin_pos = 0;
        self.stdin.extend_from_slice(bytes);
    }

    /// Marks the end of stdin: once the pushed bytes are read, `read` returns 0.
    pub fn close_stdin(&mut self) {
        self.stdin_closed = true;
    }

    /// Drains what the program wrote to fd 1.
    pub fn take_stdout(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.stdout)
    }

    /// Drains what the program wrote to fd 2.
    pub fn take_stderr(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.stderr)
    }

    /// The current program break.
    pub fn brk(&self) -> u32 {
        self.brk
    }

    /// How the program ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.exit.as_ref()
    }

    /// Runs the program for at most `max_steps` instructions (each serviced trap counts as
    /// one), servicing system calls, until it exits, faults, needs input or runs out of steps.
    /// After an exit or a fault, further calls return the same outcome.
    pub fn run(&mut self, machine: &mut Machine, max_steps: u64) -> Outcome {
        let mut used = 0u64;
        loop {
            if let Some(done) = &self.exit {
                return done.clone();
            }
            if used >= max_steps {
                return Outcome::StepLimit;
            }
            let before = machine.hart.instret();
            let exit = machine.run(max_steps - used);
            // A trapping instruction does not retire: count it by hand.
            used = used.saturating_add(machine.hart.instret().wrapping_sub(before));
            match exit {
                RunExit::StepLimit => return Outcome::StepLimit,
                RunExit::Trap(record) => {
                    used = used.saturating_add(1);
                    if let Handled::Stopped(outcome) = self.handle_trap(machine, &record) {
                        return outcome;
                    }
                }
                other => {
                    if let Some(outcome) = self.handle_exit(machine, &other) {
                        return outcome;
                    }
                }
            }
        }
    }

    /// Turns a [`RunExit`] from [`Machine::step`] or [`Machine::run`] into what the environment
    /// does with it; `None` when the program can continue.
    pub fn handle_exit(&mut self, machine: &mut Machine, exit: &RunExit) -> Option<Outcome> {
        let outcome = match exit {
            RunExit::StepLimit => return Some(Outcome::StepLimit),
            RunExit::Trap(record) => match self.handle_trap(machine, record) {
                Handled::Resumed(_) => return None,
                Handled::Stopped(outcome) => return Some(outcome),
            },
            RunExit::ToHost(value) => Outcome::ToHost(*value),
            RunExit::Wfi => {
                let pc = machine.hart.pc();
                Outcome::Fault {
                    signal: 9,
                    pc,
                    cause: None,
                    tval: 0,
                    description: format!(
                        "wfi at {pc:#x} with no interrupt that can ever wake the hart"
                    ),
                }
            }
        };
        self.exit = Some(outcome.clone());
        Some(outcome)
    }

    /// Services one undelivered trap: a system call, a misaligned access, or a fatal fault.
    pub fn handle_trap(&mut self, machine: &mut Machine, record: &TrapRecord) -> Handled {
        match record.cause {
            TrapCause::Exception(Exception::EcallFromU) => self.syscall(machine, record.epc),
            TrapCause::Exception(
                Exception::LoadAddressMisaligned | Exception::StoreAddressMisaligned,
            ) if emulate_misaligned(machine, record.epc) => Handled::Resumed(None),
            cause => {
                let outcome = fault(cause, record.epc, record.tval);
                self.exit = Some(outcome.clone());
                Handled::Stopped(outcome)
            }
        }
    }

    /// Performs the system call `a7` for the `ecall` at `pc`.
    fn syscall(&mut self, machine: &mut Machine, pc: u32) -> Handled {
        let hart = &machine.hart;
        let number = hart.reg(Reg::A7);
        let args = [
            hart.reg(Reg::A0),
            hart.reg(Reg::A1),
            hart.reg(Reg::from_field(12)),
        ];
        let result: i64 = match number {
            sys::EXIT | sys::EXIT_GROUP => {
                let outcome = Outcome::Exited(args[0] as i32);
                self.exit = Some(outcome.clone());
                return Handled::Stopped(outcome);
            }
            sys::WRITE => self.write(machine, args[0], args[1], args[2]),
            sys::READ => match self.read(machine, args[0], args[1], args[2]) {
                Some(n) => n,
                None => return Handled::Stopped(Outcome::NeedsInput),
            },
            sys::BRK => i64::from(self.set_brk(machine, args[0])),
            _ => -i64::from(errno::ENOSYS),
        };
        let result = result as u32;
        machine.hart.set_reg(Reg::A0, result);
        machine.hart.set_pc(pc.wrapping_add(4));
        Handled::Resumed(Some(SyscallRecord {
            pc,
            number,
            args,
            result: Some(result),
        }))
    }

    /// `write(fd, buf, count)`: fds 1 and 2 go to the output buffers.
    fn write(&mut self, machine: &Machine, fd: u32, buf: u32, count: u32) -> i64 {
        let sink = match fd {
            1 => &mut self.stdout,
            2 => &mut self.stderr,
            _ => return -i64::from(errno::EBADF),
        };
        // A short write bounds what one call can make the host allocate; callers loop.
        let count = count.min(MAX_WRITE);
        match machine.bus.memory.read_bytes(buf, count as usize) {
            Ok(bytes) => {
                sink.extend_from_slice(&bytes);
                i64::from(count)
            }
            Err(_) => -i64::from(errno::EFAULT),
        }
    }

    /// `read(fd, buf, count)` from fd 0; `None` when the program must wait for input.
    fn read(&mut self, machine: &mut Machine, fd: u32, buf: u32, count: u32) -> Option<i64> {
        if fd != 0 {
            return Some(-i64::from(errno::EBADF));
        }
        let available = &self.stdin[self.stdin_pos.min(self.stdin.len())..];
        if available.is_empty() && count > 0 && !self.stdin_closed {
            return None;
        }
        let n = available.len().min(count as usize);
        if machine.bus.memory.load_bytes(buf, &available[..n]).is_err() {
            return Some(-i64::from(errno::EFAULT));
        }
        self.stdin_pos += n;
        Some(n as i64)
    }

    /// `brk(addr)`: moves the break within `brk_start..=brk_limit` and returns the (new or
    /// unchanged) break; `brk(0)` asks for the current one. Memory released by a shrink reads as
    /// zero when the break grows over it again, as fresh pages do on Linux.
    fn set_brk(&mut self, machine: &mut Machine, addr: u32) -> u32 {
        if addr < self.brk_start || addr > self.brk_limit {
            return self.brk;
        }
        let old_end = page_up(u64::from(self.brk));
        let new_end = page_up(u64::from(addr));
        if new_end < old_end {
            // Cannot fail: the range lies inside user RAM, below the stack.
            let _ = machine.bus.memory.zero_bytes(new_end, old_end - new_end);
        }
        self.brk = addr;
        addr
    }
}

/// The name of a system call number.
pub fn syscall_name(number: u32) -> &'static str {
    match number {
        sys::READ => "read",
        sys::WRITE => "write",
        sys::EXIT => "exit",
        sys::EXIT_GROUP => "exit_group",
        sys::BRK => "brk",
        _ => "unknown",
    }
}

/// The fatal-signal outcome for an exception the environment does not service.
fn fault(cause: TrapCause, pc: u32, tval: u32) -> Outcome {
    let (signal, detail) = match cause {
        TrapCause::Exception(e) => match e {
            Exception::IllegalInstruction => (4, format!(" (bits {tval:#010x})")),
            Exception::Breakpoint => (5, String::new()),
            Exception::InstructionAddressMisaligned
            | Exception::LoadAddressMisaligned
            | Exception::StoreAddressMisaligned => (7, format!(" (address {tval:#x})")),
            Exception::EcallFromS | Exception::EcallFromM => (4, String::new()),
            _ => (11, format!(" (address {tval:#x})")),
        },
        TrapCause::Interrupt(_) => (9, String::new()),
    };
    Outcome::Fault {
        signal,
        pc,
        cause: Some(cause),
        tval,
        description: format!("{} at {pc:#x}{detail}", cause.description()),
    }
}

/// The instruction bits at `pc` (16 or 32 of them), if memory is there.
fn instruction_bits(machine: &Machine, pc: u32) -> Option<u32> {
    let low = machine.bus.memory.read_bytes(pc, 2).ok()?;
    let low = u32::from(u16::from_le_bytes([low[0], low[1]]));
    if low & 3 != 3 {
        return Some(low);
    }
    let high = machine.bus.memory.read_bytes(pc.wrapping_add(2), 2).ok()?;
    Some(low | u32::from(u16::from_le_bytes([high[0], high[1]])) << 16)
}

/// Completes a misaligned plain load or store at `pc` byte by byte and steps past it; `false`
/// when the instruction is something else (an AMO must be aligned) or memory is missing.
fn emulate_misaligned(machine: &mut Machine, pc: u32) -> bool {
    let Some(bits) = instruction_bits(machine, pc) else {
        return false;
    };
    let Ok(decoded) = decode(bits) else {
        return false;
    };
    let hart = &machine.hart;
    let len = u32::from(decoded.len);
    match decoded.instruction {
        Instruction::Load {
            kind,
            rd,
            rs1,
            offset,
        } => {
            let addr = hart.reg(rs1).wrapping_add(offset as u32);
            let (size, signed) = match kind {
                LoadKind::Byte => (1, true),
                LoadKind::Half => (2, true),
                LoadKind::Word => (4, false),
                LoadKind::ByteUnsigned => (1, false),
                LoadKind::HalfUnsigned => (2, false),
            };
            let Ok(bytes) = machine.bus.memory.read_bytes(addr, size) else {
                return false;
            };
            let mut raw = [0u8; 4];
            raw[..size].copy_from_slice(&bytes);
            let mut value = u32::from_le_bytes(raw);
            if signed && size < 4 {
                let shift = 32 - 8 * size as u32;
                value = (((value << shift) as i32) >> shift) as u32;
            }
            machine.hart.set_reg(rd, value);
        }
        Instruction::Store {
            kind,
            rs1,
            rs2,
            offset,
        } => {
            let addr = hart.reg(rs1).wrapping_add(offset as u32);
            let size = match kind {
                StoreKind::Byte => 1,
                StoreKind::Half => 2,
                StoreKind::Word => 4,
            };
            let value = hart.reg(rs2).to_le_bytes();
            if machine.bus.memory.load_bytes(addr, &value[..size]).is_err() {
                return false;
            }
        }
        _ => return false,
    }
    machine.hart.set_pc(pc.wrapping_add(len));
    true
}

/// The `AT_HWCAP` bit of an extension letter (bit `letter - 'a'`).
const fn hwcap(letter: u8) -> u32 {
    1 << (letter - b'a')
}

/// `AT_HWCAP` for RV32IMAC.
const HWCAP_IMAC: u32 = hwcap(b'i') | hwcap(b'm') | hwcap(b'a') | hwcap(b'c');

/// Writes the Linux initial stack below [`STACK_TOP`] and returns the initial `sp`.
fn write_initial_stack(
    machine: &mut Machine,
    image: &Image,
    headers: &ProgramHeaders,
    config: &LinuxConfig,
) -> Result<u32, SetupError> {
    let memory = &mut machine.bus.memory;
    let mut top = STACK_TOP;
    // A 16-byte gap at the very top, then the strings (argv first, then envp).
    top -= 16;
    let mut push = |bytes: &[u8], top: &mut u32| -> Result<u32, SetupError> {
        let len = u32::try_from(bytes.len()).map_err(|_| SetupError { addr: *top })?;
        let addr = top.checked_sub(len).ok_or(SetupError { addr: 0 })?;
        memory
            .load_bytes(addr, bytes)
            .map_err(|f| SetupError { addr: f.addr })?;
        *top = addr;
        Ok(addr)
    };
    let mut string_addrs = |strings: &[String], top: &mut u32| -> Result<Vec<u32>, SetupError> {
        let mut addrs = Vec::with_capacity(strings.len());
        for s in strings.iter().rev() {
            let mut bytes = Vec::with_capacity(s.len() + 1);
            bytes.extend_from_slice(s.as_bytes());
            bytes.push(0);
            addrs.push(push(&bytes, top)?);
        }
        addrs.reverse();
        Ok(addrs)
    };
    let env_addrs = string_addrs(&config.env, &mut top)?;
    let arg_addrs = string_addrs(&config.args, &mut top)?;
    top &= !15;
    let random_addr = push(&config.random, &mut top)?;
    let execfn = arg_addrs.first().copied().unwrap_or(0);

    let mut aux: Vec<(u32, u32)> = Vec::new();
    if let Some(addr) = headers.addr {
        aux.push((auxv::AT_PHDR, addr));
    }
    aux.extend_from_slice(&[
        (auxv::AT_PHENT, u32::from(headers.entry_size)),
        (auxv::AT_PHNUM, u32::from(headers.count)),
        (auxv::AT_PAGESZ, PAGE_SIZE),
        (auxv::AT_BASE, 0),
        (auxv::AT_FLAGS, 0),
        (auxv::AT_ENTRY, image.entry),
        (auxv::AT_UID, 0),
        (auxv::AT_EUID, 0),
        (auxv::AT_GID, 0),
        (auxv::AT_EGID, 0),
        (auxv::AT_HWCAP, HWCAP_IMAC),
        (auxv::AT_CLKTCK, 100),
        (auxv::AT_SECURE, 0),
        (auxv::AT_RANDOM, random_addr),
    ]);
    if execfn != 0 {
        aux.push((auxv::AT_EXECFN, execfn));
    }
    aux.push((auxv::AT_NULL, 0));

    let mut words: Vec<u32> = Vec::new();
    words.push(arg_addrs.len() as u32);
    words.extend_from_slice(&arg_addrs);
    words.push(0);
    words.extend_from_slice(&env_addrs);
    words.push(0);
    for (key, value) in aux {
        words.push(key);
        words.push(value);
    }
    let table: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let len = u32::try_from(table.len()).map_err(|_| SetupError { addr: top })?;
    let sp = top.checked_sub(len).ok_or(SetupError { addr: 0 })? & !15;
    memory
        .load_bytes(sp, &table)
        .map_err(|f| SetupError { addr: f.addr })?;
    Ok(sp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::{Segment, SegmentFlags};
    use alloc::vec;

    const A0: u32 = 10;
    const A1: u32 = 11;
    const A2: u32 = 12;
    const A7: u32 = 17;
    const ECALL: u32 = 0x0000_0073;
    const EBREAK: u32 = 0x0010_0073;
    /// `j .`
    const SPIN: u32 = 0x0000_006f;

    fn addi(rd: u32, rs1: u32, imm: i32) -> u32 {
        ((imm as u32 & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13
    }

    fn li(rd: u32, imm: i32) -> u32 {
        addi(rd, 0, imm)
    }

    fn lui(rd: u32, upper: u32) -> u32 {
        (upper << 12) | (rd << 7) | 0x37
    }

    fn lw(rd: u32, rs1: u32, imm: i32) -> u32 {
        ((imm as u32 & 0xfff) << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x03
    }

    /// `exit(a0)`.
    fn exit_a0() -> [u32; 2] {
        [li(A7, 93), ECALL]
    }

    /// A program: code at 0x10000, `data` at 0x20000 (plus 0x100 bytes of bss).
    fn program(code: &[u32], data: &[u8]) -> Image {
        Image {
            entry: 0x10000,
            segments: vec![
                Segment {
                    addr: 0x10000,
                    data: code.iter().flat_map(|w| w.to_le_bytes()).collect(),
                    mem_size: code.len() as u32 * 4,
                    flags: SegmentFlags {
                        read: true,
                        write: false,
                        execute: true,
                    },
                },
                Segment {
                    addr: 0x20000,
                    data: data.to_vec(),
                    mem_size: data.len() as u32 + 0x100,
                    flags: SegmentFlags {
                        read: true,
                        write: true,
                        execute: false,
                    },
                },
            ],
            symbols: Vec::new(),
        }
    }

    fn boot_with(image: &Image, config: &LinuxConfig) -> (Machine, LinuxEnv) {
        let mut m = Machine::new(MachineConfig::user());
        m.load_image(image).unwrap();
        let headers = ProgramHeaders {
            addr: Some(0x10000 + 52),
            entry_size: 32,
            count: 2,
        };
        let env = LinuxEnv::new(&mut m, image, &headers, config).unwrap();
        (m, env)
    }

    fn boot(image: &Image) -> (Machine, LinuxEnv) {
        boot_with(image, &LinuxConfig::default())
    }

    use crate::machine::MachineConfig;

    proptest::proptest! {
        /// Any syscall number with any arguments (pointers anywhere, counts up to `u32::MAX`, a
        /// break at the ends of the address space) returns a value or ends the program; nothing
        /// panics, not even on overflow in a debug build.
        #[test]
        fn any_syscall_arguments_are_safe(
            number in proptest::prop_oneof![
                proptest::sample::select(vec![63u32, 64, 93, 94, 214]),
                proptest::prelude::any::<u32>(),
            ],
            args in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::any::<u32>(),
                    proptest::sample::select(vec![0u32, 1, 2, 0xffff_ffff, 0xffff_f000, 0x2_0000]),
                ],
                6,
            ),
            stdin in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            // Two syscalls with the same registers (the second sees the first one's a0), then
            // spin.
            let (mut m, mut env) = boot(&program(&[ECALL, ECALL, SPIN], b""));
            for (i, v) in args.iter().enumerate() {
                m.hart.set_reg(Reg::new(10 + i as u8).unwrap(), *v);
            }
            m.hart.set_reg(Reg::A7, number);
            env.push_stdin(&stdin);
            env.close_stdin();
            let _ = env.run(&mut m, 100);
        }
    }

    #[test]
    fn write_then_exit() {
        let code = [
            li(A0, 1),
            lui(A1, 0x20),
            li(A2, 6),
            li(A7, 64),
            ECALL,
            li(A0, 2),
            li(A2, 3),
            ECALL,
            li(A0, 7),
            li(A7, 93),
            ECALL,
        ];
        let (mut m, mut env) = boot(&program(&code, b"hello\n"));
        assert_eq!(env.run(&mut m, 1000), Outcome::Exited(7));
        assert_eq!(env.take_stdout(), b"hello\n");
        assert_eq!(env.take_stderr(), b"hel");
        // Finished programs stay finished.
        assert_eq!(env.run(&mut m, 1000), Outcome::Exited(7));
        assert_eq!(env.outcome(), Some(&Outcome::Exited(7)));
    }

    /// Runs `setup` then the syscall in a7 and exits with its result.
    fn syscall_result(setup: &[u32]) -> i32 {
        let mut code = setup.to_vec();
        code.push(ECALL);
        code.extend(exit_a0());
        let (mut m, mut env) = boot(&program(&code, b"data"));
        env.push_stdin(b"input");
        match env.run(&mut m, 1000) {
            Outcome::Exited(code) => code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn write_errors() {
        // Bad fd.
        assert_eq!(
            syscall_result(&[li(A0, 3), lui(A1, 0x20), li(A2, 4), li(A7, 64)]),
            -errno::EBADF
        );
        // A buffer with no memory behind it (page 0 is not user RAM).
        assert_eq!(
            syscall_result(&[li(A0, 1), li(A1, 16), li(A2, 4), li(A7, 64)]),
            -errno::EFAULT
        );
        // Reading into no memory.
        assert_eq!(
            syscall_result(&[li(A0, 0), li(A1, 16), li(A2, 4), li(A7, 63)]),
            -errno::EFAULT
        );
        // Reading another fd.
        assert_eq!(
            syscall_result(&[li(A0, 5), lui(A1, 0x20), li(A2, 4), li(A7, 63)]),
            -errno::EBADF
        );
    }

    #[test]
    fn huge_writes_are_short() {
        // write(1, 0x20000, 0x7fff_ffff) inside user RAM: at most MAX_WRITE bytes are taken.
        let n = syscall_result(&[
            li(A0, 1),
            lui(A1, 0x20),
            lui(A2, 0x80000),
            addi(A2, A2, -1),
            li(A7, 64),
        ]);
        assert_eq!(n, MAX_WRITE as i32);
    }

    #[test]
    fn unknown_syscalls_return_enosys() {
        assert_eq!(syscall_result(&[li(A7, 222)]), -errno::ENOSYS);
        assert_eq!(syscall_result(&[li(A7, 0)]), -errno::ENOSYS);
        assert_eq!(syscall_result(&[li(A7, -1)]), -errno::ENOSYS);
    }

    #[test]
    fn read_copies_pushed_input() {
        let code = [
            li(A0, 0),
            lui(A1, 0x20),
            li(A2, 3),
            li(A7, 63),
            ECALL,
            lw(A0, A1, 0),
        ];
        let mut code = code.to_vec();
        code.extend(exit_a0());
        let (mut m, mut env) = boot(&program(&code, b"...."));
        env.push_stdin(b"ABCDEF");
        assert_eq!(env.run(&mut m, 100), Outcome::Exited(0x2e43_4241));
    }

    #[test]
    fn brk_grows_from_the_page_after_the_highest_segment() {
        let image = program(&[li(A0, 0), li(A7, 214), ECALL, SPIN], b"x");
        let (mut m, mut env) = boot(&image);
        assert_eq!(env.brk(), 0x21000);
        assert_eq!(env.run(&mut m, 3), Outcome::StepLimit);
        assert_eq!(m.hart.reg(Reg::A0), 0x21000);
        // Grow, use, shrink, grow again: the released memory comes back zeroed.
        assert_eq!(env.set_brk(&mut m, 0x23010), 0x23010);
        m.write_bytes(0x23000, &[0xaa; 16]).unwrap();
        assert_eq!(env.set_brk(&mut m, 0x22000), 0x22000);
        assert_eq!(env.set_brk(&mut m, 0x24000), 0x24000);
        assert_eq!(m.read_bytes(0x23000, 16).unwrap(), [0; 16]);
        // Out of range requests leave the break where it is.
        assert_eq!(env.set_brk(&mut m, 0x1000), 0x24000);
        assert_eq!(env.set_brk(&mut m, STACK_TOP - 4096), 0x24000);
    }

    #[test]
    fn read_waits_for_input_then_sees_eof() {
        // read(0, buf, 16); write(1, buf, n); read again; exit with its count.
        let code = [
            li(A0, 0),
            lui(A1, 0x20),
            li(A2, 16),
            li(A7, 63),
            ECALL,
            addi(A2, A0, 0),
            li(A0, 1),
            li(A7, 64),
            ECALL,
            li(A0, 0),
            li(A2, 16),
            li(A7, 63),
            ECALL,
            li(A7, 93),
            ECALL,
        ];
        let (mut m, mut env) = boot(&program(&code, b""));
        assert_eq!(env.run(&mut m, 1000), Outcome::NeedsInput);
        assert_eq!(
            m.hart.pc(),
            0x10010,
            "the read is retried after input arrives"
        );
        env.push_stdin(b"abc");
        assert_eq!(env.run(&mut m, 1000), Outcome::NeedsInput);
        assert_eq!(env.take_stdout(), b"abc");
        env.close_stdin();
        assert_eq!(env.run(&mut m, 1000), Outcome::Exited(0));
    }

    #[test]
    fn initial_stack_layout() {
        let config = LinuxConfig {
            args: vec!["prog".into(), "a b".into()],
            env: vec!["HOME=/".into()],
            ..LinuxConfig::default()
        };
        let (m, _env) = boot_with(&program(&[SPIN], b""), &config);
        let sp = m.hart.reg(Reg::SP);
        assert_eq!(sp % 16, 0);
        assert!(sp < STACK_TOP && sp > STACK_TOP - 4096);
        let word =
            |addr: u32| u32::from_le_bytes(m.read_bytes(addr, 4).unwrap().try_into().unwrap());
        let string = |addr: u32| {
            let bytes: Vec<u8> = (addr..)
                .map(|a| m.read_bytes(a, 1).unwrap()[0])
                .take_while(|&b| b != 0)
                .collect();
            String::from_utf8(bytes).unwrap()
        };
        assert_eq!(word(sp), 2);
        assert_eq!(string(word(sp + 4)), "prog");
        assert_eq!(string(word(sp + 8)), "a b");
        assert_eq!(word(sp + 12), 0);
        assert_eq!(string(word(sp + 16)), "HOME=/");
        assert_eq!(word(sp + 20), 0);
        let mut aux = sp + 24;
        let mut seen = alloc::collections::BTreeMap::new();
        loop {
            let (key, value) = (word(aux), word(aux + 4));
            seen.insert(key, value);
            aux += 8;
            if key == auxv::AT_NULL {
                break;
            }
        }
        assert_eq!(seen[&auxv::AT_PAGESZ], 4096);
        assert_eq!(seen[&auxv::AT_PHDR], 0x10034);
        assert_eq!(seen[&auxv::AT_PHNUM], 2);
        assert_eq!(seen[&auxv::AT_ENTRY], 0x10000);
        assert_eq!(
            m.read_bytes(seen[&auxv::AT_RANDOM], 16).unwrap(),
            LinuxConfig::default().random
        );
        assert_eq!(string(seen[&auxv::AT_EXECFN]), "prog");
        // Every other register starts at zero, the hart in U-mode at the entry.
        assert_eq!(m.hart.reg(Reg::A0), 0);
        assert_eq!(m.hart.pc(), 0x10000);
        assert_eq!(m.hart.privilege(), Privilege::User);
    }

    #[test]
    fn faults_end_the_program_like_signals() {
        let (mut m, mut env) = boot(&program(&[li(A0, 1), 0], b""));
        match env.run(&mut m, 100) {
            Outcome::Fault {
                signal,
                pc,
                description,
                ..
            } => {
                assert_eq!(signal, 4);
                assert_eq!(pc, 0x10004);
                assert_eq!(
                    description,
                    "illegal instruction at 0x10004 (bits 0x00000000)"
                );
            }
            other => panic!("{other:?}"),
        }
        let (mut m, mut env) = boot(&program(&[EBREAK], b""));
        assert!(matches!(
            env.run(&mut m, 100),
            Outcome::Fault { signal: 5, .. }
        ));
        // A load from page 0 (not user memory).
        let (mut m, mut env) = boot(&program(&[lw(A0, 0, 8)], b""));
        match env.run(&mut m, 100) {
            Outcome::Fault {
                signal,
                tval,
                description,
                ..
            } => {
                assert_eq!((signal, tval), (11, 8));
                assert!(description.contains("0x10000"), "{description}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn misaligned_loads_complete() {
        let code = [lui(A1, 0x20), lw(A0, A1, 1), SPIN];
        let (mut m, mut env) = boot(&program(&code, &[1, 2, 3, 4, 5, 6]));
        assert_eq!(env.run(&mut m, 10), Outcome::StepLimit);
        assert_eq!(m.hart.reg(Reg::A0), 0x0504_0302);
        assert_eq!(m.hart.pc(), 0x10008);
    }

    #[test]
    fn step_limit_resumes() {
        let code = [li(A0, 0), addi(A0, A0, 1), 0xffdf_f06f, SPIN]; // loop: a0 += 1; j loop
        let (mut m, mut env) = boot(&program(&code, b""));
        assert_eq!(env.run(&mut m, 101), Outcome::StepLimit);
        assert_eq!(m.hart.reg(Reg::A0), 50);
        assert_eq!(env.run(&mut m, 100), Outcome::StepLimit);
        assert_eq!(m.hart.reg(Reg::A0), 100);
    }

    #[test]
    fn runs_are_deterministic() {
        let code = [
            li(A0, 1),
            lui(A1, 0x20),
            li(A2, 4),
            li(A7, 64),
            ECALL,
            li(A0, 0),
            li(A7, 93),
            ECALL,
        ];
        let image = program(&code, b"same");
        let run = || {
            let (mut m, mut env) = boot(&image);
            let outcome = env.run(&mut m, 1000);
            (outcome, env.take_stdout(), *m.hart.regs(), m.hart.pc())
        };
        assert_eq!(run(), run());
    }
}
