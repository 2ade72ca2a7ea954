//! `snowrv rpc`: send JSON-RPC 2.0 requests to a simulated Snowman network and print the
//! responses.
//!
//! The network comes from `--seed`/`--nodes` (the default config otherwise) or from a scenario
//! file (`--scenario`, set up by its steps). Several requests apply in order to the same network,
//! so one command can propose, build, step and read a block. The dispatcher is core's
//! `chain::rpc::dispatch`, the same one the page exposes as `window.snowrv.rpc`.
//!
//! Exit status: 0 when every response is a result (or there was no response: notifications),
//! 1 when any response is a JSON-RPC error (or the scenario file cannot be used), 2 for bad flags.

use crate::{read_file, write_stdout, Failure};
use snowrv_core::chain::network::NetworkConfig;
use snowrv_core::chain::rpc::dispatch_with_summary;
use snowrv_core::chain::scenario::Scenario;
use snowrv_core::playground::chain::{ChainCommand, ChainPlayground};
use std::io::Read;
use std::path::PathBuf;

/// The options of `snowrv rpc`.
#[derive(clap::Args, Debug)]
#[command(after_help = RPC_HELP)]
pub struct RpcArgs {
    /// Seed of the network's random choices (default: the default config's).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Number of nodes (default 20; at least K = 20 unless the parameters change).
    #[arg(long, value_name = "N")]
    pub nodes: Option<u32>,
    /// The node whose TimestampVM serves the `timestampvm.*` methods.
    #[arg(long, value_name = "I", default_value_t = 0)]
    pub node: u32,
    /// Start from this scenario file's network, after its steps (instead of --seed/--nodes).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["seed", "nodes"])]
    pub scenario: Option<PathBuf>,
    /// After each request, run the network until nothing is in flight.
    #[arg(long)]
    pub then_run: bool,
    /// Print responses indented, one member per line.
    #[arg(long)]
    pub pretty: bool,
    /// JSON-RPC 2.0 requests (objects or batches), applied in order; `-` reads one from stdin.
    #[arg(required = true, value_name = "REQUEST", allow_hyphen_values = true)]
    pub requests: Vec<String>,
}

/// Examples shown after the options.
const RPC_HELP: &str = r#"Examples:
  snowrv rpc '{"jsonrpc":"2.0","method":"ping","id":1}'
  snowrv rpc --pretty \
    '{"jsonrpc":"2.0","method":"timestampvm.proposeBlock","params":{"data":"hello"},"id":1}' \
    '{"jsonrpc":"2.0","method":"snowrv.build","params":{"node":0},"id":2}' \
    '{"jsonrpc":"2.0","method":"snowrv.step","params":{"granularity":"decided"},"id":3}' \
    '{"jsonrpc":"2.0","method":"timestampvm.getBlock","id":4}'
  snowrv.methods lists every method.

Exit status: 0 when every response is a result; 1 when any is a JSON-RPC error; 2 for bad flags"#;

/// Runs `snowrv rpc`.
pub fn rpc(args: &RpcArgs) -> Result<u8, Failure> {
    let mut playground = network(args)?;
    let nodes = playground.network().node_count();
    if args.node >= nodes {
        return Err(bad_flag(format!(
            "--node {}: the network has {nodes} nodes (0 to {})",
            args.node,
            nodes.saturating_sub(1)
        )));
    }
    let mut failed = false;
    for request in &args.requests {
        let request = if request == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::new(format!("reading the request from stdin: {e}")))?;
            text
        } else {
            request.clone()
        };
        let (response, summary) =
            dispatch_with_summary(&mut playground, args.node, request.as_bytes());
        failed |= summary.errors > 0;
        if !response.is_empty() {
            let text = String::from_utf8_lossy(&response);
            let mut text = if args.pretty {
                pretty(&text)
            } else {
                text.into_owned()
            };
            text.push('\n');
            write_stdout(text.as_bytes())?;
        }
        if args.then_run {
            playground
                .apply(ChainCommand::RunUntilQuiet)
                .map_err(|e| Failure::new(format!("running until quiet: {e}")))?;
        }
    }
    Ok(u8::from(failed))
}

/// The network the requests go to.
fn network(args: &RpcArgs) -> Result<ChainPlayground, Failure> {
    if let Some(path) = &args.scenario {
        let bytes = read_file(path)?;
        let name = path.display();
        let text = String::from_utf8(bytes)
            .map_err(|e| Failure::new(format!("{name}: not UTF-8 text: {e}")))?;
        let scenario =
            Scenario::from_json(&text).map_err(|e| Failure::new(format!("{name}: {e}")))?;
        return scenario
            .setup()
            .map_err(|e| Failure::new(format!("{name}: {e}")));
    }
    let defaults = NetworkConfig::default();
    let mut config = NetworkConfig {
        seed: args.seed.unwrap_or(defaults.seed),
        nodes: args.nodes.unwrap_or(defaults.nodes),
        ..defaults
    };
    if config.nodes > 0 && config.nodes < config.params.k {
        // A poll samples K distinct nodes, so a small network needs a smaller K; keep the
        // default alphas' share of K (15 of 20: three quarters, and always a majority).
        let k = config.nodes;
        let alpha = (k / 2 + 1).max((3 * k).div_ceil(4));
        config.params.k = k;
        config.params.alpha_preference = alpha;
        config.params.alpha_confidence = alpha;
        eprintln!(
            "snowrv: note: --nodes {k} is fewer than K = {}: using K = {k}, \
             AlphaPreference = AlphaConfidence = {alpha} (snowrv.setParameters changes them)",
            defaults.params.k
        );
    }
    ChainPlayground::new(config).map_err(|e| bad_flag(format!("--nodes: {e}")))
}

/// A usage error: exit status 2.
fn bad_flag(message: String) -> Failure {
    Failure { message, status: 2 }
}

/// Indents compact JSON, two spaces per level, keeping the members in their order (the reference
/// replies' field order is part of what they look like).
fn pretty(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::pretty;

    #[test]
    fn pretty_indents_and_keeps_member_order_and_strings() {
        let text = r#"{"b":[1,{}],"a":"x, {y}: \"z\"","c":[]}"#;
        let expected =
            "{\n  \"b\": [\n    1,\n    {}\n  ],\n  \"a\": \"x, {y}: \\\"z\\\"\",\n  \"c\": []\n}";
        assert_eq!(pretty(text), expected);
    }
}
