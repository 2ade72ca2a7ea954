//! The playground: the one type front-ends hold.
//!
//! A [`Playground`] owns the loaded program (its name and [`Image`]) and the [`Machine`] running
//! it. Front-ends drive it sans-I/O: [`Playground::apply`] takes a [`Command`], then
//! [`Playground::take_events`] drains what happened ([`Event`]s), and read-only views
//! ([`Playground::hart`], [`Playground::csrs`], [`Playground::disasm`], [`Playground::last_trap`],
//! [`Playground::halt`]) feed the panels. The front-end owns the clock: a run is a series of
//! [`Command::Run`] slices whose sizes it chooses.
//!
//! Stepping backwards ([`Command::StepBack`]) restores exactly the state before the last step:
//! registers, pc, privilege, CSRs, memory and counters. The playground counts steps since the
//! program was loaded (its *position*; one step is one [`Machine::step`]: an instruction, or taking
//! an interrupt), keeps [`checkpoints`] of the machine along the way, and rebuilds an earlier
//! position by cloning the nearest earlier checkpoint and running forward, which is exact because
//! the machine is deterministic and [`Machine::run`]`(n)` equals `n` single steps.
//!
//! ```
//! use snowrv_core::playground::{Command, Event, Playground};
//! let mut playground = Playground::new();
//! // A host-side mistake is a typed error, never a panic.
//! assert!(playground.apply(Command::Load { name: "x".into(), elf_bytes: vec![1, 2, 3] }).is_err());
//! assert!(playground.apply(Command::Step).is_err());
//! assert!(playground.take_events().is_empty());
//! ```

pub mod chain;
pub mod checkpoints;
pub mod disasm_view;
pub mod views;

#[cfg(test)]
mod tests;

use alloc::string::String;
use alloc::vec::Vec;

use crate::elf::{ElfError, Image};
use crate::machine::{LoadError, Machine, MachineConfig, RunExit, StepReport, TrapRecord};

use checkpoints::{spacing, Checkpoints};
pub use disasm_view::DisasmLine;
pub use views::{CsrRow, Halt, HartView, LastTrap};

/// What a front-end asks the playground to do.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Command {
    /// Load an ELF executable on a fresh bare-metal machine ([`MachineConfig::bare`]). On error
    /// the current program and machine are left as they were.
    Load {
        /// The program's name, for messages (a file name, an example's title).
        name: String,
        /// The ELF file's bytes.
        elf_bytes: Vec<u8>,
    },
    /// Execute one step (an instruction, or taking an interrupt) on the observable path.
    Step,
    /// Go back to the state before the last step.
    StepBack,
    /// One time slice of a run on the fast path: up to `max_instructions` steps, fewer if the
    /// program halts.
    Run {
        /// The most steps to execute.
        max_instructions: u64,
    },
    /// Put the program back as it was just after loading.
    Reset,
}

/// What happened, drained by [`Playground::take_events`] after each command.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Event {
    /// A program was loaded (`Command::Load`) and waits at its entry point.
    Loaded {
        /// Its name.
        name: String,
        /// Its entry point (the pc).
        entry: u32,
    },
    /// The program was reset to its state just after loading.
    Reset,
    /// One step executed (`Command::Step`).
    Stepped(StepReport),
    /// A step taken back (`Command::StepBack`): the program is now at `position`.
    SteppedBack {
        /// Steps since loading, after going back.
        position: u64,
    },
    /// A run slice executed `steps` steps (`Command::Run`).
    Ran {
        /// Steps executed in this slice.
        steps: u64,
    },
    /// A trap was taken in a step (traps taken inside a run slice are not reported one by one).
    TrapTaken(TrapRecord),
    /// The program stopped for good (until a step back or a reset).
    Halted(Halt),
}

/// Why a command was refused. The playground is unchanged when `apply` returns one.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum PlaygroundError {
    /// The bytes are not an ELF32 RISC-V executable.
    #[error("{name}: not a loadable RISC-V ELF: {source}")]
    Elf {
        /// The program's name.
        name: String,
        /// What is wrong with it.
        source: ElfError,
    },
    /// The executable does not fit the machine (a segment outside RAM).
    #[error("{name}: could not load: {source}")]
    Load {
        /// The program's name.
        name: String,
        /// What does not fit.
        source: LoadError,
    },
    /// No program is loaded.
    #[error("no program is loaded")]
    NotLoaded,
    /// The program has halted: only stepping back, Reset or loading moves it.
    #[error("the program has halted")]
    Halted,
    /// Already at the program's start: there is no step to take back.
    #[error("already at the start of the program")]
    AtStart,
}

/// A loaded program and everything known about its history.
#[derive(Clone, Debug)]
struct Program {
    name: String,
    image: Image,
    machine: Machine,
    checkpoints: Checkpoints,
    /// Steps since loading.
    position: u64,
    /// Registers changed by the last command.
    changed: u32,
    /// How the program stopped, if it has (at the current position).
    halt: Option<Halt>,
}

/// The playground: a loaded program on a machine, driven by [`Command`]s (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct Playground {
    program: Option<Program>,
    events: Vec<Event>,
}

impl Playground {
    /// A playground with nothing loaded.
    pub fn new() -> Playground {
        Playground::default()
    }

    /// Applies `command`. Outcomes are queued as [`Event`]s; a refused command returns a typed
    /// error and changes nothing.
    pub fn apply(&mut self, command: Command) -> Result<(), PlaygroundError> {
        match command {
            Command::Load { name, elf_bytes } => self.load(name, &elf_bytes),
            Command::Step => self.step(),
            Command::StepBack => self.step_back(),
            Command::Run { max_instructions } => self.run(max_instructions),
            Command::Reset => self.reset(),
        }
    }

    /// Drains the events queued since the last call.
    pub fn take_events(&mut self) -> Vec<Event> {
        core::mem::take(&mut self.events)
    }

    fn load(&mut self, name: String, bytes: &[u8]) -> Result<(), PlaygroundError> {
        let image = match Image::parse(bytes) {
            Ok(image) => image,
            Err(source) => return Err(PlaygroundError::Elf { name, source }),
        };
        let mut machine = Machine::new(MachineConfig::bare());
        if let Err(source) = machine.load_image(&image) {
            return Err(PlaygroundError::Load { name, source });
        }
        self.events.push(Event::Loaded {
            name: name.clone(),
            entry: machine.hart.pc(),
        });
        self.program = Some(Program {
            name,
            image,
            checkpoints: Checkpoints::new(machine.clone()),
            machine,
            position: 0,
            changed: 0,
            halt: None,
        });
        Ok(())
    }

    fn step(&mut self) -> Result<(), PlaygroundError> {
        let program = self.program.as_mut().ok_or(PlaygroundError::NotLoaded)?;
        if program.halt.is_some() {
            return Err(PlaygroundError::Halted);
        }
        let before = views::registers(&program.machine);
        let report = program.machine.step();
        program.position += 1;
        program.changed = views::changed_mask(&before, &views::registers(&program.machine));
        if let Some(trap) = report.trap {
            self.events.push(Event::TrapTaken(trap));
        }
        self.events.push(Event::Stepped(report));
        if let Some(halt) = report.exit.and_then(Halt::from_exit) {
            program.halt = Some(halt);
            self.events.push(Event::Halted(halt));
        }
        program.maybe_checkpoint(spacing(program.position));
        Ok(())
    }

    fn run(&mut self, max_steps: u64) -> Result<(), PlaygroundError> {
        let program = self.program.as_mut().ok_or(PlaygroundError::NotLoaded)?;
        if program.halt.is_some() {
            return Err(PlaygroundError::Halted);
        }
        let before = views::registers(&program.machine);
        let start = program.position;
        let mut remaining = max_steps;
        let mut halted = None;
        while remaining > 0 {
            // Stop at the next checkpoint due, so history stays steppable inside long slices.
            let due = program
                .checkpoints
                .newest()
                .saturating_add(spacing(program.position));
            let chunk = remaining.min(due.saturating_sub(program.position).max(1));
            let (exit, steps) = program.machine.run_counted(chunk);
            program.position += steps;
            remaining -= chunk;
            if let Some(halt) = Halt::from_exit(exit) {
                halted = Some(halt);
                break;
            }
            program.maybe_checkpoint(spacing(program.position));
        }
        let steps = program.position - start;
        program.changed = views::changed_mask(&before, &views::registers(&program.machine));
        self.events.push(Event::Ran { steps });
        if let Some(halt) = halted {
            program.halt = Some(halt);
            self.events.push(Event::Halted(halt));
        }
        Ok(())
    }

    fn step_back(&mut self) -> Result<(), PlaygroundError> {
        let program = self.program.as_mut().ok_or(PlaygroundError::NotLoaded)?;
        let target = program
            .position
            .checked_sub(1)
            .ok_or(PlaygroundError::AtStart)?;
        let before = views::registers(&program.machine);
        program.seek(target);
        program.changed = views::changed_mask(&before, &views::registers(&program.machine));
        self.events.push(Event::SteppedBack { position: target });
        Ok(())
    }

    fn reset(&mut self) -> Result<(), PlaygroundError> {
        let program = self.program.as_mut().ok_or(PlaygroundError::NotLoaded)?;
        program.seek(0);
        program.changed = 0;
        self.events.push(Event::Reset);
        Ok(())
    }

    /// The loaded program's name.
    pub fn program_name(&self) -> Option<&str> {
        self.program.as_ref().map(|p| p.name.as_str())
    }

    /// The loaded program's image.
    pub fn image(&self) -> Option<&Image> {
        self.program.as_ref().map(|p| &p.image)
    }

    /// The machine running the loaded program (read-only).
    pub fn machine(&self) -> Option<&Machine> {
        self.program.as_ref().map(|p| &p.machine)
    }

    /// Whether a program is loaded.
    pub fn is_loaded(&self) -> bool {
        self.program.is_some()
    }

    /// Steps since the program was loaded (0 when nothing is loaded).
    pub fn position(&self) -> u64 {
        self.program.as_ref().map_or(0, |p| p.position)
    }

    /// Whether [`Command::StepBack`] has a step to take back.
    pub fn can_step_back(&self) -> bool {
        self.position() > 0
    }

    /// How many checkpoints are kept (see [`checkpoints`]).
    pub fn checkpoint_count(&self) -> usize {
        self.program.as_ref().map_or(0, |p| p.checkpoints.len())
    }

    /// The hart's pc, privilege, instructions retired and registers, with the ones the last
    /// command changed.
    pub fn hart(&self) -> Option<HartView> {
        let program = self.program.as_ref()?;
        let hart = &program.machine.hart;
        Some(HartView {
            pc: hart.pc(),
            privilege: hart.privilege(),
            instret: hart.instret(),
            regs: views::registers(&program.machine),
            changed: program.changed,
        })
    }

    /// The CSR panel's rows (empty when nothing is loaded).
    pub fn csrs(&self) -> Vec<CsrRow> {
        self.machine().map(views::csr_rows).unwrap_or_default()
    }

    /// About `total` lines of disassembly around the pc, up to `before` of them before it.
    pub fn disasm(&self, before: usize, total: usize) -> Vec<DisasmLine> {
        self.machine()
            .map(|m| disasm_view::disasm_window(m, m.hart.pc(), before, total))
            .unwrap_or_default()
    }

    /// The last trap taken up to the current position, on a step or inside a run slice alike (the
    /// hart keeps it, and checkpoints clone the hart, so it is right after stepping back too).
    pub fn last_trap(&self) -> LastTrap {
        self.machine()
            .and_then(|m| m.hart.last_trap())
            .map_or(LastTrap::None, LastTrap::Trap)
    }

    /// How the program stopped, if it has.
    pub fn halt(&self) -> Option<Halt> {
        self.program.as_ref().and_then(|p| p.halt)
    }
}

impl Program {
    /// Records a checkpoint if the newest one is at least `spacing` steps behind.
    fn maybe_checkpoint(&mut self, spacing: u64) {
        if self.position.saturating_sub(self.checkpoints.newest()) >= spacing {
            self.checkpoints.record(self.position, &self.machine);
        }
    }

    /// Rebuilds the state at `target` (not later than the present): the nearest checkpoint at or
    /// before it, run forward, leaving checkpoints behind on a long stretch.
    fn seek(&mut self, target: u64) {
        self.checkpoints.truncate_after(target);
        let Some((mut position, mut machine)) = self.checkpoints.at_or_before(target) else {
            return;
        };
        let every = spacing(target - position);
        while position < target {
            let chunk = every.min(target - position);
            if machine.run(chunk) != RunExit::StepLimit {
                // Cannot happen: the program reached `target` once without halting, and the
                // machine is deterministic. Stay at the last good state rather than guess.
                break;
            }
            position += chunk;
            if position.saturating_sub(self.checkpoints.newest()) >= every {
                self.checkpoints.record(position, &machine);
            }
        }
        self.machine = machine;
        self.position = position;
        self.halt = None;
    }
}
