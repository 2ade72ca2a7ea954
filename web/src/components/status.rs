//! The status line: run state, speed, the last trap in words, how the program ended, and load
//! errors.

use yew::prelude::*;

/// Properties of [`Status`].
#[derive(Properties, PartialEq)]
pub struct StatusProps {
    /// `paused`, `running` or `halted`.
    pub run_state: &'static str,
    /// Instructions per second while running.
    pub ips: Option<f64>,
    /// The last trap in words (`none` when there was none), or `None` when nothing is loaded.
    pub last_trap: Option<String>,
    /// How the program ended: pass (`Some(true)`), fail (`Some(false)`), other (`None`), and the
    /// sentence.
    pub exit: Option<(Option<bool>, String)>,
    /// Why the program did not load.
    pub load_error: Option<String>,
}

/// Formats instructions per second with a unit: `12.3 M/s`.
pub fn format_ips(ips: f64) -> String {
    if ips >= 1e6 {
        format!("{:.1} M instr/s", ips / 1e6)
    } else if ips >= 1e3 {
        format!("{:.1} k instr/s", ips / 1e3)
    } else {
        format!("{ips:.0} instr/s")
    }
}

/// What the machine is doing and what happened last.
#[function_component(Status)]
pub fn status(props: &StatusProps) -> Html {
    let ips = props
        .ips
        .map(format_ips)
        .unwrap_or_else(|| String::from("–"));
    html! {
        <section class="panel status" aria-label="Status" aria-live="polite">
            if let Some(error) = &props.load_error {
                <p class="load-error" role="alert" data-testid="load-error">{ error }</p>
            }
            <div class="status-row">
                <span class={classes!("badge", format!("state-{}", props.run_state))}
                    data-testid="run-state">{ props.run_state }</span>
                <span class="trap-label">{"speed"}</span>
                <span class="ips mono" data-testid="ips" title="instructions per second while running">{ ips }</span>
                if let Some((passed, message)) = &props.exit {
                    <span class={classes!("exit", match passed {
                            Some(true) => "pass",
                            Some(false) => "fail",
                            None => "other",
                        })} data-testid="exit">{ message }</span>
                }
            </div>
            <div class="trap-row">
                <span class="trap-label">{"last trap"}</span>
                <span class="mono trap" data-testid="last-trap">
                    { props.last_trap.clone().unwrap_or_else(|| String::from("none")) }
                </span>
            </div>
        </section>
    }
}
