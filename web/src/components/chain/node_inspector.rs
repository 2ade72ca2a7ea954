//! The node inspector: the selected node's behaviour and state, its Snowball trees (one per block
//! with children: preference, strength and confidence per tree node) and its outstanding polls.

use std::rc::Rc;

use yew::prelude::*;

use snowrv_core::chain::engine::{Behavior, PollView};
use snowrv_core::chain::network::NodeView;
use snowrv_core::chain::params::Parameters;
use snowrv_core::chain::snowman::{TreeNodeView, TreeView};

use super::format;

/// Waiting-on nodes listed per poll before "and n more".
const WAITING_SHOWN: usize = 12;

/// Properties of [`NodeInspector`].
#[derive(Properties, PartialEq)]
pub struct NodeInspectorProps {
    /// The node (None: the network has no such node).
    pub node: Option<Rc<NodeView>>,
    /// The consensus parameters (Beta for the confidence bars).
    pub params: Parameters,
}

fn behavior_text(behavior: Behavior) -> &'static str {
    match behavior {
        Behavior::Honest => "honest",
        Behavior::FixedVote => "Byzantine: always votes for a conflicting block",
        Behavior::Silent => "Byzantine: never answers",
        Behavior::Equivocating => "Byzantine: answers peers differently",
    }
}

fn tree_node(node: &TreeNodeView, params: &Parameters) -> Html {
    let beta = params.beta_for(node.rogue).max(1);
    let pct = (u64::from(node.confidence.min(beta)) * 100 / u64::from(beta)).min(100);
    let bits = if node.bit_end > node.bit_start + 1 {
        format!("bits {}..{}", node.bit_start, node.bit_end)
    } else {
        format!("bit {}", node.bit_start)
    };
    let strength = if node.kind == "binary" {
        format!("{} / {}", node.strength[0], node.strength[1])
    } else {
        node.strength[0].to_string()
    };
    html! {
        <tr class={classes!(node.finalized.then_some("finalized"))}>
            <td class="mono" style={format!("padding-left:{}px", 6 + node.depth * 12)}>
                { node.kind }</td>
            <td class="mono muted">{ bits }</td>
            <td class="mono" title={node.preference.to_cb58()}>{ node.preference.short() }</td>
            <td class="mono num" title="Snowball strength (binary: bit 0 / bit 1)">{ strength }</td>
            <td class="conf" title={format!("confidence {} of Beta {}{}", node.confidence, beta,
                    if node.rogue { " (rogue)" } else { "" })}>
                <span class="bar"><span style={format!("width:{pct}%")}></span></span>
                <span class="mono">{ format!("{}/{}", node.confidence, beta) }</span>
            </td>
            <td>{ if node.finalized { "✓" } else { "" } }{ if node.rogue { " rogue" } else { "" } }</td>
        </tr>
    }
}

fn tree(tree: &TreeView, params: &Parameters) -> Html {
    let children = tree
        .children
        .iter()
        .map(|c| c.short())
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        <div class="tree" data-testid="snowball-tree">
            <div class="tree-title"><span class="trap-label">{"children of "}</span>
                <span class="mono" title={tree.parent.to_cb58()}>{ tree.parent.short() }</span>
                <span class="muted">{ format!(": {children}") }</span></div>
            <table class="tree-nodes">
                <thead><tr><th>{"node"}</th><th>{"covers"}</th><th>{"preference"}</th>
                    <th>{"strength"}</th><th>{"confidence"}</th><th></th></tr></thead>
                <tbody>{ for tree.nodes.iter().map(|n| tree_node(n, params)) }</tbody>
            </table>
        </div>
    }
}

fn poll(poll: &PollView) -> Html {
    let waiting: Vec<String> = poll
        .waiting_on
        .iter()
        .take(WAITING_SHOWN)
        .map(u32::to_string)
        .collect();
    let more = poll.waiting_on.len().saturating_sub(WAITING_SHOWN);
    html! {
        <li class="poll" data-testid="outstanding-poll">
            <span class="mono">{ format!("#{}", poll.request_id) }</span>
            <span class="muted">{" on "}</span>
            <span class="mono" title={poll.block.to_cb58()}>{ poll.block.short() }</span>
            <span class="muted">{ format!(" since {} · {} votes · waiting on ", format::millis(poll.started_at), poll.votes.len()) }</span>
            <span class="mono">{ waiting.join(" ") }{ if more > 0 { format!(" +{more}") } else { String::new() } }</span>
        </li>
    }
}

/// The inspector of the selected node.
#[function_component(NodeInspector)]
pub fn node_inspector(props: &NodeInspectorProps) -> Html {
    let Some(n) = &props.node else {
        return html! {
            <section class="panel inspector" data-testid="node-inspector">
                <h2>{"Node"}</h2><p class="empty">{"No node to show yet."}</p>
            </section>
        };
    };
    html! {
        <section class="panel inspector" aria-label="Node inspector" data-testid="node-inspector"
            data-node={n.index.to_string()}>
            <h2>{ format!("Node {}", n.index) }<span class="count">{ behavior_text(n.behavior) }</span></h2>
            <dl class="fields">
                <dt>{"state"}</dt>
                <dd>{ if n.crashed { "crashed" } else { "running" } }
                    { if n.side > 0 { " · partition side 1" } else { "" } }</dd>
                <dt>{"preference"}</dt><dd class="mono wrap" data-testid="node-preference">{ n.preference.to_cb58() }</dd>
                <dt>{"last accepted"}</dt>
                <dd class="mono wrap">{ format!("{} (height {})", n.last_accepted.short(), n.last_accepted_height) }</dd>
                <dt>{"processing"}</dt><dd class="mono">{ n.processing }</dd>
                <dt>{"polls"}</dt>
                <dd class="mono">{ format!("{} finished · {} in flight", n.polls_finished, n.polls.len()) }</dd>
                <dt>{"mempool"}</dt><dd class="mono">{ n.mempool.len() }</dd>
            </dl>
            <h3>{"Snowball trees"}</h3>
            if n.trees.is_empty() {
                <p class="empty">{"No block with children is processing: nothing to decide."}</p>
            } else {
                { for n.trees.iter().map(|t| tree(t, &props.params)) }
            }
            <h3>{"Outstanding polls"}</h3>
            if n.polls.is_empty() {
                <p class="empty">{"None."}</p>
            } else {
                <ul class="polls">{ for n.polls.iter().map(poll) }</ul>
            }
        </section>
    }
}
