//! Two small SVG charts: the selected node's confidence after each poll (with Beta marked), and
//! the share of honest nodes that accepted the newest block over virtual time.

use std::rc::Rc;

use yew::prelude::*;

use snowrv_core::chain::engine::{Millis, NodeIndex};

use super::format;
use crate::chain_state::IdLabel;

/// The drawing area (SVG units; the SVG scales to the panel's width).
const W: f64 = 320.0;
const H: f64 = 110.0;
/// Left, right, top and bottom margins.
const L: f64 = 30.0;
const R: f64 = 8.0;
const T: f64 = 8.0;
const B: f64 = 18.0;

fn x_of(fraction: f64) -> f64 {
    L + fraction.clamp(0.0, 1.0) * (W - L - R)
}

fn y_of(fraction: f64) -> f64 {
    H - B - fraction.clamp(0.0, 1.0) * (H - T - B)
}

/// A step line through `(x, y)` fractions: horizontal to each next x, then vertical.
fn step_path(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let mut last_y = None;
    for (x, y) in points {
        let (px, py) = (x_of(*x), y_of(*y));
        match last_y {
            None => d.push_str(&format!("M{px:.1},{py:.1}")),
            Some(ly) => d.push_str(&format!(" L{px:.1},{ly:.1} L{px:.1},{py:.1}")),
        }
        last_y = Some(py);
    }
    d
}

fn frame(y_top: &str, x_left: &str, x_right: &str) -> Html {
    html! {
        <>
            <line class="axis" x1={L.to_string()} y1={T.to_string()} x2={L.to_string()} y2={(H - B).to_string()} />
            <line class="axis" x1={L.to_string()} y1={(H - B).to_string()} x2={(W - R).to_string()} y2={(H - B).to_string()} />
            <text class="tick" x={(L - 4.0).to_string()} y={(T + 8.0).to_string()} text-anchor="end">{ y_top.to_string() }</text>
            <text class="tick" x={(L - 4.0).to_string()} y={(H - B).to_string()} text-anchor="end">{"0"}</text>
            <text class="tick" x={L.to_string()} y={(H - 4.0).to_string()}>{ x_left.to_string() }</text>
            <text class="tick" x={(W - R).to_string()} y={(H - 4.0).to_string()} text-anchor="end">{ x_right.to_string() }</text>
        </>
    }
}

/// Properties of [`ConfidenceChart`].
#[derive(Properties, PartialEq)]
pub struct ConfidenceChartProps {
    /// The node.
    pub node: NodeIndex,
    /// Confidence after each finished poll, oldest first.
    pub points: Rc<Vec<u32>>,
    /// Beta (where the line finalizes).
    pub beta: u32,
}

/// The selected node's confidence over its polls.
#[function_component(ConfidenceChart)]
pub fn confidence_chart(props: &ConfidenceChartProps) -> Html {
    let n = props.points.len();
    let top = props
        .points
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(props.beta)
        .max(1);
    let points: Vec<(f64, f64)> = props
        .points
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let x = if n > 1 {
                i as f64 / (n - 1) as f64
            } else {
                0.0
            };
            (x, f64::from(*c) / f64::from(top))
        })
        .collect();
    let beta_y = y_of(f64::from(props.beta) / f64::from(top));
    html! {
        <figure class="panel chart" data-testid="chart-confidence" data-points={n.to_string()}>
            <figcaption>{ format!("Confidence of node {} per poll", props.node) }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img"
                aria-label="confidence of the selected node's preferred choice after each poll">
                { frame(&top.to_string(), if n > 0 { "poll 1" } else { "" },
                    &if n > 1 { format!("poll {n}") } else { String::new() }) }
                <line class="threshold" x1={L.to_string()} x2={(W - R).to_string()}
                    y1={format!("{beta_y:.1}")} y2={format!("{beta_y:.1}")} />
                <text class="tick thr" x={(W - R).to_string()} y={format!("{:.1}", beta_y + 10.0)} text-anchor="end">
                    { format!("Beta {}", props.beta) }</text>
                if n > 0 {
                    <path class="line" d={step_path(&points)} />
                } else {
                    <text class="tick" x={(W / 2.0).to_string()} y={(H / 2.0).to_string()} text-anchor="middle">
                        {"no polls yet"}</text>
                }
            </svg>
        </figure>
    }
}

/// Properties of [`AcceptedChart`].
#[derive(Properties, PartialEq)]
pub struct AcceptedChartProps {
    /// The block followed.
    pub block: Option<IdLabel>,
    /// (virtual time, honest nodes that accepted it), one point per change.
    pub points: Rc<Vec<(Millis, u32)>>,
    /// Honest nodes.
    pub honest: u32,
    /// Virtual now (the chart's right edge).
    pub now: Millis,
}

/// The share of honest nodes that accepted the newest block.
#[function_component(AcceptedChart)]
pub fn accepted_chart(props: &AcceptedChartProps) -> Html {
    let first = props.points.first().map_or(0, |p| p.0);
    let start = first.saturating_sub(first / 10);
    let end = props.now.max(start + 1);
    let span = (end - start) as f64;
    let honest = f64::from(props.honest.max(1));
    let mut points: Vec<(f64, f64)> = vec![(0.0, 0.0)];
    points.extend(
        props
            .points
            .iter()
            .map(|(t, n)| ((t - start.min(*t)) as f64 / span, f64::from(*n) / honest)),
    );
    if let Some(last) = points.last().copied() {
        points.push((1.0, last.1));
    }
    let last = props.points.last().map_or(0, |p| p.1);
    html! {
        <figure class="panel chart" data-testid="chart-accepted" data-accepted={last.to_string()}>
            <figcaption>{"Honest nodes that accepted "}
                { match &props.block { Some(b) => html! { <span class="mono">{ b.short.to_string() }</span> },
                    None => html! { {"the newest block"} } } }
                <span class="muted">{ format!(" · {last}/{}", props.honest) }</span></figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img"
                aria-label="share of honest nodes that accepted the newest block over virtual time">
                { frame("100%", &format::millis(start), &format::millis(end)) }
                if props.points.is_empty() {
                    <text class="tick" x={(W / 2.0).to_string()} y={(H / 2.0).to_string()} text-anchor="middle">
                        {"not accepted anywhere yet"}</text>
                } else {
                    <path class="line accepted" d={step_path(&points)} />
                }
            </svg>
        </figure>
    }
}
