//! The decision log: every accept and reject with node, block, height and virtual time, newest
//! first, filterable by kind and by node.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use snowrv_core::chain::engine::NodeIndex;
use snowrv_core::chain::network::DecisionRecord;

use super::format;
use crate::chain_state::{id_color, DecisionFilter, DecisionKind};

/// Properties of [`DecisionLog`].
#[derive(Properties, PartialEq)]
pub struct DecisionLogProps {
    /// The rows to show (already filtered), newest first.
    pub rows: Rc<Vec<DecisionRecord>>,
    /// How many decisions match the filter.
    pub matching: usize,
    /// How many decisions there are.
    pub total: usize,
    /// The filter.
    pub filter: DecisionFilter,
    /// The filter changed.
    pub onfilter: Callback<DecisionFilter>,
}

/// The log of decisions.
#[function_component(DecisionLog)]
pub fn decision_log(props: &DecisionLogProps) -> Html {
    let filter = props.filter;
    let onkind = {
        let onfilter = props.onfilter.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                onfilter.emit(DecisionFilter {
                    kind: DecisionKind::parse(&select.value()),
                    ..filter
                });
            }
        })
    };
    let onnode = {
        let onfilter = props.onfilter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                let node = input.value().trim().parse::<NodeIndex>().ok();
                onfilter.emit(DecisionFilter { node, ..filter });
            }
        })
    };
    html! {
        <section class="panel decision-log-panel" aria-label="Decision log" data-testid="decision-log"
            data-count={props.total.to_string()}>
            <h2>{"Decisions"}<span class="count">{
                if props.matching == props.total { format::count(props.total as u64) }
                else { format!("{} of {}", format::count(props.matching as u64), format::count(props.total as u64)) }
            }</span></h2>
            <div class="filters">
                <label for="decision-filter">{"show"}</label>
                <select id="decision-filter" class="small" data-testid="decision-filter" onchange={onkind}>
                    { for [DecisionKind::All, DecisionKind::Accepted, DecisionKind::Rejected].iter().map(|k| html! {
                        <option value={k.as_str()} selected={*k == filter.kind}>{ k.as_str() }</option>
                    }) }
                </select>
                <label for="decision-filter-node">{"node"}</label>
                <input id="decision-filter-node" class="num mono" type="number" min="0"
                    placeholder="all" data-testid="decision-filter-node" oninput={onnode}
                    value={filter.node.map(|n| n.to_string()).unwrap_or_default()} />
            </div>
            if props.rows.is_empty() {
                <p class="empty">{ if props.total == 0 { "Nothing decided yet." } else { "No decision matches the filter." } }</p>
            } else {
                <div class="log-scroll">
                    <table class="log">
                        <thead><tr><th>{"time"}</th><th>{"node"}</th><th>{"decision"}</th>
                            <th>{"block"}</th><th>{"height"}</th></tr></thead>
                        <tbody>
                            { for props.rows.iter().map(|d| html! {
                                <tr class={if d.accepted { "accepted" } else { "rejected" }}
                                    data-testid="decision">
                                    <td class="mono">{ format::millis(d.at) }</td>
                                    <td class="mono">{ d.node }</td>
                                    <td>{ if d.accepted { "accepted" } else { "rejected" } }</td>
                                    <td><span class="vote-chip" style={format!("--c:{}", id_color(&d.block))}
                                        title={d.block.to_cb58()}>{ d.block.short() }</span></td>
                                    <td class="mono">{ d.height }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                if props.rows.len() < props.matching {
                    <p class="empty">{ format!("showing the newest {}", props.rows.len()) }</p>
                }
            }
        </section>
    }
}
