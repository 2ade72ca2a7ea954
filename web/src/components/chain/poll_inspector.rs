//! The poll inspector: the last finished poll (on the selected node, else on any node): the K
//! sampled nodes and each one's vote, the totals per block (after votes bubbled to processing
//! blocks) against AlphaPreference and AlphaConfidence, whether it was successful or ended early,
//! and what it changed (preference, confidence, decisions).

use std::rc::Rc;

use yew::prelude::*;

use snowrv_core::chain::engine::PollRecord;
use snowrv_core::chain::params::Parameters;
use snowrv_core::chain::Id;

use super::format;
use crate::chain_state::id_color;

/// Properties of [`PollInspector`].
#[derive(Properties, PartialEq)]
pub struct PollInspectorProps {
    /// The poll.
    pub record: Option<Rc<PollRecord>>,
    /// Whether it is the selected node's own poll (false: the last poll on any node).
    pub own: bool,
    /// The parameters (the alphas the totals are compared with).
    pub params: Parameters,
}

fn chip(id: &Id) -> Html {
    html! {
        <span class="vote-chip" style={format!("--c:{}", id_color(id))}
            title={id.to_cb58()}>{ id.short() }</span>
    }
}

/// The last poll.
#[function_component(PollInspector)]
pub fn poll_inspector(props: &PollInspectorProps) -> Html {
    let Some(p) = &props.record else {
        return html! {
            <section class="panel inspector" aria-label="Poll inspector" data-testid="poll-inspector">
                <h2>{"Last poll"}</h2>
                <p class="empty">{"No poll has finished yet. Build a block, then Step poll."}</p>
            </section>
        };
    };
    let params = &props.params;
    let answered = p.voters.iter().filter(|(_, v)| v.is_some()).count();
    let totals = p.bag.iter().map(|(id, votes)| {
        let pref = votes >= u64::from(params.alpha_preference);
        let conf = votes >= u64::from(params.alpha_confidence);
        let width = (votes * 100 / u64::from(params.k.max(1))).min(100);
        html! {
            <tr>
                <td>{ chip(id) }</td>
                <td class="mono num">{ votes }</td>
                <td class="totbar"><span class="bar"><span style={format!("width:{width}%")}></span>
                    <i class="tick" style={format!("left:{}%", u64::from(params.alpha_preference) * 100 / u64::from(params.k.max(1)))}></i>
                    <i class="tick conf" style={format!("left:{}%", u64::from(params.alpha_confidence) * 100 / u64::from(params.k.max(1)))}></i></span></td>
                <td class={classes!("check", pref.then_some("yes"))}>{ if pref { "≥ αp ✓" } else { "< αp" } }</td>
                <td class={classes!("check", conf.then_some("yes"))}>{ if conf { "≥ αc ✓" } else { "< αc" } }</td>
            </tr>
        }
    });
    let changed_pref = p.preference_before != p.preference_after;
    html! {
        <section class="panel inspector" aria-label="Poll inspector" data-testid="poll-inspector"
            data-node={p.node.to_string()} data-successful={p.successful.to_string()}
            data-early={p.early.to_string()}>
            <h2>{"Last poll"}<span class="count">{
                if props.own { format!("node {}, request #{}", p.node, p.request_id) }
                else { format!("on node {} (the selected node has none yet), request #{}", p.node, p.request_id) }
            }</span></h2>
            <div class="poll-head">
                <span>{"asked about "}{ chip(&p.block) }{ format!(" at height {}", p.requested_height) }</span>
                <span class="muted">{ format!("{} → {}", format::millis(p.started_at), format::millis(p.finished_at)) }</span>
                <span class={classes!("status-pill", if p.successful { "accepted" } else { "rejected" })}>
                    { if p.successful { "successful" } else { "unsuccessful" } }</span>
                if p.early { <span class="status-pill processing" title="ended before every answer arrived">{"ended early"}</span> }
            </div>
            <h3>{ format!("Sampled {} · answered {}", p.voters.len(), answered) }</h3>
            <ul class="voters" data-testid="poll-voters">
                { for p.voters.iter().map(|(node, vote)| html! {
                    <li class={classes!("voter", vote.is_none().then_some("silent"))}>
                        <span class="mono who">{ format!("n{node}") }</span>
                        { match vote { Some(id) => chip(id), None => html! { <span class="muted">{"no answer"}</span> } } }
                    </li>
                }) }
            </ul>
            <h3>{ format!("Totals (αp = {}, αc = {}, K = {})", params.alpha_preference, params.alpha_confidence, params.k) }</h3>
            if p.bag.is_empty() {
                <p class="empty">{"No votes for a processing block."}</p>
            } else {
                <table class="totals"><tbody>{ for totals }</tbody></table>
            }
            <h3>{"What changed"}</h3>
            <ul class="changes" data-testid="poll-changes">
                <li>{"preference "}
                    if changed_pref { { chip(&p.preference_before) }{" → "}{ chip(&p.preference_after) } }
                    else { { chip(&p.preference_after) }<span class="muted">{" (unchanged)"}</span> }
                </li>
                <li>{ format!("confidence {} (Beta {})", p.confidence, params.beta) }</li>
                if p.decided.is_empty() {
                    <li class="muted">{"no decision"}</li>
                }
                { for p.decided.iter().map(|(id, accepted)| html! {
                    <li>{ if *accepted { "accepted " } else { "rejected " } }{ chip(id) }</li>
                }) }
            </ul>
        </section>
    }
}
