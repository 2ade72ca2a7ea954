//! The playground's model and its transitions: a [`Session`] (one loaded program on one machine,
//! with everything the panels show about it), the [`Action`]s a user or the run loop sends, and
//! [`Playground`], the [`Reducible`] that Yew's `use_reducer` holds.
//!
//! Every transition goes through [`Playground::reduce`], so several clicks dispatched in the same
//! tick each apply to the state the previous one left (a `use_state` copy would read a stale value
//! and lose clicks). The session lives in an `Rc<RefCell<_>>` so a transition mutates the machine in
//! place instead of cloning it; the reducer returns a fresh `Rc<Playground>` with a new
//! [`Playground::version`] so Yew re-renders. The simulation itself is all in `snowrv-core`; this
//! module only decides when to call it and remembers what to show.

use std::cell::RefCell;
use std::rc::Rc;

use yew::Reducible;

use crate::examples::{self, Example, EXAMPLES};
use crate::sim::{Image, Machine, MachineConfig, RunExit, TrapRecord};
use crate::view;

/// Whether the machine is running on its own.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RunState {
    /// Waiting for Step or Run.
    Paused,
    /// Running in time slices ([`Action::Tick`]).
    Running,
    /// The program ended (tohost, an undelivered trap, `wfi` forever); Reset starts it again.
    Halted,
}

impl RunState {
    /// The word shown on the page (`paused`, `running`, `halted`).
    pub fn label(self) -> &'static str {
        match self {
            RunState::Paused => "paused",
            RunState::Running => "running",
            RunState::Halted => "halted",
        }
    }
}

/// What a user (or the run loop) asks for.
#[derive(Clone, PartialEq, Debug)]
pub enum Action {
    /// Execute one instruction (pauses a running machine first).
    Step,
    /// Start running in time slices.
    Run,
    /// Stop running.
    Pause,
    /// Reload the current program: the machine as it was just after loading.
    Reset,
    /// Load the built-in example with this id.
    SelectExample(String),
    /// Load a user's ELF file.
    LoadElf {
        /// The file name, for messages.
        name: String,
        /// The file's bytes.
        bytes: Vec<u8>,
    },
    /// One time slice of a run, sent by the run loop's timer.
    Tick,
}

/// Instructions per slice when a run starts; adapted to [`SLICE_TARGET_MS`] after each slice.
pub const INITIAL_SLICE: u64 = 20_000;
/// Bounds of the adaptive slice size.
const SLICE_BOUNDS: (u64, u64) = (1_000, 50_000_000);
/// How long one slice of a run should compute, in milliseconds: long enough that timer overhead
/// does not dominate, short enough that the page repaints and answers clicks at a good frame rate.
pub const SLICE_TARGET_MS: f64 = 12.0;
/// The window over which instructions per second are averaged.
const IPS_WINDOW_MS: f64 = 500.0;

/// One program loaded on one machine, and what the panels show about it.
#[derive(Clone, Debug)]
pub struct Session {
    /// The program's name (an example's title or a file name).
    pub program: String,
    /// The example's id, or `None` for a user's file.
    pub example: Option<&'static str>,
    /// The machine, or `None` when the program did not load.
    machine: Option<Machine>,
    /// The machine right after loading, for Reset (cheap to clone: memory pages are shared).
    initial: Option<Machine>,
    /// Why the program did not load.
    load_error: Option<String>,
    /// Running, paused or halted.
    run_state: RunState,
    /// Bit `n` set when `xn` changed in the last step or slice.
    changed: u32,
    /// The last trap seen.
    last_trap: Option<TrapRecord>,
    /// Whether instructions ran on the fast path since the last trap shown, so traps may have
    /// been taken that the playground did not see (`Machine::run` does not report them).
    traps_unseen: bool,
    /// Why the program stopped, once it has.
    exit: Option<RunExit>,
    /// Instructions per slice.
    slice: u64,
    /// Instructions per second over the last window, while running.
    ips: Option<f64>,
    /// Start of the current measuring window (ms) and instructions counted in it.
    window: Option<(f64, u64)>,
}

impl Session {
    /// Loads the built-in example `example`.
    pub fn with_example(example: &'static Example) -> Session {
        let mut session = Session::load(example.title, example.elf);
        session.example = Some(example.id);
        session
    }

    /// Loads the ELF executable `bytes` called `name`. A file that does not parse or load gives a
    /// session with [`Session::load_error`] set and no machine; it never panics.
    pub fn load(name: &str, bytes: &[u8]) -> Session {
        let loaded = Image::parse(bytes)
            .map_err(|e| format!("{name}: not a loadable RISC-V ELF: {e}"))
            .and_then(|image| {
                let mut machine = Machine::new(MachineConfig::bare());
                machine
                    .load_image(&image)
                    .map(|()| machine)
                    .map_err(|e| format!("{name}: could not load: {e}"))
            });
        let (machine, load_error) = match loaded {
            Ok(machine) => (Some(machine), None),
            Err(message) => (None, Some(message)),
        };
        Session {
            program: String::from(name),
            example: None,
            initial: machine.clone(),
            machine,
            load_error,
            run_state: RunState::Paused,
            changed: 0,
            last_trap: None,
            traps_unseen: false,
            exit: None,
            slice: INITIAL_SLICE,
            ips: None,
            window: None,
        }
    }

    /// The machine, if the program loaded.
    pub fn machine(&self) -> Option<&Machine> {
        self.machine.as_ref()
    }

    /// Why the program did not load.
    pub fn load_error(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// Running, paused or halted.
    pub fn run_state(&self) -> RunState {
        self.run_state
    }

    /// Bit `n` is set when register `xn` changed in the last step or run slice.
    pub fn changed(&self) -> u32 {
        self.changed
    }

    /// The last trap seen by Step, or the trap that stopped a run.
    pub fn last_trap(&self) -> Option<&TrapRecord> {
        self.last_trap.as_ref()
    }

    /// Whether a run went by since [`Session::last_trap`] was seen: traps taken during a run are
    /// not reported one by one, so the page says so instead of showing a stale trap.
    pub fn traps_unseen(&self) -> bool {
        self.traps_unseen
    }

    /// Why the program stopped, once it has.
    pub fn exit(&self) -> Option<&RunExit> {
        self.exit.as_ref()
    }

    /// Instructions per second over the last measuring window, while running.
    pub fn ips(&self) -> Option<f64> {
        self.ips
    }

    /// Instructions per run slice (adapted while running).
    pub fn slice(&self) -> u64 {
        self.slice
    }

    /// Executes one instruction.
    pub fn step(&mut self) {
        if self.run_state == RunState::Halted {
            return;
        }
        self.run_state = RunState::Paused;
        self.ips = None;
        self.window = None;
        let Some(machine) = self.machine.as_mut() else {
            return;
        };
        let before = view::registers(machine);
        let report = machine.step();
        self.changed = changed_mask(&before, &view::registers(machine));
        if let Some(trap) = report.trap {
            self.last_trap = Some(trap);
            self.traps_unseen = false;
        }
        if let Some(exit) = report.exit {
            self.finish(exit);
        }
    }

    /// Starts running (a no-op when halted or not loaded).
    pub fn run(&mut self) {
        if self.machine.is_some() && self.run_state == RunState::Paused {
            self.run_state = RunState::Running;
            self.window = None;
        }
    }

    /// Stops running.
    pub fn pause(&mut self) {
        if self.run_state == RunState::Running {
            self.run_state = RunState::Paused;
        }
        self.ips = None;
        self.window = None;
    }

    /// Puts the machine back as it was right after loading.
    pub fn reset(&mut self) {
        self.machine = self.initial.clone();
        self.run_state = RunState::Paused;
        self.changed = 0;
        self.last_trap = None;
        self.traps_unseen = false;
        self.exit = None;
        self.ips = None;
        self.window = None;
    }

    /// Runs one slice of at most [`Session::slice`] instructions; returns how many retired.
    pub fn run_slice(&mut self) -> u64 {
        if self.run_state != RunState::Running {
            return 0;
        }
        let Some(machine) = self.machine.as_mut() else {
            return 0;
        };
        let before = view::registers(machine);
        let instret = machine.hart.instret();
        let exit = machine.run(self.slice);
        let executed = machine.hart.instret().wrapping_sub(instret);
        self.changed = changed_mask(&before, &view::registers(machine));
        if executed > 0 {
            self.last_trap = None;
            self.traps_unseen = true;
        }
        if exit != RunExit::StepLimit {
            if let RunExit::Trap(trap) = exit {
                self.last_trap = Some(trap);
                self.traps_unseen = false;
            }
            self.finish(exit);
        }
        executed
    }

    /// Records that the last slice retired `executed` instructions between `start_ms` and
    /// `end_ms` (wall clock, read by the caller): adapts the slice size and updates the
    /// instructions-per-second figure.
    pub fn record_slice(&mut self, executed: u64, start_ms: f64, end_ms: f64) {
        let elapsed = (end_ms - start_ms).max(0.1);
        if executed >= self.slice / 2 {
            let ideal = executed as f64 * SLICE_TARGET_MS / elapsed;
            let next = (self.slice as f64 + ideal) / 2.0;
            self.slice = (next as u64).clamp(SLICE_BOUNDS.0, SLICE_BOUNDS.1);
        }
        let (window_start, counted) = self.window.unwrap_or((start_ms, 0));
        let counted = counted + executed;
        if end_ms - window_start >= IPS_WINDOW_MS {
            self.ips = Some(counted as f64 * 1000.0 / (end_ms - window_start));
            self.window = Some((end_ms, 0));
        } else {
            self.window = Some((window_start, counted));
        }
    }

    fn finish(&mut self, exit: RunExit) {
        self.exit = Some(exit);
        self.run_state = RunState::Halted;
        self.ips = None;
        self.window = None;
    }
}

/// Bit `n` set where `before[n] != after[n]`.
fn changed_mask(before: &[u32; 32], after: &[u32; 32]) -> u32 {
    before
        .iter()
        .zip(after)
        .enumerate()
        .filter(|(_, (b, a))| b != a)
        .fold(0, |mask, (n, _)| mask | 1 << n)
}

/// The state Yew holds: the session and a version that changes on every transition.
#[derive(Clone, Debug)]
pub struct Playground {
    session: Rc<RefCell<Session>>,
    /// Incremented by every transition.
    pub version: u64,
}

impl Default for Playground {
    /// The first example, loaded and paused.
    fn default() -> Playground {
        let session = match EXAMPLES.first() {
            Some(example) => Session::with_example(example),
            None => Session::load("(no examples)", &[]),
        };
        Playground::new(session)
    }
}

impl Playground {
    /// A playground showing `session`.
    pub fn new(session: Session) -> Playground {
        Playground {
            session: Rc::new(RefCell::new(session)),
            version: 0,
        }
    }

    /// Reads the session. `None` only if a transition is in progress, which cannot happen while
    /// rendering (wasm is single-threaded and reducers run to completion).
    pub fn session(&self) -> Option<std::cell::Ref<'_, Session>> {
        self.session.try_borrow().ok()
    }

    /// Applies `action` to the session in place.
    pub fn apply(&self, action: Action, clock: &dyn Fn() -> f64) {
        let Ok(mut session) = self.session.try_borrow_mut() else {
            return;
        };
        match action {
            Action::Step => session.step(),
            Action::Run => session.run(),
            Action::Pause => session.pause(),
            Action::Reset => session.reset(),
            Action::SelectExample(id) => {
                if let Some(example) = examples::by_id(&id) {
                    *session = Session::with_example(example);
                }
            }
            Action::LoadElf { name, bytes } => *session = Session::load(&name, &bytes),
            Action::Tick => {
                let start = clock();
                let executed = session.run_slice();
                let end = clock();
                if executed > 0 {
                    session.record_slice(executed, start, end);
                }
            }
        }
    }
}

/// Milliseconds from the page's high-resolution clock (`performance.now()`), or `Date.now()`.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        self.apply(action, &now_ms);
        Rc::new(Playground {
            session: Rc::clone(&self.session),
            version: self.version.wrapping_add(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_clock() -> f64 {
        0.0
    }

    #[test]
    fn garbage_is_a_load_error_not_a_panic() {
        let session = Session::load("junk.bin", b"not an elf at all");
        assert!(session.machine().is_none());
        let message = session.load_error().unwrap_or_default();
        assert!(
            message.starts_with("junk.bin: not a loadable RISC-V ELF"),
            "{message}"
        );
        // Every action on an empty session is harmless.
        let playground = Playground::new(session);
        for action in [
            Action::Step,
            Action::Run,
            Action::Tick,
            Action::Pause,
            Action::Reset,
        ] {
            playground.apply(action, &fake_clock);
        }
    }

    #[test]
    fn examples_load_at_their_entry_point() {
        for example in EXAMPLES {
            let session = Session::with_example(example);
            assert_eq!(session.load_error(), None, "{}", example.id);
            let pc = session.machine().map(|m| m.hart.pc());
            assert_eq!(pc, Some(0x8000_0000), "{}", example.id);
        }
    }

    #[test]
    fn steps_count_and_reset_restores() {
        let playground = Playground::default();
        for _ in 0..3 {
            playground.apply(Action::Step, &fake_clock);
        }
        let instret = playground
            .session()
            .and_then(|s| s.machine().map(|m| m.hart.instret()));
        assert_eq!(instret, Some(3));
        playground.apply(Action::Reset, &fake_clock);
        let session = playground.session();
        let machine = session.as_ref().and_then(|s| s.machine());
        assert_eq!(machine.map(|m| m.hart.instret()), Some(0));
        assert_eq!(machine.map(|m| m.hart.pc()), Some(0x8000_0000));
    }

    #[test]
    fn every_example_passes() {
        for example in EXAMPLES {
            // primes runs 440 million instructions: too slow in a debug build, so release only.
            if cfg!(debug_assertions) && example.id == "primes" {
                continue;
            }
            let mut session = Session::with_example(example);
            session.run();
            // Slices of 20 000: primes needs about 22 000 of them.
            for _ in 0..40_000 {
                if session.run_state() != RunState::Running {
                    break;
                }
                session.run_slice();
            }
            assert_eq!(session.exit(), Some(&RunExit::ToHost(1)), "{}", example.id);
            assert_eq!(session.run_state(), RunState::Halted);
            let instret = session.machine().map(|m| m.hart.instret()).unwrap_or(0);
            std::println!("{}: {instret} instructions", example.id);
        }
    }

    #[test]
    fn stepping_the_trap_example_reports_both_traps() {
        let example = examples::by_id("traps").unwrap();
        let mut session = Session::with_example(example);
        let mut traps = Vec::new();
        for _ in 0..200 {
            session.step();
            if let Some(trap) = session.last_trap() {
                if traps.last() != Some(trap) {
                    traps.push(*trap);
                }
            }
            if session.exit().is_some() {
                break;
            }
        }
        assert_eq!(session.exit(), Some(&RunExit::ToHost(1)));
        let words: Vec<String> = traps.iter().map(view::describe_trap).collect();
        assert_eq!(words.len(), 2, "{words:?}");
        assert!(
            words[0].starts_with("environment call from M-mode at 0x8000"),
            "{words:?}"
        );
        assert!(
            words[1].starts_with("illegal instruction at 0x8000"),
            "{words:?}"
        );
        assert!(
            words[1].ends_with("(tval 0x00000000) -> M-mode handler"),
            "{words:?}"
        );
    }

    #[test]
    fn stepping_the_paging_example_visits_s_and_u_mode() {
        let example = examples::by_id("paging").unwrap();
        let mut session = Session::with_example(example);
        let mut modes = String::new();
        for _ in 0..200 {
            session.step();
            let Some(machine) = session.machine() else {
                break;
            };
            let letter = machine.hart.privilege().letter();
            if !modes.ends_with(letter) {
                modes.push_str(letter);
            }
            if machine.hart.privilege() == crate::sim::Privilege::User {
                // The disassembly follows the pc through the page table.
                let lines = view::disasm_window(machine, machine.hart.pc(), 6, 20);
                let current = lines.iter().find(|l| l.current).map(|l| l.text.clone());
                assert_ne!(current.as_deref(), Some("(no memory at the pc)"));
            }
            if session.exit().is_some() {
                break;
            }
        }
        assert_eq!(session.exit(), Some(&RunExit::ToHost(1)));
        assert_eq!(modes, "MSUS");
    }

    #[test]
    fn slice_adapts_towards_the_target() {
        let mut session = Session::with_example(&EXAMPLES[0]);
        // 20 000 instructions took 24 ms: twice the target, so the slice shrinks.
        session.record_slice(INITIAL_SLICE, 0.0, 2.0 * SLICE_TARGET_MS);
        assert!(session.slice() < INITIAL_SLICE);
        session.record_slice(session.slice(), 100.0, 600.0);
        assert!(session.ips().is_some());
    }

    #[test]
    fn changed_mask_marks_differences() {
        let before = [0u32; 32];
        let mut after = before;
        after[10] = 55;
        after[5] = 1;
        assert_eq!(changed_mask(&before, &after), (1 << 10) | (1 << 5));
    }
}
