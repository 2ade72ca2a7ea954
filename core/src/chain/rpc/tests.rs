//! Tests of the JSON-RPC dispatcher: the envelope rules of the JSON-RPC 2.0 specification (ids,
//! notifications, batches, every error code), every method's reply with the reference's field
//! names and encodings, and property tests that no input panics it.

use alloc::string::{String, ToString};
use alloc::{format, vec};

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::chain::id::Id;
use crate::chain::network::NetworkConfig;
use crate::chain::params::Parameters;
use crate::chain::timestampvm::Data;
use crate::playground::chain::ChainPlayground;

fn playground() -> ChainPlayground {
    ChainPlayground::new(NetworkConfig::default()).unwrap()
}

/// A small, fast network for the property tests.
fn small() -> ChainPlayground {
    let params = Parameters {
        k: 5,
        alpha_preference: 3,
        alpha_confidence: 4,
        beta: 3,
        beta_rogue: 3,
        concurrent_repolls: 2,
        optimal_processing: 10,
    };
    ChainPlayground::new(NetworkConfig {
        nodes: 5,
        params,
        ..NetworkConfig::default()
    })
    .unwrap()
}

/// Sends raw text to node 0's service; parses the response (Null when there was none).
fn send(playground: &mut ChainPlayground, text: &str) -> Value {
    let response = dispatch(playground, 0, text.as_bytes());
    if response.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(&response).unwrap()
}

/// Calls `method` with `params` (id 1); the whole response.
fn call(playground: &mut ChainPlayground, method: &str, params: Value) -> Value {
    let request = json!({"jsonrpc": "2.0", "method": method, "params": params, "id": 1});
    send(playground, &request.to_string())
}

/// Calls `method` expecting a result.
fn ok(playground: &mut ChainPlayground, method: &str, params: Value) -> Value {
    let response = call(playground, method, params.clone());
    assert_eq!(response["jsonrpc"], "2.0");
    assert_eq!(response["id"], 1);
    assert!(
        response.get("error").is_none(),
        "{method} {params}: {response}"
    );
    response["result"].clone()
}

/// Calls `method` expecting an error with `code` whose message mentions `words`.
fn fails(playground: &mut ChainPlayground, method: &str, params: Value, code: i64, words: &str) {
    let response = call(playground, method, params.clone());
    assert!(
        response.get("result").is_none(),
        "{method} {params}: {response}"
    );
    assert_eq!(
        response["error"]["code"], code,
        "{method} {params}: {response}"
    );
    let message = response["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(words),
        "{method} {params}: {message:?} should mention {words:?}"
    );
    assert_eq!(response["id"], 1);
}

fn hex32(byte: u8) -> String {
    format!("0x{}", format!("{byte:02x}").repeat(32))
}

fn genesis(playground: &ChainPlayground) -> String {
    playground.network().genesis().to_cb58()
}

// ----- the envelope -----

#[test]
fn ids_are_echoed_as_given() {
    let mut playground = playground();
    for id in [
        json!(7),
        json!(-3),
        json!("seven"),
        json!(null),
        json!(1.5),
        json!(""),
    ] {
        let request = json!({"jsonrpc": "2.0", "method": "ping", "id": id});
        let response = send(&mut playground, &request.to_string());
        assert_eq!(
            response,
            json!({"jsonrpc": "2.0", "result": {"success": true}, "id": id})
        );
    }
}

#[test]
fn responses_are_compact_with_members_in_the_specs_order() {
    let mut playground = playground();
    let response = dispatch(
        &mut playground,
        0,
        br#"{"jsonrpc":"2.0","method":"nope","id":"a"}"#,
    );
    let text = String::from_utf8(response).unwrap();
    assert!(
        text.starts_with(r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"#),
        "{text}"
    );
    assert!(text.ends_with(r#","id":"a"}"#), "{text}");
}

#[test]
fn a_notification_runs_and_gets_no_response() {
    let mut playground = playground();
    let request =
        json!({"jsonrpc": "2.0", "method": "snowrv.propose", "params": {"data": "quiet"}});
    assert!(dispatch(&mut playground, 0, request.to_string().as_bytes()).is_empty());
    assert_eq!(playground.network().node(0).unwrap().mempool.len(), 1);
    // Even a failing notification is silent.
    let request = json!({"jsonrpc": "2.0", "method": "no.such.method"});
    assert!(dispatch(&mut playground, 0, request.to_string().as_bytes()).is_empty());
}

#[test]
fn a_batch_answers_each_request_in_order_and_skips_notifications() {
    let mut playground = playground();
    let batch = json!([
        {"jsonrpc": "2.0", "method": "ping", "id": 1},
        {"jsonrpc": "2.0", "method": "snowrv.propose", "params": {"data": "n"}},
        {"jsonrpc": "2.0", "method": "nope", "id": 2},
        42,
        {"jsonrpc": "2.0", "method": "timestampvm.lastAccepted", "id": "three"}
    ]);
    let (bytes, summary) = dispatch_with_summary(&mut playground, 0, batch.to_string().as_bytes());
    let responses: Value = serde_json::from_slice(&bytes).unwrap();
    let responses = responses.as_array().unwrap();
    assert_eq!(responses.len(), 4);
    assert_eq!(responses[0]["result"], json!({"success": true}));
    assert_eq!(responses[1]["error"]["code"], METHOD_NOT_FOUND);
    assert_eq!(responses[1]["id"], 2);
    assert_eq!(responses[2]["error"]["code"], INVALID_REQUEST);
    assert_eq!(responses[2]["id"], Value::Null);
    assert_eq!(responses[3]["id"], "three");
    assert_eq!(
        summary,
        Summary {
            results: 2,
            errors: 2
        }
    );
    // The notification in the batch ran.
    assert_eq!(playground.network().node(0).unwrap().mempool.len(), 1);
}

#[test]
fn a_batch_of_notifications_gets_no_response_and_an_empty_batch_is_invalid() {
    let mut playground = playground();
    let batch = r#"[{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","method":"ping"}]"#;
    assert!(dispatch(&mut playground, 0, batch.as_bytes()).is_empty());
    let response = send(&mut playground, "[]");
    assert_eq!(response["error"]["code"], INVALID_REQUEST);
    assert_eq!(response["id"], Value::Null);
    // `[1,2]`: one invalid-request response per member.
    let response = send(&mut playground, "[1,2]");
    assert_eq!(response.as_array().unwrap().len(), 2);
    assert_eq!(response[1]["error"]["code"], INVALID_REQUEST);
}

#[test]
fn bytes_that_are_not_json_are_a_parse_error() {
    let mut playground = playground();
    for bad in [
        &b"{"[..],
        b"",
        b"\xff\xfe",
        b"{\"jsonrpc\": \"2.0\", \"method\": \"ping\", \"id\": 1",
        b"[1,",
    ] {
        let (response, summary) = dispatch_with_summary(&mut playground, 0, bad);
        let response: Value = serde_json::from_slice(&response).unwrap();
        assert_eq!(response["error"]["code"], PARSE_ERROR, "{bad:?}");
        assert!(response["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Parse error"));
        assert_eq!(response["id"], Value::Null);
        assert_eq!(
            summary,
            Summary {
                results: 0,
                errors: 1
            }
        );
    }
}

#[test]
fn malformed_request_objects_are_invalid_requests() {
    let mut playground = playground();
    let cases = [
        (
            r#"{"jsonrpc":"1.0","method":"ping","id":1}"#,
            json!(1),
            "jsonrpc",
        ),
        (r#"{"method":"ping","id":1}"#, json!(1), "jsonrpc"),
        (r#"{"jsonrpc":"2.0","method":5,"id":1}"#, json!(1), "method"),
        (r#"{"jsonrpc":"2.0","id":1}"#, json!(1), "method"),
        (
            r#"{"jsonrpc":"2.0","method":"ping","params":"x","id":1}"#,
            json!(1),
            "params",
        ),
        (
            r#"{"jsonrpc":"2.0","method":"ping","params":null,"id":1}"#,
            json!(1),
            "params",
        ),
        (
            r#"{"jsonrpc":"2.0","method":"ping","id":{"a":1}}"#,
            Value::Null,
            "id",
        ),
        (
            r#"{"jsonrpc":"2.0","method":"ping","id":[1]}"#,
            Value::Null,
            "id",
        ),
        (r#""ping""#, Value::Null, "object"),
        (r#"{"jsonrpc":"2.0","method":1}"#, Value::Null, "method"),
    ];
    for (request, id, words) in cases {
        let response = send(&mut playground, request);
        assert_eq!(response["error"]["code"], INVALID_REQUEST, "{request}");
        assert_eq!(response["id"], id, "{request}");
        let message = response["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{request}: {message}");
    }
}

#[test]
fn an_unknown_method_is_method_not_found() {
    let mut playground = playground();
    fails(
        &mut playground,
        "timestampvm.mint",
        json!({}),
        METHOD_NOT_FOUND,
        "timestampvm.mint",
    );
    fails(
        &mut playground,
        "",
        json!([]),
        METHOD_NOT_FOUND,
        "Method not found",
    );
}

#[test]
fn params_by_position_and_in_a_one_object_array_work_too() {
    let mut playground = playground();
    let genesis = genesis(&playground);
    let by_position = ok(&mut playground, "timestampvm.getBlock", json!([genesis]));
    let wrapped = ok(
        &mut playground,
        "timestampvm.getBlock",
        json!([{"id": genesis}]),
    );
    let by_name = ok(
        &mut playground,
        "timestampvm.getBlock",
        json!({"id": genesis}),
    );
    assert_eq!(by_position, by_name);
    assert_eq!(wrapped, by_name);
}

#[test]
fn unknown_extra_and_mistyped_params_are_invalid_params_that_name_the_param() {
    let mut playground = playground();
    fails(
        &mut playground,
        "ping",
        json!({"x": 1}),
        INVALID_PARAMS,
        "x: unknown",
    );
    fails(
        &mut playground,
        "timestampvm.getBlock",
        json!(["a", "b"]),
        INVALID_PARAMS,
        "2 given by position",
    );
    fails(
        &mut playground,
        "timestampvm.getBlock",
        json!({"id": 5}),
        INVALID_PARAMS,
        "id: expected a string",
    );
    fails(
        &mut playground,
        "snowrv.node",
        json!({"node": "one"}),
        INVALID_PARAMS,
        "node: expected a whole number",
    );
    fails(
        &mut playground,
        "snowrv.node",
        json!({"node": -1}),
        INVALID_PARAMS,
        "node: expected a whole number",
    );
    fails(
        &mut playground,
        "snowrv.node",
        json!({"node": 20}),
        INVALID_PARAMS,
        "node: there is no node 20",
    );
    fails(
        &mut playground,
        "snowrv.setParameters",
        json!([1, 2]),
        INVALID_PARAMS,
        "params",
    );
}

// ----- timestampvm.* -----

#[test]
fn ping_answers_success_under_both_names() {
    let mut playground = playground();
    assert_eq!(
        ok(&mut playground, "ping", json!({})),
        json!({"success": true})
    );
    assert_eq!(
        ok(&mut playground, "timestampvm.ping", json!([])),
        json!({"success": true})
    );
}

#[test]
fn propose_block_takes_the_references_checksummed_hex() {
    let mut playground = playground();
    let data = [0x11u8; 32];
    let reply = ok(
        &mut playground,
        "timestampvm.proposeBlock",
        json!({"data": encode_hex_with_checksum(&data)}),
    );
    assert_eq!(reply, json!({"Success": true}));
    assert_eq!(playground.network().node(0).unwrap().mempool, [data]);
}

#[test]
fn propose_block_takes_plain_hex_and_text_too() {
    let mut playground = playground();
    ok(
        &mut playground,
        "timestampvm.proposeBlock",
        json!({"data": hex32(0x22)}),
    );
    ok(
        &mut playground,
        "proposeBlock",
        json!({"data": "33".repeat(32)}),
    );
    ok(
        &mut playground,
        "timestampvm.proposeBlock",
        json!(["hello"]),
    );
    let mempool = playground.network().node(0).unwrap().mempool;
    assert_eq!(
        mempool,
        [
            [0x22; 32],
            [0x33; 32],
            Data::from_text_or_hex("hello").unwrap().0
        ]
    );
}

#[test]
fn propose_block_refuses_bad_data_naming_the_param() {
    let mut playground = playground();
    let mut broken = encode_hex_with_checksum(&[0x11; 32]);
    broken.replace_range(2..4, "12");
    let cases = [
        (json!({"data": broken}), "checksum"),
        (
            json!({"data": "0x1234"}),
            "data must be hex representation of 32 bytes",
        ),
        (json!({"data": format!("0x{}", "zz".repeat(32))}), "not hex"),
        (json!({"data": "x".repeat(33)}), "33 bytes"),
        (json!({"data": ""}), "empty"),
        (json!({"data": 5}), "expected a string"),
        (json!({}), "data: missing"),
        (json!({"data": null}), "data: missing"),
    ];
    for (params, words) in cases {
        fails(
            &mut playground,
            "timestampvm.proposeBlock",
            params,
            INVALID_PARAMS,
            words,
        );
    }
    // 0x + 72 digits that are 36 bytes with a right checksum of 36 bytes is still not 32 bytes.
    let long = encode_hex_with_checksum(&[1; 33]);
    fails(
        &mut playground,
        "timestampvm.proposeBlock",
        json!({"data": long}),
        INVALID_PARAMS,
        "33 bytes",
    );
    assert!(playground.network().node(0).unwrap().mempool.is_empty());
}

#[test]
fn propose_block_answers_success_false_when_the_mempool_refuses() {
    let mut playground = playground();
    ok(
        &mut playground,
        "timestampvm.proposeBlock",
        json!({"data": "same"}),
    );
    let reply = ok(
        &mut playground,
        "timestampvm.proposeBlock",
        json!({"data": "same"}),
    );
    assert_eq!(reply["Success"], false);
    assert!(
        reply["reason"]
            .as_str()
            .unwrap()
            .contains("already pending"),
        "{reply}"
    );
}

#[test]
fn a_crashed_or_missing_node_serves_nothing() {
    let mut playground = playground();
    ok(&mut playground, "snowrv.crash", json!({"node": 0}));
    fails(
        &mut playground,
        "timestampvm.lastAccepted",
        json!({}),
        REFUSED,
        "node 0 is crashed",
    );
    fails(
        &mut playground,
        "timestampvm.proposeBlock",
        json!({"data": "a"}),
        REFUSED,
        "crashed",
    );
    fails(
        &mut playground,
        "timestampvm.getBlock",
        json!({}),
        REFUSED,
        "crashed",
    );
    let response = dispatch(
        &mut playground,
        99,
        br#"{"jsonrpc":"2.0","method":"getBlock","id":1}"#,
    );
    let response: Value = serde_json::from_slice(&response).unwrap();
    assert_eq!(response["error"]["code"], REFUSED);
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no node 99"));
}

#[test]
fn get_block_without_an_id_is_the_last_accepted_block_in_the_references_encoding() {
    let mut playground = playground();
    let reply = ok(&mut playground, "timestampvm.getBlock", json!({}));
    let genesis_data = Data::from_bytes(b"SnowRV genesis").unwrap();
    assert_eq!(
        reply,
        json!({
            "timestamp": "0",
            "data": encode_hex_with_checksum(&genesis_data.0),
            "height": "0",
            "id": genesis(&playground),
            "parentID": "11111111111111111111111111111111LpoYY",
        })
    );
    // The keys come in Go's field order.
    let text = String::from_utf8(dispatch(
        &mut playground,
        0,
        br#"{"jsonrpc":"2.0","method":"getBlock","id":1}"#,
    ))
    .unwrap();
    assert!(text.contains(r#"{"timestamp":"0","data":"0x"#), "{text}");
    assert_eq!(
        ok(&mut playground, "timestampvm.getBlock", json!({"id": ""})),
        reply
    );
    assert_eq!(
        ok(&mut playground, "timestampvm.getBlock", json!({"id": null})),
        reply
    );
}

#[test]
fn get_block_refuses_unknown_and_malformed_ids() {
    let mut playground = playground();
    let unknown = Id::digest(b"no such block").to_cb58();
    fails(
        &mut playground,
        "timestampvm.getBlock",
        json!({"id": unknown}),
        REFUSED,
        "couldn't get block",
    );
    fails(
        &mut playground,
        "timestampvm.getBlock",
        json!({"id": "not-an-id"}),
        INVALID_PARAMS,
        "id:",
    );
    let mut typo = genesis(&playground);
    typo.pop();
    fails(
        &mut playground,
        "timestampvm.getBlock",
        json!({"id": typo}),
        INVALID_PARAMS,
        "id:",
    );
}

#[test]
fn propose_build_decide_then_get_block_shows_the_block_at_height_one() {
    let mut playground = playground();
    let data = [0xabu8; 32];
    ok(
        &mut playground,
        "timestampvm.proposeBlock",
        json!({"data": encode_hex_with_checksum(&data)}),
    );
    let built = ok(&mut playground, "snowrv.build", json!({}));
    assert_eq!(built["height"], 1);
    assert_eq!(built["parentID"], genesis(&playground));
    let stepped = ok(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "decided"}),
    );
    assert_eq!(stepped["outcome"], "progress");
    assert_eq!(stepped["block"], built["id"]);
    assert!(stepped["delivered"].as_u64().unwrap() > 0);

    let block = ok(&mut playground, "timestampvm.getBlock", json!({}));
    assert_eq!(block["id"], built["id"]);
    assert_eq!(block["height"], "1");
    assert_eq!(block["parentID"], genesis(&playground));
    assert_eq!(block["data"], encode_hex_with_checksum(&data));
    let seconds: u64 = block["timestamp"].as_str().unwrap().parse().unwrap();
    assert_eq!(seconds, 0, "built at virtual time 0 ms");
    assert_eq!(
        ok(&mut playground, "timestampvm.lastAccepted", json!({})),
        json!({"id": built["id"]})
    );
    assert_eq!(
        ok(&mut playground, "lastAccepted", json!([])),
        json!({"id": built["id"]})
    );
    // Every honest node serves the same block.
    let response = dispatch(
        &mut playground,
        19,
        br#"{"jsonrpc":"2.0","method":"timestampvm.getBlock","id":1}"#,
    );
    let response: Value = serde_json::from_slice(&response).unwrap();
    assert_eq!(response["result"], block);
}

#[test]
fn last_accepted_is_genesis_at_first() {
    let mut playground = playground();
    let genesis = genesis(&playground);
    assert_eq!(
        ok(&mut playground, "timestampvm.lastAccepted", json!({})),
        json!({"id": genesis})
    );
}

// ----- snowrv.* -----

#[test]
fn methods_lists_every_method() {
    let mut playground = playground();
    let methods = ok(&mut playground, "snowrv.methods", json!({}));
    assert_eq!(methods.as_array().unwrap().len(), METHODS.len());
    // Every listed method exists (none answers "method not found").
    for method in METHODS {
        let response = call(&mut playground, method, json!({}));
        assert_ne!(response["error"]["code"], METHOD_NOT_FOUND, "{method}");
    }
}

#[test]
fn status_reports_time_nodes_and_counters() {
    let mut playground = playground();
    let status = ok(&mut playground, "snowrv.status", json!({}));
    assert_eq!(status["now"], 0);
    assert_eq!(status["nodes"], 20);
    assert_eq!(status["honest"], 20);
    assert_eq!(status["crashed"], json!([]));
    assert_eq!(status["newestProcessing"], Value::Null);
    assert_eq!(status["stats"]["sent"], 0);
    ok(&mut playground, "snowrv.propose", json!({"data": "a"}));
    let built = ok(&mut playground, "snowrv.build", json!({}));
    let status = ok(&mut playground, "snowrv.status", json!({}));
    assert_eq!(status["newestProcessing"], built["id"]);
    assert_eq!(status["lastBuilt"], built["id"]);
    assert!(status["stats"]["sent"].as_u64().unwrap() > 0);
    assert_eq!(
        status["transcriptHash"],
        ok(&mut playground, "snowrv.transcriptHash", json!({}))["hash"]
    );
}

#[test]
fn node_shows_preference_mempool_polls_and_trees() {
    let mut playground = playground();
    ok(
        &mut playground,
        "snowrv.propose",
        json!({"data": "a", "node": 2}),
    );
    let node = ok(&mut playground, "snowrv.node", json!({"node": 2}));
    assert_eq!(node["index"], 2);
    assert_eq!(node["honest"], true);
    assert_eq!(node["crashed"], false);
    assert_eq!(node["preference"], genesis(&playground));
    assert_eq!(node["lastAccepted"], genesis(&playground));
    assert_eq!(node["lastAcceptedHeight"], 0);
    let mut entry = [0u8; 32];
    entry[0] = b'a';
    assert_eq!(
        node["mempool"],
        json!([format!("0x{}", hex::encode(entry))])
    );
    let built = ok(&mut playground, "snowrv.build", json!({"node": 2}));
    let node = ok(&mut playground, "snowrv.node", json!({"node": 2}));
    assert_eq!(node["preference"], built["id"]);
    assert_eq!(node["processing"], 1);
    // The push query and the repolls up to ConcurrentRepolls (4).
    assert_eq!(node["polls"].as_array().unwrap().len(), 4);
    assert_eq!(node["polls"][0]["block"], built["id"]);
    assert_eq!(node["trees"][0]["parent"], genesis(&playground));
    // Without a node: the serving node (0).
    assert_eq!(ok(&mut playground, "snowrv.node", json!({}))["index"], 0);
}

#[test]
fn nodes_lists_each_nodes_preference_and_last_accepted() {
    let mut playground = playground();
    ok(&mut playground, "snowrv.crash", json!({"node": 5}));
    let nodes = ok(&mut playground, "snowrv.nodes", json!({}));
    let nodes = nodes.as_array().unwrap();
    assert_eq!(nodes.len(), 20);
    assert_eq!(nodes[5]["crashed"], true);
    assert_eq!(nodes[4]["crashed"], false);
    assert_eq!(nodes[19]["index"], 19);
    assert!(nodes
        .iter()
        .all(|node| node["lastAccepted"] == genesis(&playground)));
}

#[test]
fn blocks_lists_every_block_with_bytes_and_counts() {
    let mut playground = playground();
    ok(&mut playground, "snowrv.propose", json!({"data": "a"}));
    let built = ok(&mut playground, "snowrv.build", json!({}));
    let blocks = ok(&mut playground, "snowrv.blocks", json!({}));
    let blocks = blocks.as_array().unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0]["id"], genesis(&playground));
    assert_eq!(blocks[0]["status"], "Accepted");
    assert_eq!(blocks[0]["acceptedBy"], 20);
    assert_eq!(blocks[1]["id"], built["id"]);
    assert_eq!(blocks[1]["status"], "Processing");
    assert_eq!(blocks[1]["builder"], 0);
    assert_eq!(blocks[1]["height"], 1);
    // 82 bytes: 0x + 164 hex digits.
    assert_eq!(blocks[1]["bytes"].as_str().unwrap().len(), 2 + 164);
}

#[test]
fn get_parameters_returns_the_config_in_camel_case() {
    let mut playground = playground();
    let config = ok(&mut playground, "snowrv.getParameters", json!({}));
    assert_eq!(config["nodes"], 20);
    assert_eq!(config["params"]["alphaPreference"], 15);
    assert_eq!(config["latencyMaxMs"], 100);
    let parsed: NetworkConfig = serde_json::from_value(config).unwrap();
    assert_eq!(&parsed, playground.config());
}

#[test]
fn set_parameters_merges_a_partial_config_and_makes_a_new_network() {
    let mut playground = playground();
    ok(&mut playground, "snowrv.propose", json!({"data": "a"}));
    let config = ok(
        &mut playground,
        "snowrv.setParameters",
        json!({"nodes": 30, "seed": 9, "params": {"k": 10, "alphaPreference": 6, "alphaConfidence": 7}}),
    );
    assert_eq!(config["nodes"], 30);
    assert_eq!(config["params"]["k"], 10);
    assert_eq!(config["params"]["beta"], 20, "unnamed parameters are kept");
    assert_eq!(playground.network().node_count(), 30);
    assert_eq!(playground.config().seed, 9);
    assert!(
        playground.network().node(0).unwrap().mempool.is_empty(),
        "a new network"
    );
    // A full config (what getParameters returns) is accepted as is.
    let full = ok(&mut playground, "snowrv.getParameters", json!({}));
    assert_eq!(
        ok(&mut playground, "snowrv.setParameters", full.clone()),
        full
    );
    assert_eq!(
        ok(
            &mut playground,
            "snowrv.setParameters",
            json!([full.clone()])
        ),
        full
    );
}

#[test]
fn set_parameters_refuses_bad_fields_by_name_and_changes_nothing() {
    let mut playground = playground();
    ok(&mut playground, "snowrv.propose", json!({"data": "a"}));
    let before = playground.network().transcript_hash();
    let cases = [
        (json!({"nodez": 3}), "nodez: unknown field"),
        (json!({"params": {"kk": 3}}), "params.kk: unknown field"),
        (json!({"nodes": "many"}), "nodes: invalid type"),
        (json!({"params": {"beta": -1}}), "params.beta: invalid"),
        (json!({"params": 3}), "params: invalid type"),
        (json!({"nodes": 0}), "nodes: 0 nodes"),
        (
            json!({"params": {"alphaPreference": 5}}),
            "params.alphaPreference: AlphaPreference = 5",
        ),
        (json!({"params": {"beta": 2}}), "params.concurrentRepolls"),
        (json!({"nodes": 10}), "params.k: K = 20"),
        (json!({"latencyMinMs": 500}), "latencyMinMs"),
        (
            json!({"byzantineBehavior": "evil"}),
            "byzantineBehavior: unknown variant",
        ),
    ];
    for (params, words) in cases {
        fails(
            &mut playground,
            "snowrv.setParameters",
            params,
            INVALID_PARAMS,
            words,
        );
    }
    assert_eq!(playground.config(), &NetworkConfig::default());
    assert_eq!(playground.network().transcript_hash(), before);
    assert_eq!(playground.network().node(0).unwrap().mempool.len(), 1);
}

#[test]
fn propose_takes_text_or_hex_on_any_node_and_returns_the_entry_id() {
    let mut playground = playground();
    let reply = ok(
        &mut playground,
        "snowrv.propose",
        json!({"data": "hi", "node": 4}),
    );
    let data = Data::from_text_or_hex("hi").unwrap();
    assert_eq!(reply["node"], 4);
    assert_eq!(reply["id"], Id::digest(&data.0).to_cb58());
    assert_eq!(reply["data"], format!("0x{}", data.to_hex()));
    assert_eq!(playground.network().node(4).unwrap().mempool, [data.0]);
    fails(
        &mut playground,
        "snowrv.propose",
        json!({"data": "hi", "node": 4}),
        REFUSED,
        "already pending",
    );
    fails(
        &mut playground,
        "snowrv.propose",
        json!({"node": 4}),
        INVALID_PARAMS,
        "data: missing",
    );
}

#[test]
fn build_and_build_conflicting_make_siblings() {
    let mut playground = playground();
    fails(
        &mut playground,
        "snowrv.build",
        json!({}),
        REFUSED,
        "mempool is empty",
    );
    ok(&mut playground, "snowrv.propose", json!({"data": "a"}));
    let first = ok(&mut playground, "snowrv.build", json!({"node": 0}));
    ok(
        &mut playground,
        "snowrv.propose",
        json!({"data": "b", "node": 1}),
    );
    let second = ok(
        &mut playground,
        "snowrv.buildConflicting",
        json!({"node": 1}),
    );
    assert_eq!(second["node"], 1);
    assert_ne!(first["id"], second["id"]);
    assert_eq!(first["parentID"], second["parentID"]);
    assert_eq!(second["height"], 1);
    fails(
        &mut playground,
        "snowrv.buildConflicting",
        json!({"node": 1}),
        REFUSED,
        "",
    );
}

#[test]
fn step_covers_every_granularity() {
    let mut playground = playground();
    let quiet = ok(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "message"}),
    );
    assert_eq!(quiet["outcome"], "quiet");
    ok(&mut playground, "snowrv.propose", json!({"data": "a"}));
    let built = ok(&mut playground, "snowrv.build", json!({}));
    let one = ok(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "message"}),
    );
    assert_eq!(one["outcome"], "progress");
    assert_eq!(
        one["delivered"].as_u64().unwrap() + one["dropped"].as_u64().unwrap(),
        1
    );
    let run = ok(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "run", "messages": 5}),
    );
    assert_eq!(run["delivered"], 5);
    let poll = ok(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "poll", "node": 0}),
    );
    assert_eq!(poll["polls"], 1);
    let round = ok(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "round"}),
    );
    assert!(round["polls"].as_u64().unwrap() >= 1);
    let decided = ok(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "decided", "block": built["id"]}),
    );
    assert_eq!(decided["block"], built["id"]);
    assert_eq!(decided["decisions"], 20);
    let quiet = ok(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "quiet"}),
    );
    assert_eq!(quiet["stats"]["inFlight"], 0);
}

#[test]
fn step_refuses_bad_granularities_and_misplaced_params() {
    let mut playground = playground();
    let genesis = genesis(&playground);
    fails(
        &mut playground,
        "snowrv.step",
        json!({}),
        INVALID_PARAMS,
        "granularity: missing",
    );
    fails(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "tick"}),
        INVALID_PARAMS,
        "\"tick\" is not one of",
    );
    fails(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "round", "node": 1}),
        INVALID_PARAMS,
        "node: only goes with granularity \"poll\"",
    );
    fails(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "poll", "block": genesis}),
        INVALID_PARAMS,
        "block: only goes",
    );
    fails(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "message", "messages": 3}),
        INVALID_PARAMS,
        "messages: only goes",
    );
    fails(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "run"}),
        INVALID_PARAMS,
        "messages: missing",
    );
    fails(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "decided"}),
        REFUSED,
        "nothing is processing: build a block first",
    );
    let unknown = Id::digest(b"x").to_cb58();
    fails(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "decided", "block": unknown}),
        REFUSED,
        "unknown to every node",
    );
}

#[test]
fn decisions_and_last_poll_show_what_happened() {
    let mut playground = playground();
    assert_eq!(
        ok(&mut playground, "snowrv.lastPoll", json!({})),
        Value::Null
    );
    assert_eq!(
        ok(&mut playground, "snowrv.decisions", json!({})),
        json!([])
    );
    ok(&mut playground, "snowrv.propose", json!({"data": "a"}));
    let built = ok(&mut playground, "snowrv.build", json!({}));
    ok(
        &mut playground,
        "snowrv.step",
        json!({"granularity": "decided"}),
    );
    let decisions = ok(&mut playground, "snowrv.decisions", json!({}));
    let decisions = decisions.as_array().unwrap();
    assert_eq!(decisions.len(), 20);
    assert!(decisions
        .iter()
        .all(|d| d["block"] == built["id"] && d["status"] == "Accepted" && d["height"] == 1));
    let on_three = ok(&mut playground, "snowrv.decisions", json!({"node": 3}));
    assert_eq!(on_three.as_array().unwrap().len(), 1);
    assert_eq!(on_three[0]["node"], 3);
    let last_two = ok(&mut playground, "snowrv.decisions", json!({"limit": 2}));
    assert_eq!(last_two.as_array().unwrap(), &decisions[18..]);

    let poll = ok(&mut playground, "snowrv.lastPoll", json!({"node": 0}));
    assert_eq!(poll["node"], 0);
    assert_eq!(poll["alphaPreference"], 15);
    assert_eq!(poll["voters"].as_array().unwrap().len(), 20);
    let any = ok(&mut playground, "snowrv.lastPoll", json!({}));
    assert!(any["bag"].is_array());
}

#[test]
fn transcript_hash_is_deterministic() {
    let run = || {
        let mut playground = playground();
        ok(&mut playground, "snowrv.propose", json!({"data": "a"}));
        ok(&mut playground, "snowrv.build", json!({}));
        ok(
            &mut playground,
            "snowrv.step",
            json!({"granularity": "decided"}),
        );
        ok(&mut playground, "snowrv.transcriptHash", json!({}))["hash"].clone()
    };
    let first = run();
    assert_ne!(first, json!(Id::EMPTY.to_cb58()));
    assert_eq!(first, run());
}

#[test]
fn crash_restart_and_partition() {
    let mut playground = playground();
    assert_eq!(
        ok(&mut playground, "snowrv.crash", json!({"node": 3})),
        json!({"node": 3, "crashed": true})
    );
    fails(
        &mut playground,
        "snowrv.crash",
        json!({"node": 3}),
        REFUSED,
        "crashed",
    );
    fails(
        &mut playground,
        "snowrv.crash",
        json!({}),
        INVALID_PARAMS,
        "node: missing",
    );
    assert_eq!(
        ok(&mut playground, "snowrv.restart", json!([3])),
        json!({"node": 3, "crashed": false})
    );
    fails(
        &mut playground,
        "snowrv.restart",
        json!({"node": 3}),
        REFUSED,
        "not crashed",
    );
    assert_eq!(
        ok(&mut playground, "snowrv.partition", json!({"split": 10})),
        json!({"split": 10})
    );
    assert_eq!(playground.network().partition_split(), Some(10));
    assert_eq!(
        ok(&mut playground, "snowrv.partition", json!({"split": null})),
        json!({"split": null})
    );
    ok(&mut playground, "snowrv.partition", json!({"split": 4}));
    assert_eq!(
        ok(&mut playground, "snowrv.partition", json!({})),
        json!({"split": null})
    );
    fails(
        &mut playground,
        "snowrv.partition",
        json!({"split": 0}),
        REFUSED,
        "one side empty",
    );
    fails(
        &mut playground,
        "snowrv.partition",
        json!({"split": 5_000_000_000u64}),
        INVALID_PARAMS,
        "split",
    );
}

// ----- nothing panics -----

/// Any JSON value, with numbers and strings drawn from ones that mean something to the methods.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..40).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "",
            "a",
            "0x",
            "0x00",
            "message",
            "poll",
            "round",
            "decided",
            "quiet",
            "run",
            "11111111111111111111111111111111LpoYY",
            "fixed-vote",
            "silent",
            "2.0",
        ])
        .prop_map(Value::from),
        "[a-z0-9x]{0,70}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let keys = prop::sample::select(vec![
            "data",
            "id",
            "node",
            "split",
            "granularity",
            "block",
            "messages",
            "limit",
            "nodes",
            "params",
            "k",
            "beta",
            "seed",
            "x",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..4).prop_map(|map| {
                Value::Object(map.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

/// A request-shaped value: mostly well-formed envelopes around any method and any params.
fn any_request() -> impl Strategy<Value = Value> {
    let method = prop_oneof![
        prop::sample::select(METHODS.to_vec()).prop_map(Value::from),
        any_json(),
    ];
    (method, any_json(), any_json(), 0u8..8).prop_map(|(method, params, id, shape)| {
        let mut request = json!({"jsonrpc": "2.0", "method": method});
        if shape & 1 == 0 {
            request["params"] = params;
        }
        if shape & 2 == 0 {
            request["id"] = id;
        }
        if shape == 7 {
            request["jsonrpc"] = Value::from("1.0");
        }
        request
    })
}

/// Every response is JSON with the spec's members, or nothing for notifications.
fn check_response(bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let response: Value = serde_json::from_slice(bytes).unwrap();
    let responses = match response {
        Value::Array(all) => all,
        one => vec![one],
    };
    for response in responses {
        assert_eq!(response["jsonrpc"], "2.0");
        assert!(response.get("id").is_some());
        assert!(
            response.get("result").is_some() != response.get("error").is_some(),
            "{response}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200), node in 0u32..8) {
        let mut playground = small();
        check_response(&dispatch(&mut playground, node, &bytes));
    }

    #[test]
    fn arbitrary_json_never_panics(value in any_json()) {
        let mut playground = small();
        check_response(&dispatch(&mut playground, 0, value.to_string().as_bytes()));
    }

    #[test]
    fn arbitrary_requests_never_panic(requests in prop::collection::vec(any_request(), 1..6), node in 0u32..7) {
        let mut playground = small();
        // One at a time, then all again as a batch on the changed network.
        for request in &requests {
            check_response(&dispatch(&mut playground, node, request.to_string().as_bytes()));
        }
        let batch = Value::Array(requests);
        check_response(&dispatch(&mut playground, node, batch.to_string().as_bytes()));
    }
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let mut playground = small();
    let deep = "[".repeat(100_000);
    let response = send(&mut playground, &deep);
    assert_eq!(response["error"]["code"], PARSE_ERROR);
}
