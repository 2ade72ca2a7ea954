//! The node grid: one cell per node, colored by its preference (a stable color per block ID),
//! crashed and Byzantine nodes marked, the selected node outlined, and a legend counting nodes
//! per preference. Built for 2,000 cells: each cell is one element with precomputed labels and a
//! single click handler on the grid reads the cell's index.

use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use snowrv_core::chain::engine::NodeIndex;

use crate::chain_state::IdLabel;

/// Nodes up to which cells are large enough to show their index.
const NUMBERED: usize = 120;

/// One node's cell.
#[derive(Clone, PartialEq, Debug)]
pub struct GridCell {
    /// Its preference.
    pub preference: IdLabel,
    /// Its last accepted block (CB58).
    pub last_accepted: Rc<str>,
    /// Crashed.
    pub crashed: bool,
    /// Byzantine.
    pub byzantine: bool,
}

/// Properties of [`NodeGrid`].
#[derive(Properties, PartialEq)]
pub struct NodeGridProps {
    /// One cell per node, by index.
    pub cells: Rc<Vec<GridCell>>,
    /// Distinct preferences with how many nodes hold each, most first.
    pub legend: Rc<Vec<(IdLabel, u32)>>,
    /// The selected node.
    pub selected: NodeIndex,
    /// A cell was clicked.
    pub onselectnode: Callback<NodeIndex>,
}

/// A cell's classes, as one static string (no allocation per cell).
fn cell_class(cell: &GridCell, selected: bool) -> &'static str {
    match (cell.crashed, cell.byzantine, selected) {
        (false, false, false) => "cell",
        (false, false, true) => "cell selected",
        (false, true, false) => "cell byzantine",
        (false, true, true) => "cell byzantine selected",
        (true, false, false) => "cell crashed",
        (true, false, true) => "cell crashed selected",
        (true, true, false) => "cell crashed byzantine",
        (true, true, true) => "cell crashed byzantine selected",
    }
}

/// The grid of nodes.
#[function_component(NodeGrid)]
pub fn node_grid(props: &NodeGridProps) -> Html {
    let onclick = {
        let onselectnode = props.onselectnode.clone();
        Callback::from(move |e: MouseEvent| {
            let cell = e
                .target_dyn_into::<Element>()
                .and_then(|t| t.closest("[data-index]").ok().flatten());
            if let Some(index) = cell
                .and_then(|c| c.get_attribute("data-index"))
                .and_then(|i| i.parse::<NodeIndex>().ok())
            {
                onselectnode.emit(index);
            }
        })
    };
    let numbered = props.cells.len() <= NUMBERED;
    let selected = props.selected as usize;
    let byzantine = props.cells.iter().filter(|c| c.byzantine).count();
    let crashed = props.cells.iter().filter(|c| c.crashed).count();
    // Each cell's test ID and index text, made once per grid size rather than once per render.
    let names = use_memo(props.cells.len(), |n| {
        (0..*n)
            .map(|i| {
                (
                    AttrValue::from(format!("node-{i}")),
                    AttrValue::from(i.to_string()),
                )
            })
            .collect::<Vec<_>>()
    });
    html! {
        <section class="panel node-grid-panel" aria-label="Nodes">
            <h2>{"Nodes"}<span class="count">{
                format!("{} nodes · {} Byzantine · {} crashed", props.cells.len(), byzantine, crashed)
            }</span></h2>
            <div class={classes!("node-grid", if numbered { "numbered" } else { "dense" })}
                data-testid="node-grid" {onclick}>
                { for props.cells.iter().zip(names.iter()).enumerate().map(|(i, (cell, (testid, index)))| {
                    html! {
                        <div class={cell_class(cell, i == selected)} data-testid={testid.clone()}
                            data-index={index.clone()}
                            data-preference={AttrValue::Rc(Rc::clone(&cell.preference.cb58))}
                            data-last-accepted={AttrValue::Rc(Rc::clone(&cell.last_accepted))}
                            data-crashed={if cell.crashed { "true" } else { "false" }}
                            data-byzantine={if cell.byzantine { "true" } else { "false" }}
                            style={AttrValue::Rc(Rc::clone(&cell.preference.style))}>
                            if numbered { { index.clone() } }
                        </div>
                    }
                }) }
            </div>
            <ul class="legend" data-testid="preference-legend">
                { for props.legend.iter().take(6).map(|(label, n)| html! {
                    <li title={format!("{n} nodes prefer {}", label.cb58)}>
                        <span class="swatch" style={format!("background:{}", label.color)}></span>
                        <span class="mono">{ label.short.to_string() }</span>
                        <span class="muted">{ format!("{n}") }</span>
                    </li>
                }) }
                <li class="marks"><span class="swatch byz"></span>{"Byzantine"}
                    <span class="swatch crash"></span>{"crashed"}</li>
            </ul>
        </section>
    }
}
