//! The SnowRV playground in the browser: a Yew app that drives `snowrv-core`.
