//! Helpers shared by SnowRV's integration, conformance and differential tests.
