//! The mempool panel: the selected node's pending entries, oldest first (the next Build takes
//! from the top), each as text when it is text and always as hex.

use std::rc::Rc;

use yew::prelude::*;

use snowrv_core::chain::engine::NodeIndex;
use snowrv_core::chain::timestampvm::Data;
use snowrv_core::chain::Id;

use super::format;

/// Entries shown at most (the mempool holds up to 4,096).
const SHOWN: usize = 64;

/// Properties of [`Mempool`].
#[derive(Properties, PartialEq)]
pub struct MempoolProps {
    /// The node whose mempool this is.
    pub node: NodeIndex,
    /// Its entries, oldest first.
    pub entries: Rc<Vec<[u8; 32]>>,
}

/// The selected node's mempool.
#[function_component(Mempool)]
pub fn mempool(props: &MempoolProps) -> Html {
    let entries = &props.entries;
    html! {
        <section class="panel mempool" aria-label="Mempool" data-testid="mempool"
            data-count={entries.len().to_string()}>
            <h2>{ format!("Mempool · node {}", props.node) }
                <span class="count">{ format!("{} pending", entries.len()) }</span></h2>
            if entries.is_empty() {
                <p class="empty">{"Empty. Propose data to add an entry; Build takes the oldest."}</p>
            } else {
                <ol class="entries">
                    { for entries.iter().take(SHOWN).map(|bytes| {
                        let id = Id::digest(&Data(*bytes).0);
                        html! {
                            <li class="entry" data-testid="mempool-entry">
                                <span class="entry-text">{ format::data(bytes) }</span>
                                <span class="entry-hex mono" title={format!("entry ID {id}")}>{ format::hex(bytes) }</span>
                            </li>
                        }
                    }) }
                </ol>
                if entries.len() > SHOWN {
                    <p class="empty">{ format!("… and {} more", entries.len() - SHOWN) }</p>
                }
            }
        </section>
    }
}
