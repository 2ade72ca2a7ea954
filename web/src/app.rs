//! The root component: two tabs, "Machine" (the RISC-V playground, default) and "Chain" (the
//! simulated Snowman network, [`ChainPage`]). Both pages stay mounted and the inactive one is
//! hidden, so each keeps its state (and a running chain keeps running) across tab switches. The
//! URL hash `#chain` opens the chain tab; switching tabs updates the hash.
//!
//! [`MachinePage`] holds the machine's [`Playground`] reducer, drives its run loop's timer and
//! lays out its panels.

use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::components::chain::ChainPage;
use crate::components::{Csrs, Disasm, Registers, Status, Toolbar};
use crate::state::{Action, Playground, RunState};
use crate::view;

/// Disassembly lines shown, and how many of them come before the pc.
const DISASM_LINES: usize = 20;
const DISASM_BEFORE: usize = 6;
/// Milliseconds between run slices: the browser's minimum, so the page spends most of a frame
/// computing and the rest painting and answering clicks.
const TICK_INTERVAL_MS: u32 = 1;

/// The two pages.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tab {
    /// The RISC-V machine playground.
    Machine,
    /// The simulated Snowman chain.
    Chain,
}

impl Tab {
    /// The tab a URL hash names (`#chain`; anything else is the machine).
    pub fn from_hash(hash: &str) -> Tab {
        match hash.trim_start_matches('#') {
            "chain" => Tab::Chain,
            _ => Tab::Machine,
        }
    }

    /// The URL hash of the tab.
    pub fn hash(self) -> &'static str {
        match self {
            Tab::Machine => "#machine",
            Tab::Chain => "#chain",
        }
    }
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page: masthead with the tabs, and both pages (one hidden).
#[function_component(App)]
pub fn app() -> Html {
    let tab = use_state(|| Tab::from_hash(&current_hash()));
    // Back/forward and edited URLs switch tabs too.
    {
        let tab = tab.clone();
        use_effect_with((), move |()| {
            let listener = web_sys::window().map(|window| {
                gloo::events::EventListener::new(&window, "hashchange", move |_| {
                    tab.set(Tab::from_hash(&current_hash()));
                })
            });
            move || drop(listener)
        });
    }
    let select = |target: Tab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| {
            tab.set(target);
            if let Some(window) = web_sys::window() {
                // Replace, not push: switching tabs should not fill the history.
                let _ = window.history().and_then(|h| {
                    h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(target.hash()))
                });
            }
        })
    };
    let tab_button = |target: Tab, label: &str, testid: &str| {
        let active = *tab == target;
        html! {
            <button role="tab" class={classes!("tab", active.then_some("active"))}
                aria-selected={if active { "true" } else { "false" }}
                data-testid={testid.to_string()} onclick={select(target)}>{ label.to_string() }</button>
        }
    };
    html! {
        <div class={classes!("app", (*tab == Tab::Chain).then_some("wide"))}>
            <header class="masthead">
                <h1><span class="logo">{"❄"}</span>{" SnowRV"}<span class="sub">{
                    if *tab == Tab::Chain { " Snowman playground" } else { " RISC-V playground" }
                }</span></h1>
                <nav class="tabs" role="tablist" aria-label="Pages">
                    { tab_button(Tab::Machine, "Machine", "tab-machine") }
                    { tab_button(Tab::Chain, "Chain", "tab-chain") }
                </nav>
            </header>
            <div class="page" hidden={*tab != Tab::Machine}><MachinePage /></div>
            <div class="page" hidden={*tab != Tab::Chain}><ChainPage /></div>
        </div>
    }
}

/// The RISC-V machine playground.
#[function_component(MachinePage)]
pub fn machine_page() -> Html {
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
        <div class="machine-page">
            <header class="program-head">
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
