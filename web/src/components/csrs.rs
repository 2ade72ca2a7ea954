//! The CSR panel: the trap and paging control and status registers, with a word or two on what
//! their values mean.

use yew::prelude::*;

use crate::sim::CsrRow;
use crate::view::hex32;

/// Properties of [`Csrs`].
#[derive(Properties, PartialEq)]
pub struct CsrsProps {
    /// The registers to show, from the core's CSR view.
    pub csrs: Vec<CsrRow>,
}

/// Trap and paging CSRs.
#[function_component(Csrs)]
pub fn csrs(props: &CsrsProps) -> Html {
    html! {
        <section class="panel csrs" aria-label="Control and status registers">
            <h2>{"CSRs"}</h2>
            <div class="csr-grid">
                { for props.csrs.iter().map(|c| html! {
                    <div class={classes!("csr", (c.value == 0).then_some("zero"))}>
                        <span class="csr-name mono">{ c.name }</span>
                        <span class="mono csr-value" data-testid={format!("csr-{}", c.name)}>
                            { hex32(c.value) }
                        </span>
                        <span class="csr-note">{ c.note.clone().unwrap_or_default() }</span>
                    </div>
                }) }
            </div>
        </section>
    }
}
