//! The disassembly panel: instructions around the pc, the current one highlighted, labelled with
//! the program's symbols.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::DisasmLine;
use crate::view::hex32;

/// Properties of [`Disasm`].
#[derive(Properties, PartialEq)]
pub struct DisasmProps {
    /// The lines to show, from the core's disassembly view.
    pub lines: Rc<Vec<DisasmLine>>,
}

/// Disassembly around the pc.
#[function_component(Disasm)]
pub fn disasm(props: &DisasmProps) -> Html {
    html! {
        <section class="panel disasm" aria-label="Disassembly">
            <h2>{"Disassembly"}</h2>
            if props.lines.is_empty() {
                <p class="empty">{"No program loaded."}</p>
            }
            <ol class="listing mono">
                { for props.lines.iter().map(|line| {
                    let label = line.label.as_ref().map(|name| html! {
                        <li class="label">{ format!("<{name}>:") }</li>
                    });
                    let row = html! {
                        <li class={classes!("insn", line.current.then_some("current"))}
                            data-testid={line.current.then_some("disasm-current")}
                            aria-current={line.current.then_some("step")}>
                            <span class="marker">{ if line.current { "▶" } else { "" } }</span>
                            <span class="addr">{ &hex32(line.addr)[2..] }</span>
                            <span class="bits">{ &line.bits }</span>
                            <span class="text">{ &line.text }</span>
                        </li>
                    };
                    html! { <>{ for label }{ row }</> }
                }) }
            </ol>
        </section>
    }
}
