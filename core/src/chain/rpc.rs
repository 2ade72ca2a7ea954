//! SEAM (owner: rpc helper): the JSON-RPC 2.0 dispatcher over a network.
