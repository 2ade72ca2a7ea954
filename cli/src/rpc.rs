//! SEAM (owner: rpc helper): `snowrv rpc '<json>'`.

use crate::Failure;

/// The options of `snowrv rpc`.
#[derive(clap::Args, Debug)]
pub struct RpcArgs {
    /// The JSON-RPC 2.0 request.
    pub request: String,
}

/// Runs `snowrv rpc`.
pub fn rpc(args: &RpcArgs) -> Result<u8, Failure> {
    let _ = args;
    Err(Failure::new("not built yet"))
}
