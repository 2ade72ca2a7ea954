//! The SnowRV playground in the browser: a Yew app that drives `snowrv-core`.
//!
//! The crate is thin: [`state`] decides when to call the core (step, run a time slice, reset,
//! load) and remembers what to show; [`view`] turns a machine into what the panels display;
//! [`components`] are the panels; [`app`] wires them to the reducer and owns the run loop's
//! clock. No instruction is interpreted here.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod app;
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
