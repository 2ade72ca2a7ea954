//! The block tree as SVG: every block any node knows, laid out by height (x) and fork (y), each
//! with its parent edge, colored by its status on the selected node, the selected node's
//! preferred chain highlighted, its last accepted block marked, and "accepted by n/N" under each
//! block. Clicking a block opens the inspector.

use std::collections::BTreeMap;
use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use snowrv_core::chain::engine::NodeIndex;
use snowrv_core::chain::vm::Status;
use snowrv_core::chain::Id;

use crate::chain_state::IdLabel;

/// Column width per height, row height per fork lane, block size, margins (SVG units = px).
const COL: i64 = 176;
const ROW: i64 = 74;
const BOX_W: i64 = 136;
const BOX_H: i64 = 50;
const MARGIN_X: i64 = 16;
const MARGIN_Y: i64 = 26;

/// One block as the tree draws it.
#[derive(Clone, PartialEq, Debug)]
pub struct TreeBlock {
    /// Its ID.
    pub id: Id,
    /// CB58 and colors.
    pub label: IdLabel,
    /// Its parent.
    pub parent: Id,
    /// Its height.
    pub height: u64,
    /// Status on the selected node.
    pub status: Status,
    /// Honest nodes that accepted it.
    pub accepted_by: u32,
    /// Honest nodes that rejected it.
    pub rejected_by: u32,
    /// Who built it (None: genesis).
    pub builder: Option<NodeIndex>,
    /// On the selected node's preferred chain (its preference and the processing ancestors).
    pub preferred: bool,
    /// The selected node's last accepted block.
    pub last_accepted: bool,
}

/// Where each block goes: its lane (row) by index in `blocks`. `blocks` is in height order; a
/// block takes its parent's lane when it is the parent's first child in priority order
/// (accepted, then preferred, then by ID), otherwise a new lane below all others, so the chain
/// the selected node follows runs straight and forks branch downward.
pub fn lanes(blocks: &[TreeBlock]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    let priority = |b: &TreeBlock| {
        (
            b.height,
            b.status != Status::Accepted,
            !b.preferred,
            b.status == Status::Rejected,
            b.id,
        )
    };
    order.sort_by(|a, b| priority(&blocks[*a]).cmp(&priority(&blocks[*b])));
    let mut lane_of: BTreeMap<Id, u32> = BTreeMap::new();
    let mut parent_lane_taken: BTreeMap<Id, bool> = BTreeMap::new();
    let mut out = vec![0u32; blocks.len()];
    let mut next = 0u32;
    for i in order {
        let block = &blocks[i];
        let inherited = lane_of.get(&block.parent).copied().filter(|_| {
            let taken = parent_lane_taken.entry(block.parent).or_insert(false);
            !std::mem::replace(taken, true)
        });
        let lane = inherited.unwrap_or_else(|| {
            let lane = next;
            next += 1;
            lane
        });
        next = next.max(lane + 1);
        lane_of.insert(block.id, lane);
        out[i] = lane;
    }
    out
}

/// Properties of [`BlockTree`].
#[derive(Properties, PartialEq)]
pub struct BlockTreeProps {
    /// Every block, by height then ID.
    pub blocks: Rc<Vec<TreeBlock>>,
    /// Honest nodes (the N of "accepted by n/N").
    pub honest: u32,
    /// The node whose view colors the tree.
    pub node: NodeIndex,
    /// The selected node's last accepted block (CB58) and height.
    pub last_accepted: (Rc<str>, u64),
    /// The block open in the inspector.
    pub selected: Option<Id>,
    /// A block was clicked.
    pub onselectblock: Callback<Id>,
}

fn status_class(status: Status) -> &'static str {
    match status {
        Status::Accepted => "accepted",
        Status::Rejected => "rejected",
        Status::Processing => "processing",
        Status::Unknown => "unknown",
    }
}

/// The block tree panel.
#[function_component(BlockTree)]
pub fn block_tree(props: &BlockTreeProps) -> Html {
    let blocks = &props.blocks;
    let lanes = lanes(blocks);
    let min_height = blocks.iter().map(|b| b.height).min().unwrap_or(0);
    let max_height = blocks.iter().map(|b| b.height).max().unwrap_or(0);
    let lane_count = lanes.iter().copied().max().map_or(1, |l| l + 1);
    let pos = |i: usize| -> (i64, i64) {
        let column = blocks[i].height.saturating_sub(min_height) as i64;
        (
            MARGIN_X + column * COL,
            MARGIN_Y + i64::from(lanes[i]) * ROW,
        )
    };
    let index: BTreeMap<Id, usize> = blocks.iter().enumerate().map(|(i, b)| (b.id, i)).collect();
    let width = MARGIN_X * 2 + (max_height - min_height) as i64 * COL + BOX_W;
    let height = MARGIN_Y + i64::from(lane_count) * ROW;

    // Keep the newest blocks in view: scroll to the right end when the tree grows.
    let scroller = use_node_ref();
    {
        let scroller = scroller.clone();
        use_effect_with(max_height, move |_| {
            if let Some(el) = scroller.cast::<Element>() {
                el.set_scroll_left(el.scroll_width());
            }
        });
    }

    let edges = blocks.iter().enumerate().filter_map(|(i, b)| {
        let parent = *index.get(&b.parent)?;
        let (px, py) = pos(parent);
        let (cx, cy) = pos(i);
        let (x1, y1) = (px + BOX_W, py + BOX_H / 2);
        let (x2, y2) = (cx, cy + BOX_H / 2);
        let mid = (x1 + x2) / 2;
        let d = format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}");
        let class = classes!(
            "edge",
            status_class(b.status),
            b.preferred.then_some("preferred")
        );
        Some(html! { <path {class} {d} /> })
    });

    let nodes = blocks.iter().enumerate().map(|(i, b)| {
        let (x, y) = pos(i);
        let id = b.id;
        let onclick = {
            let cb = props.onselectblock.clone();
            Callback::from(move |_: MouseEvent| cb.emit(id))
        };
        let class = classes!(
            "block",
            status_class(b.status),
            b.preferred.then_some("preferred"),
            b.last_accepted.then_some("last-accepted"),
            (props.selected == Some(id)).then_some("selected"),
        );
        let caption = if b.height == 0 {
            String::from("genesis")
        } else {
            format!("h{} · {}", b.height, b.status.as_str())
        };
        let accepted = format!("accepted by {}/{}", b.accepted_by, props.honest);
        let title =
            format!(
            "{}\nheight {} · {} on node {}\naccepted by {} and rejected by {} of {} honest nodes{}",
            b.label.cb58,
            b.height,
            b.status.as_str(),
            props.node,
            b.accepted_by,
            b.rejected_by,
            props.honest,
            b.builder.map(|n| format!("\nbuilt by node {n}")).unwrap_or_default()
        );
        html! {
            <g {class} data-testid={format!("block-{}", b.label.cb58)}
                data-status={b.status.as_str()} data-id={AttrValue::Rc(Rc::clone(&b.label.cb58))}
                data-height={b.height.to_string()} data-accepted-by={b.accepted_by.to_string()}
                transform={format!("translate({x},{y})")} {onclick} role="button" tabindex="0">
                <title>{ title }</title>
                if b.last_accepted {
                    <text class="marker" x="0" y="-7">{"★ last accepted"}</text>
                } else if b.preferred {
                    <text class="marker pref" x="0" y="-7">{"▸ preferred"}</text>
                }
                <rect class="box" width={BOX_W.to_string()} height={BOX_H.to_string()} rx="7" />
                <rect class="swatch" x="8" y="9" width="9" height="9" rx="2"
                    style={format!("fill:{}", b.label.color)} />
                <text class="id" x="23" y="18">{ b.label.short.to_string() }</text>
                <text class="caption" x="8" y="32">{ caption }</text>
                <text class="accepted" x="8" y="44">{ accepted }</text>
            </g>
        }
    });

    html! {
        <section class="panel block-tree-panel" aria-label="Block tree">
            <h2>{"Block tree"}<span class="count">{ format!("as node {} sees it", props.node) }</span></h2>
            <div class="tree-head">
                <span class="trap-label">{ format!("node {} last accepted", props.node) }</span>
                <code class="last-accepted" data-testid="last-accepted"
                    data-id={AttrValue::Rc(Rc::clone(&props.last_accepted.0))}>
                    { props.last_accepted.0.to_string() }</code>
                <span class="muted">{ format!("height {}", props.last_accepted.1) }</span>
            </div>
            <div class="tree-scroll" ref={scroller}>
                <svg class="block-tree" data-testid="block-tree" role="img"
                    aria-label="Blocks by height, forks branching downward"
                    width={width.to_string()} height={height.to_string()}
                    viewBox={format!("0 0 {width} {height}")}>
                    <g class="edges">{ for edges }</g>
                    <g class="blocks">{ for nodes }</g>
                </svg>
            </div>
            <ul class="legend tree-legend">
                <li><span class="swatch st-accepted"></span>{"Accepted"}</li>
                <li><span class="swatch st-processing"></span>{"Processing"}</li>
                <li><span class="swatch st-rejected"></span>{"Rejected"}</li>
                <li><span class="swatch st-unknown"></span>{"Unknown to this node"}</li>
                <li><span class="swatch st-preferred"></span>{"preferred chain"}</li>
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(name: &str, parent: Id, height: u64, status: Status, preferred: bool) -> TreeBlock {
        let id = Id::digest(name.as_bytes());
        TreeBlock {
            id,
            label: IdLabel {
                cb58: Rc::from(name),
                short: Rc::from(name),
                color: Rc::from("red"),
                style: Rc::from("--c:red"),
            },
            parent,
            height,
            status,
            accepted_by: 0,
            rejected_by: 0,
            builder: None,
            preferred,
            last_accepted: false,
        }
    }

    #[test]
    fn a_chain_is_one_lane_and_forks_branch_below() {
        let genesis = block("g", Id::EMPTY, 0, Status::Accepted, false);
        let a = block("a", genesis.id, 1, Status::Accepted, false);
        // b and c fork from a; c is preferred, so it continues a's lane whatever the IDs.
        let b = block("b", a.id, 2, Status::Processing, false);
        let c = block("c", a.id, 2, Status::Processing, true);
        let d = block("d", b.id, 3, Status::Processing, false);
        let blocks = vec![genesis, a, b, c, d];
        assert_eq!(lanes(&blocks), vec![0, 0, 1, 0, 1]);
    }

    #[test]
    fn the_accepted_sibling_keeps_the_lane() {
        let genesis = block("g", Id::EMPTY, 0, Status::Accepted, false);
        let x = block("x", genesis.id, 1, Status::Rejected, false);
        let y = block("y", genesis.id, 1, Status::Accepted, false);
        assert_eq!(lanes(&[genesis, x, y]), vec![0, 1, 0]);
    }

    #[test]
    fn an_orphan_gets_its_own_lane() {
        let genesis = block("g", Id::EMPTY, 0, Status::Accepted, false);
        let orphan = block("o", Id::digest(b"missing"), 5, Status::Unknown, false);
        assert_eq!(lanes(&[genesis, orphan]), vec![0, 1]);
    }
}
