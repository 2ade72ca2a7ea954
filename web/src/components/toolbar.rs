//! The toolbar: Back, Step, Run, Pause, Reset, the example picker and "open an ELF file".

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::examples::EXAMPLES;
use crate::state::RunState;

/// Properties of [`Toolbar`].
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// Running, paused or halted: decides which buttons are enabled.
    pub run_state: RunState,
    /// Whether a program is loaded (false after a load error).
    pub loaded: bool,
    /// Whether there is an instruction to step back over (false at the program's start).
    pub can_back: bool,
    /// The id of the example shown, or `None` for a user's file.
    pub example: Option<&'static str>,
    /// Step was clicked.
    pub onstep: Callback<()>,
    /// Back was clicked.
    pub onback: Callback<()>,
    /// Run was clicked.
    pub onrun: Callback<()>,
    /// Pause was clicked.
    pub onpause: Callback<()>,
    /// Reset was clicked.
    pub onreset: Callback<()>,
    /// An example was picked (its id).
    pub onselect: Callback<String>,
    /// A file was chosen (name, bytes).
    pub onopen: Callback<(String, Vec<u8>)>,
}

/// The row of controls above the panels.
#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let running = props.run_state == RunState::Running;
    let halted = props.run_state == RunState::Halted;
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let onchange = {
        let onselect = props.onselect.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                onselect.emit(select.value());
            }
        })
    };
    let onfile = {
        let onopen = props.onopen.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            let name = file.name();
            let onopen = onopen.clone();
            let file = gloo::file::File::from(file);
            yew::platform::spawn_local(async move {
                match gloo::file::futures::read_as_bytes(&file).await {
                    Ok(bytes) => onopen.emit((name, bytes)),
                    Err(e) => gloo::console::error!(format!("reading {name}: {e}")),
                }
            });
            // Let the same file be chosen again after an edit.
            input.set_value("");
        })
    };
    let selected = props.example.unwrap_or("");

    html! {
        <nav class="toolbar" aria-label="Machine controls">
            <div class="buttons">
                <button data-testid="step-back" class="btn" accesskey="b"
                    title="Step back: undo the last instruction (access key B)"
                    aria-label="Step back one instruction"
                    disabled={!props.loaded || !props.can_back} onclick={click(&props.onback)}>
                    {"◀ Back"}
                </button>
                <button data-testid="step" class="btn" title="Execute one instruction"
                    disabled={!props.loaded || halted} onclick={click(&props.onstep)}>
                    {"Step"}
                </button>
                <button data-testid="run" class="btn primary" title="Run until paused or halted"
                    disabled={!props.loaded || running || halted} onclick={click(&props.onrun)}>
                    {"Run"}
                </button>
                <button data-testid="pause" class="btn" title="Stop running"
                    disabled={!running} onclick={click(&props.onpause)}>
                    {"Pause"}
                </button>
                <button data-testid="reset" class="btn" title="Reload the program"
                    disabled={!props.loaded} onclick={click(&props.onreset)}>
                    {"Reset"}
                </button>
            </div>
            <div class="program">
                <label for="example-select">{"Example"}</label>
                <select id="example-select" data-testid="example-select" {onchange}>
                    if props.example.is_none() {
                        <option value="" selected=true disabled=true>{"(your file)"}</option>
                    }
                    { for EXAMPLES.iter().map(|ex| html! {
                        <option value={ex.id} selected={ex.id == selected}>{ ex.title }</option>
                    }) }
                </select>
                <label class="btn file" title="Load your own RV32 ELF executable (RAM at 0x80000000)">
                    {"Open ELF…"}
                    <input type="file" data-testid="open-elf" accept=".elf,application/octet-stream"
                        onchange={onfile} />
                </label>
            </div>
        </nav>
    }
}
