//! The SnowRV playground in the browser: a Yew app that drives `snowrv-core`.
//!
//! The crate is thin: the simulation, its history (stepping back) and what every panel shows are
//! the core's [`snowrv_core::playground::Playground`]. [`state`] turns clicks into its commands,
//! drains its events and owns the clock (run slices, speed); [`view`] formats; [`components`] are
//! the panels; [`app`] wires them to the reducer and drives the run loop's timer. No instruction
//! is interpreted here.

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
