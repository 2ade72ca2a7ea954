//! Browser tests of the chain page: mount the app into a `<div>`, open the Chain tab, click like a
//! user, read the DOM; call `window.snowrv` like a script would.
//!
//! Run with
//! `wasm-pack test --headless --chrome --mode no-install --chromedriver /usr/bin/chromedriver web --test chain`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh `<div>` in the page with the playground mounted in it, on the Chain tab.
async fn mount_chain() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    // Keep the app mounted for the whole test: the handle is leaked on purpose.
    std::mem::forget(snowrv_web::mount(root.clone()));
    settle().await;
    click(&root, "tab-chain");
    settle().await;
    root
}

/// Lets Yew render what the last dispatches changed.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

/// Waits (up to `seconds`) until `done` holds, letting the page run meanwhile.
async fn wait_until(seconds: u64, what: &str, done: impl Fn() -> bool) {
    for _ in 0..seconds * 50 {
        if done() {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out after {seconds} s waiting for {what}");
}

fn find(root: &Element, id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid='{id}']"))
        .unwrap()
}

fn by_testid(root: &Element, id: &str) -> Element {
    find(root, id).unwrap_or_else(|| panic!("no element with data-testid={id}"))
}

fn text(root: &Element, id: &str) -> String {
    by_testid(root, id)
        .text_content()
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn attr(root: &Element, id: &str, name: &str) -> Option<String> {
    find(root, id).and_then(|e| e.get_attribute(name))
}

fn click(root: &Element, id: &str) {
    by_testid(root, id)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

/// Types `value` into an input (sets it and fires `input`, as typing does).
fn type_into(root: &Element, id: &str, value: &str) {
    let input: HtmlInputElement = by_testid(root, id).dyn_into().unwrap();
    input.set_value(value);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

/// Every block element in the tree: (CB58, status, height).
fn blocks(root: &Element) -> Vec<(String, String, u64)> {
    let list = root
        .query_selector_all("[data-testid^='block-'][data-status]")
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .map(|e| {
            (
                e.get_attribute("data-id").unwrap_or_default(),
                e.get_attribute("data-status").unwrap_or_default(),
                e.get_attribute("data-height")
                    .and_then(|h| h.parse().ok())
                    .unwrap_or(0),
            )
        })
        .collect()
}

/// Every node cell: (index, preference, last accepted).
fn cells(root: &Element) -> Vec<(u32, String, String)> {
    let list = root
        .query_selector_all("[data-testid^='node-'][data-index]")
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .map(|e| {
            (
                e.get_attribute("data-index")
                    .and_then(|i| i.parse().ok())
                    .unwrap_or(u32::MAX),
                e.get_attribute("data-preference").unwrap_or_default(),
                e.get_attribute("data-last-accepted").unwrap_or_default(),
            )
        })
        .collect()
}

/// `window.snowrv.<name>(...args)` as a JavaScript value.
fn snowrv_call(name: &str, args: &[JsValue]) -> JsValue {
    let window = web_sys::window().unwrap();
    let snowrv = Reflect::get(&window, &JsValue::from_str("snowrv")).unwrap();
    assert!(snowrv.is_object(), "window.snowrv is installed");
    let function: Function = Reflect::get(&snowrv, &JsValue::from_str(name))
        .unwrap()
        .dyn_into()
        .unwrap();
    let array: js_sys::Array = args.iter().collect();
    function.apply(&snowrv, &array).unwrap()
}

/// `window.snowrv.rpc(request)`, parsed.
fn rpc(request: &str) -> JsValue {
    let response = snowrv_call("rpc", &[JsValue::from_str(request)])
        .as_string()
        .expect("rpc returns a string");
    js_sys::JSON::parse(&response).unwrap_or_else(|_| panic!("not JSON: {response}"))
}

fn field(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |v, key| {
        Reflect::get(&v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    })
}

/// Proposes `data` on the selected node, builds, and returns the new block's CB58.
async fn propose_and_build(root: &Element, data: &str) -> String {
    type_into(root, "chain-propose-data", data);
    click(root, "chain-propose");
    settle().await;
    assert_eq!(attr(root, "mempool", "data-count").as_deref(), Some("1"));
    let entry = text(root, "mempool-entry");
    assert!(
        entry.contains(&format!("\"{data}\"")),
        "mempool entry {entry}"
    );
    let before: Vec<String> = blocks(root).into_iter().map(|b| b.0).collect();
    click(root, "chain-build");
    let fresh = || -> Vec<String> {
        blocks(root)
            .into_iter()
            .map(|b| b.0)
            .filter(|id| !before.contains(id))
            .collect()
    };
    wait_until(5, "the built block in the tree", || !fresh().is_empty()).await;
    let fresh = fresh();
    assert_eq!(
        fresh.len(),
        1,
        "one new block: {fresh:?}; error {:?}, note {:?}",
        find(root, "chain-error").and_then(|e| e.text_content()),
        find(root, "chain-note").and_then(|e| e.text_content()),
    );
    fresh[0].clone()
}

async fn run_until_decided(root: &Element) {
    click(root, "chain-run-until-decided");
    settle().await;
    wait_until(60, "Run until decided to stop", || {
        text(root, "chain-run-state") == "paused"
    })
    .await;
}

#[wasm_bindgen_test]
async fn propose_build_run_until_decided_accepts_on_every_node() {
    let root = mount_chain().await;
    let genesis = text(&root, "last-accepted");
    assert_eq!(cells(&root).len(), 20);
    let id = propose_and_build(&root, "hello from wasm").await;
    assert_eq!(
        attr(&root, &format!("block-{id}"), "data-status").as_deref(),
        Some("Processing")
    );
    assert_eq!(text(&root, "last-accepted"), genesis);
    assert_eq!(
        attr(&root, "block-inspector", "data-id").as_deref(),
        Some(id.as_str())
    );
    run_until_decided(&root).await;
    assert!(
        text(&root, "chain-note").contains("is decided on every live honest node"),
        "{}",
        text(&root, "chain-note")
    );
    assert_eq!(
        attr(&root, &format!("block-{id}"), "data-status").as_deref(),
        Some("Accepted")
    );
    assert_eq!(text(&root, "last-accepted"), id);
    assert_eq!(
        attr(&root, "last-accepted", "data-id").as_deref(),
        Some(id.as_str())
    );
    for (node, preference, last_accepted) in cells(&root) {
        assert_eq!(last_accepted, id, "node {node} last accepted");
        assert_eq!(preference, id, "node {node} preference");
    }
    // Seen from another node too.
    by_testid(&root, "node-11")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert_eq!(
        attr(&root, "node-inspector", "data-node").as_deref(),
        Some("11")
    );
    assert_eq!(text(&root, "last-accepted"), id);
    let decisions: usize = attr(&root, "decision-log", "data-count")
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(decisions >= 20, "{decisions} decisions");
}

#[wasm_bindgen_test]
async fn invalid_parameters_show_the_reason_and_change_nothing() {
    let root = mount_chain().await;
    let id = propose_and_build(&root, "keep").await;
    let hash = snowrv_call("transcriptHash", &[]).as_string().unwrap();
    let before = (blocks(&root), cells(&root).len(), text(&root, "chain-time"));
    for (field, value, reason) in [
        ("param-k", "0", "K = 0"),
        (
            "param-alpha-preference",
            "10",
            "AlphaPreference = 10 must be more than K/2",
        ),
        (
            "param-nodes",
            "many",
            "nodes: \"many\" is not a whole number",
        ),
        ("param-nodes", "2001", "more than the page allows"),
    ] {
        click(&root, "param-revert");
        settle().await;
        type_into(&root, field, value);
        settle().await;
        click(&root, "param-apply");
        settle().await;
        let message = text(&root, "param-error");
        assert!(message.contains(reason), "{field}={value}: {message}");
        assert_eq!(
            (blocks(&root), cells(&root).len(), text(&root, "chain-time")),
            before,
            "{field}={value} changed the network"
        );
        assert_eq!(
            snowrv_call("transcriptHash", &[]).as_string().unwrap(),
            hash
        );
    }
    // The kept network still decides its block.
    run_until_decided(&root).await;
    assert_eq!(text(&root, "last-accepted"), id);
    // A valid form applies and clears the error.
    click(&root, "param-revert");
    settle().await;
    type_into(&root, "param-nodes", "7");
    type_into(&root, "param-k", "5");
    type_into(&root, "param-alpha-preference", "3");
    type_into(&root, "param-alpha-confidence", "4");
    settle().await;
    click(&root, "param-apply");
    settle().await;
    assert!(find(&root, "param-error").is_none());
    assert_eq!(cells(&root).len(), 7);
    assert_eq!(blocks(&root).len(), 1, "a new network has only genesis");
}

#[wasm_bindgen_test]
async fn window_snowrv_rpc_ping_and_get_block() {
    let root = mount_chain().await;
    let ping = rpc(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#);
    assert_eq!(field(&ping, &["result", "success"]), JsValue::TRUE);
    assert_eq!(field(&ping, &["id"]).as_f64(), Some(1.0));
    // getBlock with no id: the selected node's last accepted block, genesis at first.
    let genesis = rpc(r#"{"jsonrpc":"2.0","id":2,"method":"timestampvm.getBlock","params":{}}"#);
    assert_eq!(
        field(&genesis, &["result", "id"]).as_string(),
        Some(text(&root, "last-accepted"))
    );
    assert_eq!(
        field(&genesis, &["result", "height"])
            .as_string()
            .as_deref(),
        Some("0")
    );
    // proposeBlock through the bridge lands in the page's mempool (the page re-renders).
    let proposed = rpc(
        r#"{"jsonrpc":"2.0","id":3,"method":"timestampvm.proposeBlock","params":{"data":"via rpc"}}"#,
    );
    assert_eq!(field(&proposed, &["result", "Success"]), JsValue::TRUE);
    settle().await;
    assert_eq!(attr(&root, "mempool", "data-count").as_deref(), Some("1"));
    click(&root, "chain-build");
    settle().await;
    run_until_decided(&root).await;
    let id = text(&root, "last-accepted");
    let block = rpc(&format!(
        r#"{{"jsonrpc":"2.0","id":4,"method":"timestampvm.getBlock","params":{{"id":"{id}"}}}}"#
    ));
    assert_eq!(
        field(&block, &["result", "id"]).as_string(),
        Some(id.clone())
    );
    assert_eq!(
        field(&block, &["result", "height"]).as_string().as_deref(),
        Some("1")
    );
    // Errors are JSON-RPC error objects, never exceptions.
    let bad =
        rpc(r#"{"jsonrpc":"2.0","id":5,"method":"timestampvm.getBlock","params":{"id":"nope"}}"#);
    assert!(field(&bad, &["error", "code"]).as_f64().is_some());
    let junk = rpc("{");
    assert_eq!(field(&junk, &["error", "code"]).as_f64(), Some(-32700.0));
    assert_eq!(
        snowrv_call("selectedNode", &[]).as_f64(),
        Some(0.0),
        "timestampvm.* act on the selected node"
    );
}

#[wasm_bindgen_test]
async fn the_chain_survives_switching_tabs() {
    let root = mount_chain().await;
    let id = propose_and_build(&root, "tabs").await;
    click(&root, "tab-machine");
    settle().await;
    assert!(find(&root, "pc").is_some());
    click(&root, "tab-chain");
    settle().await;
    assert_eq!(
        attr(&root, &format!("block-{id}"), "data-status").as_deref(),
        Some("Processing")
    );
}

/// The scenario and golden hash the native test (`tests/tests/chain_determinism.rs`) checks too.
const DETERMINISM_SCENARIO: &str = include_str!("../../tests/scenarios/determinism.json");
const GOLDEN_TRANSCRIPT: &str = include_str!("../../tests/golden/chain-transcript.txt");

#[wasm_bindgen_test]
fn the_determinism_scenario_gives_the_golden_transcript_hash_in_wasm() {
    use snowrv_core::chain::scenario::Scenario;
    let scenario = Scenario::from_json(DETERMINISM_SCENARIO).unwrap();
    let report = scenario.run().unwrap();
    assert!(report.passed(), "{report}");
    assert_eq!(
        report.transcript.to_string(),
        GOLDEN_TRANSCRIPT.trim(),
        "wasm and native disagree on the transcript of tests/scenarios/determinism.json"
    );
    // The page's playground over the scenario's network carries the same hash.
    let playground = scenario.setup().unwrap();
    assert_eq!(
        playground.network().transcript_hash().to_string(),
        GOLDEN_TRANSCRIPT.trim()
    );
}
