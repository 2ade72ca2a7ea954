//! The SnowRV playground in the browser: a Yew app that drives `snowrv-core`, with two tabs.
//!
//! The crate is thin: the simulation, its history (stepping back) and what every panel shows are
//! the core's [`snowrv_core::playground::Playground`] (the machine) and
//! [`snowrv_core::playground::chain::ChainPlayground`] (the chain). [`state`] and
//! [`chain_state`] turn clicks into their commands, drain their events and own the clock (run
//! slices, speed); [`view`] formats; [`components`] are the panels; [`app`] holds the tabs and
//! wires the machine's panels; [`bridge`] installs `window.snowrv` (JSON-RPC over the page's
//! network). No instruction is interpreted and no vote is counted here.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod app;
pub mod bridge;
pub mod chain_state;
pub mod components;
pub mod examples;
pub mod sim;
pub mod state;
pub mod view;

pub use app::App;

/// Mounts the playground into `root` (the tests mount it into a fresh `<div>`).
pub fn mount(root: web_sys::Element) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

/// Mounts the playground into the page's `<body>`.
pub fn start() -> yew::AppHandle<App> {
    yew::Renderer::<App>::new().render()
}
