//! The root component: holds the [`Playground`] reducer, drives the run loop's timer and lays
//! out the panels.

use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::components::{Csrs, Disasm, Registers, Status, Toolbar};
use crate::state::{Action, Playground, RunState};
use crate::view;

/// Disassembly lines shown, and how many of them come before the pc.
const DISASM_LINES: usize = 20;
const DISASM_BEFORE: usize = 6;
/// Milliseconds between run slices: the browser's minimum, so the page spends most of a frame
/// computing and the rest painting and answering clicks.
const TICK_INTERVAL_MS: u32 = 1;

/// The playground page.
#[function_component(App)]
pub fn app() -> Html {
    let playground = use_reducer(Playground::default);
    let dispatcher = playground.dispatcher();

    let Some(session) = playground.session() else {
        return html! {};
    };
    let run_state = session.run_state();

    // While running, a timer sends Tick; dropping the Interval (on Pause/halt) cancels it.
    {
        let dispatcher = dispatcher.clone();
        use_effect_with(run_state == RunState::Running, move |running| {
            let interval = running.then(|| {
                Interval::new(TICK_INTERVAL_MS, move || dispatcher.dispatch(Action::Tick))
            });
            move || drop(interval)
        });
    }

    let action = |a: Action| {
        let dispatcher = dispatcher.clone();
        Callback::from(move |()| dispatcher.dispatch(a.clone()))
    };
    let onselect = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |id: String| dispatcher.dispatch(Action::SelectExample(id)))
    };
    let onopen = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |(name, bytes): (String, Vec<u8>)| {
            dispatcher.dispatch(Action::LoadElf { name, bytes })
        })
    };

    let sim = session.sim();
    let hart = sim.hart();
    let loaded = hart.is_some();
    let regs = hart.map_or([0; 32], |h| h.regs);
    let changed = hart.map_or(0, |h| h.changed);
    let pc = hart.map_or(0, |h| h.pc);
    let privilege = hart.map_or("M", |h| view::privilege_letter(h.privilege));
    let instret = hart.map_or(0, |h| h.instret);
    let lines = Rc::new(sim.disasm(DISASM_BEFORE, DISASM_LINES));
    let csrs = sim.csrs();
    let last_trap = loaded.then(|| sim.last_trap().describe());
    let exit = sim.halt().map(|h| (h.passed(), h.describe()));
    let summary = session
        .example
        .and_then(crate::examples::by_id)
        .map(|e| e.summary)
        .unwrap_or(if loaded {
            "Your program, loaded at its ELF addresses."
        } else {
            "Not loaded: see the message below."
        });

    html! {
        <div class="app">
            <header class="masthead">
                <h1><span class="logo">{"❄"}</span>{" SnowRV"}<span class="sub">{" RISC-V playground"}</span></h1>
                <p class="program-title" data-testid="program">
                    <strong>{ session.program.clone() }</strong>{" — "}{ summary }
                    if let Some(id) = session.example {
                        {" "}<a class="source" href={format!("examples/{id}.S")} target="_blank"
                            rel="noopener">{"read the source"}</a>
                    }
                </p>
            </header>
            <Toolbar
                run_state={run_state}
                {loaded}
                can_back={sim.can_step_back()}
                example={session.example}
                onstep={action(Action::Step)}
                onback={action(Action::StepBack)}
                onrun={action(Action::Run)}
                onpause={action(Action::Pause)}
                onreset={action(Action::Reset)}
                {onselect}
                {onopen}
            />
            <Status
                run_state={run_state.label()}
                ips={session.ips()}
                {last_trap}
                {exit}
                load_error={session.load_error().map(String::from)}
            />
            <main class="panels">
                <Disasm {lines} />
                <div class="side">
                    <Registers {regs} {changed} {pc} {privilege} {instret} />
                    <Csrs {csrs} />
                </div>
            </main>
            <footer class="footer">
                {"RV32IMAC + Zicsr + Zifencei, M/S/U, Sv32 · RAM at 0x80000000 · the program halts by writing "}
                <code>{"tohost"}</code>{" (1 = pass)"}
            </footer>
        </div>
    }
}
