//! The chain toolbar: propose data, pick a node, Build / Build Conflicting on it, the step
//! buttons, Run Until Decided, Run / Pause and the speed.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use snowrv_core::chain::engine::NodeIndex;

use crate::chain_state::{ChainRunState, SPEEDS};

/// Properties of [`ChainControls`].
#[derive(Properties, PartialEq)]
pub struct ChainControlsProps {
    /// Running or paused.
    pub run_state: ChainRunState,
    /// Messages per tick (0: as many as fit).
    pub speed: u64,
    /// Number of nodes (the node picker's range).
    pub nodes: u32,
    /// The selected node.
    pub selected: NodeIndex,
    /// Whether the selected node is crashed (Crash becomes Restart).
    pub crashed: bool,
    /// Propose was clicked with this text.
    pub onpropose: Callback<String>,
    /// A node was picked.
    pub onselectnode: Callback<NodeIndex>,
    /// Build was clicked.
    pub onbuild: Callback<()>,
    /// Build Conflicting was clicked.
    pub onbuildconflict: Callback<()>,
    /// Step Message was clicked.
    pub onstepmessage: Callback<()>,
    /// Step Poll was clicked.
    pub onsteppoll: Callback<()>,
    /// Step Round was clicked.
    pub onstepround: Callback<()>,
    /// Run Until Decided was clicked.
    pub onrununtildecided: Callback<()>,
    /// Run was clicked.
    pub onrun: Callback<()>,
    /// Pause was clicked.
    pub onpause: Callback<()>,
    /// A speed was picked (messages per tick, 0: max).
    pub onspeed: Callback<u64>,
    /// Crash (or Restart, for a crashed node) was clicked.
    pub oncrash: Callback<()>,
}

fn speed_label(speed: u64) -> String {
    match speed {
        0 => String::from("max (8 ms slices)"),
        1 => String::from("1 msg / tick"),
        n => format!("{} msg / tick", super::format::count(n)),
    }
}

/// The row of chain controls.
#[function_component(ChainControls)]
pub fn chain_controls(props: &ChainControlsProps) -> Html {
    // The text is read from the input when Propose fires (not kept in state): a script that
    // types and clicks in one tick still proposes what it typed.
    let data = use_node_ref();
    {
        // A first value to propose; after that the input is the user's.
        let data = data.clone();
        use_effect_with((), move |()| {
            if let Some(input) = data.cast::<HtmlInputElement>() {
                input.set_value("hello snowman");
            }
        });
    }
    let running = props.run_state == ChainRunState::Running;
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let propose = {
        let data = data.clone();
        let onpropose = props.onpropose.clone();
        move || {
            if let Some(input) = data.cast::<HtmlInputElement>() {
                onpropose.emit(input.value());
            }
        }
    };
    let onproposeclick = {
        let propose = propose.clone();
        Callback::from(move |_: MouseEvent| propose())
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            propose();
        }
    });
    let onnode = {
        let onselectnode = props.onselectnode.clone();
        let nodes = props.nodes;
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if let Ok(node) = input.value().trim().parse::<NodeIndex>() {
                    if node < nodes {
                        onselectnode.emit(node);
                    }
                }
            }
        })
    };
    let onspeed = {
        let onspeed = props.onspeed.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Ok(speed) = select.value().parse::<u64>() {
                    onspeed.emit(speed);
                }
            }
        })
    };

    html! {
        <nav class="toolbar chain-toolbar" aria-label="Chain controls">
            <div class="row">
            <div class="group">
                <label for="chain-propose-data">{"Data"}</label>
                <input id="chain-propose-data" class="text mono" data-testid="chain-propose-data"
                    type="text" maxlength="66" size="18" spellcheck="false"
                    title="Up to 32 bytes of text, or exactly 64 hex digits for raw bytes"
                    ref={data.clone()} {onkeydown} />
                <button class="btn" data-testid="chain-propose" onclick={onproposeclick}
                    title="Put the data into the selected node's mempool (timestampvm.proposeBlock)">
                    {"Propose"}
                </button>
            </div>
            <div class="group">
                <label for="chain-node-select">{"Node"}</label>
                <input id="chain-node-select" class="num mono" data-testid="chain-node-select"
                    type="number" min="0" max={(props.nodes.saturating_sub(1)).to_string()}
                    value={props.selected.to_string()} oninput={onnode}
                    title="The node the buttons act on (or click a cell in the node grid)" />
                <span class="muted">{ format!("of {}", props.nodes) }</span>
                <button class="btn primary" data-testid="chain-build" onclick={click(&props.onbuild)}
                    title="The selected node builds one block on its preference from its mempool and sends it to K peers">
                    {"Build block"}
                </button>
                <button class="btn" data-testid="chain-build-conflict"
                    onclick={click(&props.onbuildconflict)}
                    title="The selected node builds a sibling (same parent) of the newest processing block it knows: a fork">
                    {"Build conflicting"}
                </button>
                <button class={classes!("btn", props.crashed.then_some("warn"))} data-testid="chain-crash"
                    onclick={click(&props.oncrash)}
                    title={if props.crashed { "Restart the selected node from its accepted chain" } else { "Crash the selected node: it loses its polls and messages to it are dropped" }}>
                    { if props.crashed { "Restart" } else { "Crash" } }
                </button>
            </div>
            </div>
            <div class="row">
            <div class="group">
                <button class="btn" data-testid="chain-step-message" onclick={click(&props.onstepmessage)}
                    title="Deliver the next message (by delivery time)">{"Step message"}</button>
                <button class="btn" data-testid="chain-step-poll" onclick={click(&props.onsteppoll)}
                    title="Deliver messages until one poll finishes on some node">{"Step poll"}</button>
                <button class="btn" data-testid="chain-step-round" onclick={click(&props.onstepround)}
                    title="Deliver messages until every live honest node with a poll in flight finished one more">
                    {"Step round"}</button>
                <button class="btn" data-testid="chain-run-until-decided"
                    onclick={click(&props.onrununtildecided)}
                    title="Run until the newest processing block is decided on every live honest node">
                    {"Run until decided"}</button>
            </div>
            <div class="group">
                <button class="btn primary" data-testid="chain-run" disabled={running}
                    onclick={click(&props.onrun)} title="Deliver messages continuously">{"Run"}</button>
                <button class="btn" data-testid="chain-pause" disabled={!running}
                    onclick={click(&props.onpause)} title="Stop running">{"Pause"}</button>
                <label for="chain-speed">{"Speed"}</label>
                <select id="chain-speed" class="speed" data-testid="chain-speed" onchange={onspeed}>
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={*s == props.speed}>{ speed_label(*s) }</option>
                    }) }
                </select>
            </div>
            </div>
        </nav>
    }
}
