//! `snowrv rpc` end to end: the built binary answers JSON-RPC 2.0 requests against a simulated
//! Snowman network, several requests in one call share the network, and the exit status says
//! whether any response was an error (0 results, 1 a JSON-RPC error, 2 bad flags).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

use serde_json::{json, Value};
use snowrv_tests::{run_with_stdin, snowrv_binary as snowrv};

/// Runs `snowrv rpc` with `args` (and `stdin`).
fn rpc(args: &[&str], stdin: &[u8]) -> Output {
    run_with_stdin(Command::new(snowrv()).arg("rpc").args(args), stdin)
}

/// The responses printed, one JSON value per line.
fn responses(output: &Output) -> Vec<Value> {
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn request(id: u32, method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "method": method, "params": params, "id": id}).to_string()
}

#[test]
fn ping_answers_success() {
    let output = rpc(&[r#"{"jsonrpc":"2.0","method":"ping","id":1}"#], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        responses(&output),
        [json!({"jsonrpc": "2.0", "result": {"success": true}, "id": 1})]
    );
}

#[test]
fn propose_build_decide_then_get_block_shows_the_block_at_height_one() {
    let data = "ab".repeat(32);
    let output = rpc(
        &[
            &request(
                1,
                "timestampvm.proposeBlock",
                json!({"data": format!("0x{data}")}),
            ),
            &request(2, "snowrv.build", json!({"node": 0})),
            &request(3, "snowrv.step", json!({"granularity": "decided"})),
            &request(4, "timestampvm.getBlock", json!({})),
            &request(5, "timestampvm.lastAccepted", json!({})),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let responses = responses(&output);
    assert_eq!(responses.len(), 5);
    assert_eq!(responses[0]["result"], json!({"Success": true}));
    let built = &responses[1]["result"];
    assert_eq!(built["height"], 1);
    assert_eq!(responses[2]["result"]["decisions"], 20);
    let block = &responses[3]["result"];
    assert_eq!(block["id"], built["id"]);
    assert_eq!(block["height"], "1");
    assert_eq!(block["parentID"], built["parentID"]);
    // avalanchego's hex: the 32 bytes, then a 4-byte checksum.
    let shown = block["data"].as_str().unwrap();
    assert_eq!(shown.len(), 2 + 64 + 8);
    assert_eq!(&shown[..66], format!("0x{data}"));
    assert_eq!(responses[4]["result"], json!({"id": built["id"]}));
}

#[test]
fn a_request_can_come_from_stdin_and_print_pretty() {
    let output = rpc(
        &["--pretty", "-"],
        br#"{"jsonrpc":"2.0","method":"timestampvm.lastAccepted","id":"x"}"#,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("{\n  \"jsonrpc\": \"2.0\",\n  \"result\": {\n    \"id\": \""),
        "{text}"
    );
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["id"], "x");
}

#[test]
fn a_parse_error_exits_1() {
    let output = rpc(&["{not json"], b"");
    assert_eq!(output.status.code(), Some(1));
    let responses = responses(&output);
    assert_eq!(responses[0]["error"]["code"], -32700);
    assert_eq!(responses[0]["id"], Value::Null);
}

#[test]
fn an_unknown_method_exits_1() {
    let output = rpc(&[&request(9, "timestampvm.mint", json!({}))], b"");
    assert_eq!(output.status.code(), Some(1));
    let responses = responses(&output);
    assert_eq!(responses[0]["error"]["code"], -32601);
    assert_eq!(responses[0]["id"], 9);
}

#[test]
fn bad_params_exit_1_and_name_the_param() {
    let output = rpc(
        &[
            &request(1, "ping", json!({})),
            &request(2, "timestampvm.proposeBlock", json!({"data": "0x1234"})),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(1));
    let responses = responses(&output);
    assert_eq!(responses[0]["result"], json!({"success": true}));
    assert_eq!(responses[1]["error"]["code"], -32602);
    let message = responses[1]["error"]["message"].as_str().unwrap();
    assert!(message.contains("data:"), "{message}");
}

#[test]
fn seed_nodes_and_node_flags_shape_the_network() {
    let output = rpc(
        &[
            "--seed",
            "5",
            "--nodes",
            "30",
            "--node",
            "29",
            &request(1, "snowrv.getParameters", json!({})),
            &request(2, "snowrv.node", json!({})),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let shown = responses(&output);
    assert_eq!(shown[0]["result"]["seed"], 5);
    assert_eq!(shown[0]["result"]["nodes"], 30);
    assert_eq!(shown[1]["result"]["index"], 29);
    // Fewer nodes than K: K shrinks with a note.
    let output = rpc(
        &[
            "--nodes",
            "5",
            &request(1, "snowrv.getParameters", json!({})),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(responses(&output)[0]["result"]["params"]["k"], 5);
    assert!(stderr(&output).contains("note"), "{}", stderr(&output));
}

#[test]
fn bad_flags_exit_2_with_one_line() {
    for args in [
        &["--node", "20", "{}"][..],
        &["--nodes", "0", "{}"],
        &["--seed", "x", "{}"],
        &[],
    ] {
        let output = rpc(args, b"");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("snowrv: "), "{err}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_notification_prints_nothing() {
    let output = rpc(&[r#"{"jsonrpc":"2.0","method":"ping"}"#], b"");
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
}

#[test]
fn a_scenario_file_is_the_starting_network() {
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/determinism.json");
    let output = rpc(
        &[
            "--scenario",
            scenario,
            &request(1, "snowrv.status", json!({})),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let status = &responses(&output)[0]["result"];
    assert_eq!(status["nodes"], 20);
    assert!(status["blocks"].as_u64().unwrap() >= 3, "{status}");
    // A missing file is an error, not bad flags.
    let output = rpc(&["--scenario", "/no/such/file.json", "{}"], b"");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn then_run_settles_the_network_after_each_request() {
    let output = rpc(
        &[
            "--then-run",
            &request(1, "timestampvm.proposeBlock", json!({"data": "settled"})),
            &request(2, "snowrv.build", json!({})),
            &request(3, "timestampvm.getBlock", json!({})),
            &request(4, "snowrv.status", json!({})),
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let shown = responses(&output);
    assert_eq!(shown[2]["result"]["id"], shown[1]["result"]["id"]);
    assert_eq!(shown[2]["result"]["height"], "1");
    assert_eq!(shown[3]["result"]["stats"]["inFlight"], 0);
}
