//! The parameter form: nodes, the consensus parameters (with presets), seed, latency, drops and
//! Byzantine nodes. Fields stay text until Apply; the page parses and validates them, and an
//! invalid form is shown with its reason and not applied.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use snowrv_core::chain::network::NetworkConfig;
use snowrv_core::chain::params::PRESETS;

use crate::chain_state::{ParamInput, BYZANTINE_BEHAVIORS, MAX_PAGE_NODES};

/// Properties of [`ParamsForm`].
#[derive(Properties, PartialEq)]
pub struct ParamsFormProps {
    /// The network's current config (the form resets to it whenever it changes).
    pub config: NetworkConfig,
    /// Why the last Apply was refused.
    pub error: Option<AttrValue>,
    /// Apply was clicked with the form as typed.
    pub onapply: Callback<ParamInput>,
}

/// Which field of [`ParamInput`] an input edits.
type Field = fn(&mut ParamInput) -> &mut String;

/// An edit of the form. A reducer, not a plain state: two edits in one tick (a script filling
/// several fields) each apply to what the previous one left.
enum Edit {
    /// A field's new text.
    Set(Field, String),
    /// A preset's consensus values.
    Preset(String),
    /// Back to a config's values.
    Reset(NetworkConfig),
}

/// The form's text, as a reducible state.
#[derive(Clone, PartialEq)]
struct Form(ParamInput);

impl Reducible for Form {
    type Action = Edit;

    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        Rc::new(match edit {
            Edit::Set(field, value) => {
                let mut next = self.0.clone();
                *field(&mut next) = value;
                Form(next)
            }
            Edit::Preset(name) => Form(self.0.with_preset(&name)),
            Edit::Reset(config) => Form(ParamInput::from_config(&config)),
        })
    }
}

/// The parameter form.
#[function_component(ParamsForm)]
pub fn params_form(props: &ParamsFormProps) -> Html {
    let state = use_reducer(|| Form(ParamInput::from_config(&props.config)));
    {
        let dispatcher = state.dispatcher();
        use_effect_with(props.config.clone(), move |config| {
            dispatcher.dispatch(Edit::Reset(config.clone()));
        });
    }
    let form = &state.0;
    let input = |label: &'static str, testid: &'static str, field: Field, title: &'static str| {
        let value = {
            let mut copy = form.clone();
            field(&mut copy).clone()
        };
        let oninput = {
            let dispatcher = state.dispatcher();
            Callback::from(move |e: InputEvent| {
                if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                    dispatcher.dispatch(Edit::Set(field, el.value()));
                }
            })
        };
        html! {
            <label class="field" {title}>
                <span>{ label }</span>
                <input class="mono" type="text" inputmode="numeric" spellcheck="false"
                    data-testid={testid} {value} {oninput} />
            </label>
        }
    };
    let onpreset = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                dispatcher.dispatch(Edit::Preset(select.value()));
            }
        })
    };
    let onbehavior = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                dispatcher.dispatch(Edit::Set(|p| &mut p.byzantine_behavior, select.value()));
            }
        })
    };
    let onsubmit = {
        let state = state.clone();
        let onapply = props.onapply.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            onapply.emit(state.0.clone());
        })
    };
    let onreset = {
        let dispatcher = state.dispatcher();
        let config = props.config.clone();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Edit::Reset(config.clone())))
    };
    let preset = PRESETS.iter().find(|p| p.name == form.preset);
    html! {
        <section class="panel params" aria-label="Network parameters">
            <h2>{"Network"}<span class="count">{"applying makes a new network"}</span></h2>
            <form class="param-form" {onsubmit} novalidate=true>
                <label class="field wide" title="Presets fill K, the alphas, Beta and ConcurrentRepolls">
                    <span>{"preset"}</span>
                    <select data-testid="param-preset" onchange={onpreset}>
                        { for PRESETS.iter().map(|p| html! {
                            <option value={p.name} selected={p.name == form.preset}>{ p.name }</option>
                        }) }
                    </select>
                </label>
                if let Some(p) = preset {
                    <p class="preset-note">{ p.description }</p>
                }
                <fieldset>
                    <legend>{"consensus"}</legend>
                    { input("nodes", "param-nodes", |p| &mut p.nodes,
                        "Number of nodes (at most 2,000 in the page)") }
                    { input("K", "param-k", |p| &mut p.k, "Nodes sampled per poll") }
                    { input("α pref", "param-alpha-preference", |p| &mut p.alpha_preference,
                        "AlphaPreference: votes needed to change preference (more than K/2)") }
                    { input("α conf", "param-alpha-confidence", |p| &mut p.alpha_confidence,
                        "AlphaConfidence: votes needed to raise confidence (AlphaPreference..K)") }
                    { input("β", "param-beta", |p| &mut p.beta,
                        "Beta: consecutive successful polls needed to finalize") }
                    { input("β rogue", "param-beta-rogue", |p| &mut p.beta_rogue,
                        "Beta for choices that ever saw a conflict (the 2020 rule); equal to Beta today") }
                    { input("repolls", "param-concurrent-repolls", |p| &mut p.concurrent_repolls,
                        "ConcurrentRepolls: polls kept in flight (1..Beta)") }
                </fieldset>
                <fieldset>
                    <legend>{"network"}</legend>
                    { input("seed", "param-seed", |p| &mut p.seed, "Seed of every random choice") }
                    { input("latency min", "param-latency-min", |p| &mut p.latency_min,
                        "Smallest one-way latency, virtual ms") }
                    { input("latency max", "param-latency-max", |p| &mut p.latency_max,
                        "Largest one-way latency, virtual ms") }
                    { input("drop ‰", "param-drop", |p| &mut p.drop,
                        "Chance a message is lost, per thousand") }
                    { input("Byzantine", "param-byzantine", |p| &mut p.byzantine,
                        "How many nodes are Byzantine (the last ones by index)") }
                    <label class="field wide" title="What the Byzantine nodes do">
                        <span>{"they"}</span>
                        <select data-testid="param-byzantine-behavior" onchange={onbehavior}>
                            { for BYZANTINE_BEHAVIORS.iter().map(|(value, label, _)| html! {
                                <option value={*value} selected={*value == form.byzantine_behavior}>{ *label }</option>
                            }) }
                        </select>
                    </label>
                </fieldset>
                if let Some(error) = &props.error {
                    <p class="load-error param-error" role="alert" data-testid="param-error">{ error.clone() }</p>
                }
                <div class="form-buttons">
                    <button type="submit" class="btn primary" data-testid="param-apply"
                        title={format!("Replace the network with a new one (up to {MAX_PAGE_NODES} nodes)")}>
                        {"Apply"}</button>
                    <button type="button" class="btn" data-testid="param-revert" onclick={onreset}
                        title="Show the current network's values again">{"Revert"}</button>
                </div>
            </form>
        </section>
    }
}
