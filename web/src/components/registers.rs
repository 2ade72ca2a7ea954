//! The register panel: pc, privilege, instructions retired and x0..x31 with their ABI names.

use yew::prelude::*;

use crate::sim::Reg;
use crate::view::{hex32, privilege_title};

/// Properties of [`Registers`].
#[derive(Properties, PartialEq)]
pub struct RegistersProps {
    /// x0..x31.
    pub regs: [u32; 32],
    /// Bit `n` set when `xn` changed in the last step, step back or run slice.
    pub changed: u32,
    /// The program counter.
    pub pc: u32,
    /// `M`, `S` or `U`.
    pub privilege: &'static str,
    /// Instructions retired.
    pub instret: u64,
}

/// The hart's architectural state.
#[function_component(Registers)]
pub fn registers(props: &RegistersProps) -> Html {
    let privilege_title = privilege_title(props.privilege);
    html! {
        <section class="panel registers" aria-label="Registers">
            <h2>{"Hart"}</h2>
            <dl class="hart-summary">
                <div class="pcbox">
                    <dt>{"pc"}</dt>
                    <dd class="mono" data-testid="pc">{ hex32(props.pc) }</dd>
                </div>
                <div>
                    <dt>{"privilege"}</dt>
                    <dd class={classes!("mono", "priv", format!("priv-{}", props.privilege))}
                        title={privilege_title} data-testid="privilege">{ props.privilege }</dd>
                </div>
                <div>
                    <dt>{"instret"}</dt>
                    <dd class="mono" data-testid="instret">{ props.instret }</dd>
                </div>
            </dl>
            <div class="reg-grid">
                { for Reg::all().map(|reg| {
                    let n = reg.index();
                    let value = props.regs[n];
                    let changed = props.changed & (1 << n) != 0;
                    html! {
                        <div class={classes!("reg", changed.then_some("changed"), (value == 0).then_some("zero"))}>
                            <span class="reg-name">
                                <span class="abi">{ reg.abi_name() }</span>
                                <span class="num">{ format!("x{n}") }</span>
                            </span>
                            <span class="mono reg-value" data-testid={format!("reg-x{n}")}
                                title={format!("{} = {}", reg.abi_name(), value as i32)}>
                                { hex32(value) }
                            </span>
                        </div>
                    }
                }) }
            </div>
        </section>
    }
}
