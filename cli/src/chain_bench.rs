//! SEAM (owner: tests helper): `snowrv bench-chain`.

use crate::Failure;

/// The options of `snowrv bench-chain`.
#[derive(clap::Args, Debug)]
pub struct BenchChainArgs {
    /// Network sizes to measure.
    #[arg(long, value_delimiter = ',', default_values_t = [100u32, 1000, 10000])]
    pub nodes: Vec<u32>,
}

/// Runs `snowrv bench-chain`.
pub fn bench_chain(args: &BenchChainArgs) -> Result<u8, Failure> {
    let _ = args;
    Err(Failure::new("not built yet"))
}
