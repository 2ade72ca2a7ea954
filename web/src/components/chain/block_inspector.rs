//! The block inspector: the clicked block's ID, parent, height, timestamp, who built it, its
//! status on the selected node, how many honest nodes accepted / rejected / know it, the VM's
//! fields, and its bytes in hex.

use std::rc::Rc;

use yew::prelude::*;

use snowrv_core::chain::engine::NodeIndex;
use snowrv_core::chain::network::BlockView;
use snowrv_core::chain::vm::Status;

use super::format;

/// Properties of [`BlockInspector`].
#[derive(Properties, PartialEq)]
pub struct BlockInspectorProps {
    /// The block.
    pub block: Rc<BlockView>,
    /// Its status on the selected node.
    pub status: Status,
    /// The selected node.
    pub node: NodeIndex,
    /// Honest nodes.
    pub honest: u32,
    /// Close was clicked.
    pub onclose: Callback<()>,
}

/// The inspector of one block.
#[function_component(BlockInspector)]
pub fn block_inspector(props: &BlockInspectorProps) -> Html {
    let b = &props.block;
    let onclose = {
        let cb = props.onclose.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let id = b.id.to_cb58();
    let rows = b.bytes.chunks(16).enumerate().map(|(row, chunk)| {
        html! {
            <div class="hexrow"><span class="addr">{ format!("{:04x}", row * 16) }</span>
                <span>{ format::hex_grouped(chunk, 2) }</span></div>
        }
    });
    html! {
        <section class="panel inspector" aria-label="Block inspector" data-testid="block-inspector"
            data-id={id.clone()}>
            <h2>{"Block"}<button class="dismiss" title="Close" aria-label="Close the block inspector"
                onclick={onclose}>{"×"}</button></h2>
            <dl class="fields">
                <dt>{"ID"}</dt><dd class="mono wrap" data-testid="block-inspector-id">{ id }</dd>
                <dt>{"parent"}</dt><dd class="mono wrap">{ b.parent.to_cb58() }</dd>
                <dt>{"height"}</dt><dd class="mono">{ b.height }</dd>
                <dt>{"timestamp"}</dt><dd class="mono">{ format!("{} s (virtual)", b.timestamp) }</dd>
                <dt>{"built by"}</dt><dd>{ b.builder.map_or_else(|| String::from("genesis"), |n| format!("node {n}")) }</dd>
                <dt>{ format!("on node {}", props.node) }</dt>
                <dd><span class={classes!("status-pill", props.status.as_str().to_lowercase())}
                    data-testid="block-inspector-status">{ props.status.as_str() }</span></dd>
                <dt>{"honest nodes"}</dt>
                <dd>{ format!("{} accepted · {} rejected · {} know it (of {})",
                    b.accepted_by, b.rejected_by, b.known_by, props.honest) }</dd>
                // The VM's own fields, less those already shown above.
                { for b.fields.iter().filter(|(name, _)| !matches!(*name, "height" | "timestamp" | "parent" | "id")).map(|(name, value)| html! {
                    <>
                        <dt>{ *name }</dt><dd class="mono wrap">{ value.clone() }</dd>
                    </>
                }) }
            </dl>
            <div class="bytes">
                <div class="trap-label">{ format!("bytes ({})", b.bytes.len()) }</div>
                <div class="hexdump mono" data-testid="block-inspector-bytes"
                    data-hex={format::hex(&b.bytes)}>{ for rows }</div>
            </div>
        </section>
    }
}
