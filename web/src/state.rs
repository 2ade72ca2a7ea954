//! The page's model and its transitions: a [`Session`] (the core's
//! [`snowrv_core::playground::Playground`] plus what only the page cares about: the run state, the
//! example picked, a load error, the run loop's slice size and speed), the [`Action`]s a user or
//! the run loop sends, and [`Playground`], the [`Reducible`] that Yew's `use_reducer` holds.
//!
//! The simulation, its history (stepping back) and every view live in `snowrv-core`: this module
//! turns actions into core commands, drains the core's events after each one, and owns the clock
//! (slice sizes, instructions per second), as the core has none.
//!
//! Every transition goes through [`Playground::reduce`], so several clicks dispatched in the same
//! tick each apply to the state the previous one left. The session lives in an `Rc<RefCell<_>>` so
//! a transition mutates the machine in place; the reducer returns a fresh `Rc<Playground>` with a
//! new [`Playground::version`] so Yew re-renders.

use std::cell::RefCell;
use std::rc::Rc;

use snowrv_core::playground::{Command, Event, Playground as Core, PlaygroundError};
use yew::Reducible;

use crate::examples::{self, Example, EXAMPLES};

/// Whether the machine is running on its own (ruffle's `RunState`: the contract of the buttons).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RunState {
    /// Waiting for Step, Back or Run.
    Paused,
    /// Running in time slices ([`Action::Tick`]).
    Running,
    /// The program ended (tohost, an undelivered trap, `wfi` forever); Back or Reset leave it.
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
    /// Go back to the state before the last instruction (pauses a running machine first).
    StepBack,
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

/// The core playground and what the page remembers beside it.
#[derive(Clone, Debug)]
pub struct Session {
    /// The program's name (an example's title or a file name).
    pub program: String,
    /// The example's id, or `None` for a user's file.
    pub example: Option<&'static str>,
    /// The simulation.
    sim: Core,
    /// Why the last load failed (the previous program, if any, stays loaded).
    load_error: Option<String>,
    /// Running, paused or halted.
    run_state: RunState,
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

    /// Loads the ELF executable `bytes` called `name` into a new session. A file that does not
    /// parse or load gives a session with [`Session::load_error`] set and nothing loaded.
    pub fn load(name: &str, bytes: &[u8]) -> Session {
        let mut session = Session {
            program: String::from(name),
            example: None,
            sim: Core::new(),
            load_error: None,
            run_state: RunState::Paused,
            slice: INITIAL_SLICE,
            ips: None,
            window: None,
        };
        session.open(name, bytes);
        session
    }

    /// Loads `bytes` in place of the current program; on error the current program stays and
    /// the error is shown. Returns whether it loaded.
    fn open(&mut self, name: &str, bytes: &[u8]) -> bool {
        let result = self.sim.apply(Command::Load {
            name: String::from(name),
            elf_bytes: bytes.to_vec(),
        });
        self.sim.take_events();
        self.stop_clock();
        match result {
            Ok(()) => {
                self.program = String::from(name);
                self.example = None;
                self.load_error = None;
                self.run_state = RunState::Paused;
                true
            }
            Err(e) => {
                self.load_error = Some(e.to_string());
                if self.run_state == RunState::Running {
                    self.run_state = RunState::Paused;
                }
                false
            }
        }
    }

    /// The simulation, for the panels' views.
    pub fn sim(&self) -> &Core {
        &self.sim
    }

    /// Why the last load failed.
    pub fn load_error(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// Running, paused or halted.
    pub fn run_state(&self) -> RunState {
        self.run_state
    }

    /// Instructions per second over the last measuring window, while running.
    pub fn ips(&self) -> Option<f64> {
        self.ips
    }

    /// Instructions per run slice (adapted while running).
    pub fn slice(&self) -> u64 {
        self.slice
    }

    /// Applies `command` and drains the core's events (sans-I/O: after every input, drain the
    /// outputs). Returns the number of steps a run slice executed.
    fn command(&mut self, command: Command) -> Result<u64, PlaygroundError> {
        let result = self.sim.apply(command);
        let mut ran = 0;
        for event in self.sim.take_events() {
            match event {
                Event::Ran { steps } => ran = steps,
                Event::Halted(_) => {
                    self.run_state = RunState::Halted;
                    self.stop_clock();
                }
                Event::SteppedBack { .. } | Event::Reset => {
                    if self.run_state == RunState::Halted {
                        self.run_state = RunState::Paused;
                    }
                }
                Event::Loaded { .. } | Event::Stepped(_) | Event::TrapTaken(_) => {}
            }
        }
        result.map(|()| ran)
    }

    /// Executes one instruction.
    pub fn step(&mut self) {
        if self.run_state == RunState::Halted {
            return;
        }
        self.pause();
        let _refused_when_empty = self.command(Command::Step);
    }

    /// Goes back one instruction (a no-op at the start of the program).
    pub fn step_back(&mut self) {
        self.pause();
        let _refused_at_start = self.command(Command::StepBack);
    }

    /// Starts running (a no-op when halted or not loaded).
    pub fn run(&mut self) {
        if self.sim.is_loaded() && self.run_state == RunState::Paused {
            self.run_state = RunState::Running;
            self.window = None;
        }
    }

    /// Stops running.
    pub fn pause(&mut self) {
        if self.run_state == RunState::Running {
            self.run_state = RunState::Paused;
        }
        self.stop_clock();
    }

    /// Puts the machine back as it was right after loading.
    pub fn reset(&mut self) {
        let _refused_when_empty = self.command(Command::Reset);
        self.run_state = RunState::Paused;
        self.stop_clock();
    }

    /// Loads the example `id` (an unknown id changes nothing).
    pub fn select_example(&mut self, id: &str) {
        if let Some(example) = examples::by_id(id) {
            if self.open(example.title, example.elf) {
                self.example = Some(example.id);
            }
        }
    }

    /// Loads a user's ELF file.
    pub fn load_elf(&mut self, name: &str, bytes: &[u8]) {
        self.open(name, bytes);
    }

    /// Runs one slice of at most [`Session::slice`] instructions; returns how many executed.
    pub fn run_slice(&mut self) -> u64 {
        if self.run_state != RunState::Running {
            return 0;
        }
        self.command(Command::Run {
            max_instructions: self.slice,
        })
        .unwrap_or(0)
    }

    /// Records that the last slice executed `executed` instructions between `start_ms` and
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

    fn stop_clock(&mut self) {
        self.ips = None;
        self.window = None;
    }
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

    /// Applies `action` to the session in place; `clock` reads the wall clock in milliseconds.
    pub fn apply(&self, action: Action, clock: &dyn Fn() -> f64) {
        let Ok(mut session) = self.session.try_borrow_mut() else {
            return;
        };
        match action {
            Action::Step => session.step(),
            Action::StepBack => session.step_back(),
            Action::Run => session.run(),
            Action::Pause => session.pause(),
            Action::Reset => session.reset(),
            Action::SelectExample(id) => session.select_example(&id),
            Action::LoadElf { name, bytes } => session.load_elf(&name, &bytes),
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

    fn instret(playground: &Playground) -> Option<u64> {
        playground
            .session()
            .and_then(|s| s.sim().hart().map(|h| h.instret))
    }

    #[test]
    fn garbage_is_a_load_error_not_a_panic() {
        let session = Session::load("junk.bin", b"not an elf at all");
        assert!(!session.sim().is_loaded());
        let message = session.load_error().unwrap_or_default();
        assert!(
            message.starts_with("junk.bin: not a loadable RISC-V ELF"),
            "{message}"
        );
        // Every action on an empty session is harmless.
        let playground = Playground::new(session);
        for action in [
            Action::Step,
            Action::StepBack,
            Action::Run,
            Action::Tick,
            Action::Pause,
            Action::Reset,
        ] {
            playground.apply(action, &fake_clock);
        }
    }

    #[test]
    fn a_bad_file_keeps_the_program_shown() {
        let playground = Playground::default();
        playground.apply(Action::Step, &fake_clock);
        playground.apply(
            Action::LoadElf {
                name: String::from("notes.txt"),
                bytes: b"hello".to_vec(),
            },
            &fake_clock,
        );
        let session = playground.session().unwrap();
        assert!(session.load_error().is_some());
        assert_eq!(session.example, Some("sum"));
        assert_eq!(session.sim().hart().map(|h| h.instret), Some(1));
    }

    #[test]
    fn examples_load_at_their_entry_point() {
        for example in EXAMPLES {
            let session = Session::with_example(example);
            assert_eq!(session.load_error(), None, "{}", example.id);
            let pc = session.sim().hart().map(|h| h.pc);
            assert_eq!(pc, Some(0x8000_0000), "{}", example.id);
        }
    }

    #[test]
    fn steps_back_and_reset_restore() {
        let playground = Playground::default();
        for _ in 0..5 {
            playground.apply(Action::Step, &fake_clock);
        }
        playground.apply(Action::StepBack, &fake_clock);
        playground.apply(Action::StepBack, &fake_clock);
        assert_eq!(instret(&playground), Some(3));
        playground.apply(Action::Reset, &fake_clock);
        assert_eq!(instret(&playground), Some(0));
        // Back at the start does nothing.
        playground.apply(Action::StepBack, &fake_clock);
        let session = playground.session();
        let hart = session.as_ref().and_then(|s| s.sim().hart());
        assert_eq!(hart.map(|h| (h.pc, h.instret)), Some((0x8000_0000, 0)));
    }

    #[test]
    fn back_from_a_halt_pauses() {
        let mut session = Session::with_example(&EXAMPLES[0]);
        session.run();
        while session.run_state() == RunState::Running {
            session.run_slice();
        }
        assert_eq!(session.run_state(), RunState::Halted);
        session.step_back();
        assert_eq!(session.run_state(), RunState::Paused);
        assert_eq!(session.sim().halt(), None);
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
}
