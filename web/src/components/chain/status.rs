//! The chain status line: run state, virtual time, message and poll counters, throughput, the
//! transcript hash, what the last command did, and the last error.

use yew::prelude::*;

use snowrv_core::chain::engine::Millis;
use snowrv_core::chain::network::NetworkStats;

use super::format;

/// Properties of [`ChainStatus`].
#[derive(Properties, PartialEq)]
pub struct ChainStatusProps {
    /// `paused` or `running`.
    pub run_state: &'static str,
    /// While Run Until Decided runs: the block it waits for (short form).
    pub until: Option<AttrValue>,
    /// Virtual now.
    pub now: Millis,
    /// The network's counters.
    pub stats: NetworkStats,
    /// Messages handled per second while running.
    pub rate: Option<f64>,
    /// Nodes, honest nodes.
    pub nodes: (u32, u32),
    /// The transcript hash (CB58).
    pub transcript: AttrValue,
    /// What the last command did.
    pub note: Option<AttrValue>,
    /// The last error.
    pub error: Option<AttrValue>,
    /// The error's × was clicked.
    pub ondismiss: Callback<()>,
}

/// The status line and the error banner.
#[function_component(ChainStatus)]
pub fn chain_status(props: &ChainStatusProps) -> Html {
    let s = &props.stats;
    let ondismiss = {
        let cb = props.ondismiss.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let transcript_short: String = props.transcript.chars().take(10).collect();
    html! {
        <section class="panel status chain-status" aria-label="Chain status" aria-live="polite">
            if let Some(error) = &props.error {
                <p class="load-error chain-error" role="alert" data-testid="chain-error">
                    <span>{ error.clone() }</span>
                    <button class="dismiss" title="Dismiss" aria-label="Dismiss the error"
                        onclick={ondismiss}>{"×"}</button>
                </p>
            }
            <div class="status-row" data-testid="chain-status">
                <span class={classes!("badge", format!("state-{}", props.run_state))}
                    data-testid="chain-run-state">{ props.run_state }</span>
                if let Some(until) = &props.until {
                    <span class="trap-label" data-testid="chain-until">{"until "}
                        <span class="mono">{ until.clone() }</span>{" is decided everywhere"}</span>
                }
                <span class="stat"><span class="trap-label">{"virtual time"}</span>
                    <span class="mono" data-testid="chain-time">{ format::millis(props.now) }</span></span>
                <span class="stat"><span class="trap-label">{"nodes"}</span>
                    <span class="mono">{ format!("{} ({} honest)", props.nodes.0, props.nodes.1) }</span></span>
                <span class="stat"><span class="trap-label">{"messages"}</span>
                    <span class="mono" data-testid="chain-messages"
                        title="sent / delivered / dropped / in flight">
                        { format!("{} sent · {} delivered · {} dropped · {} in flight",
                            format::count(s.sent), format::count(s.delivered),
                            format::count(s.dropped), format::count(s.in_flight)) }
                    </span></span>
                <span class="stat"><span class="trap-label">{"polls"}</span>
                    <span class="mono" data-testid="chain-polls">{ format::count(s.polls) }</span></span>
                if let Some(rate) = props.rate {
                    <span class="stat"><span class="trap-label">{"speed"}</span>
                        <span class="mono ips">{ format::rate(rate) }</span></span>
                }
                <span class="stat"><span class="trap-label">{"transcript"}</span>
                    <span class="mono muted" data-testid="chain-transcript" data-hash={props.transcript.clone()}
                        title={format!("transcript hash (SHA-256 over every event): {}", props.transcript)}>
                        { transcript_short }{"…"}</span></span>
            </div>
            if let Some(note) = &props.note {
                <div class="trap-row"><span class="trap-label">{"last"}</span>
                    <span class="trap" data-testid="chain-note">{ note.clone() }</span></div>
            }
        </section>
    }
}
