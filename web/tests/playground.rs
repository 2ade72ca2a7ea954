//! Browser tests of the playground: mount the app into a `<div>`, click like a user, read the DOM.
//!
//! Run with `wasm-pack test --headless --chrome --mode no-install --chromedriver /usr/bin/chromedriver web`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh `<div>` in the page with the playground mounted in it.
fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    // Keep the app mounted for the whole test: the handle is leaked on purpose.
    std::mem::forget(snowrv_web::mount(root.clone()));
    root
}

/// Lets Yew render what the last dispatches changed.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

fn by_testid(root: &Element, id: &str) -> Element {
    root.query_selector(&format!("[data-testid='{id}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={id}"))
}

fn text(root: &Element, id: &str) -> String {
    by_testid(root, id)
        .text_content()
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn click(root: &Element, id: &str) {
    by_testid(root, id)
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

fn select_example(root: &Element, id: &str) {
    let select: HtmlSelectElement = by_testid(root, "example-select").dyn_into().unwrap();
    select.set_value(id);
    let event = web_sys::Event::new("change").unwrap();
    select.dispatch_event(&event).unwrap();
}

fn instret(root: &Element) -> u64 {
    text(root, "instret").parse().unwrap()
}

#[wasm_bindgen_test]
async fn initial_state_shows_the_first_example_at_its_entry() {
    let root = mount();
    settle().await;
    assert_eq!(text(&root, "pc"), "0x80000000");
    assert_eq!(text(&root, "privilege"), "M");
    assert_eq!(text(&root, "instret"), "0");
    assert_eq!(text(&root, "last-trap"), "none");
    for n in 0..32 {
        assert_eq!(text(&root, &format!("reg-x{n}")), "0x00000000", "x{n}");
    }
    assert!(
        text(&root, "disasm-current").contains("li"),
        "{}",
        text(&root, "disasm-current")
    );
}

#[wasm_bindgen_test]
async fn synchronous_clicks_all_count() {
    let root = mount();
    settle().await;
    // sum.S: li a0,0 (2 bytes); li t0,10 (2); add a0,a0,t0 (2). Three clicks in one tick.
    click(&root, "step");
    click(&root, "step");
    click(&root, "step");
    settle().await;
    assert_eq!(text(&root, "instret"), "3");
    assert_eq!(text(&root, "pc"), "0x80000006");
    assert_eq!(text(&root, "reg-x10"), "0x0000000a"); // a0 = 10
    assert_eq!(text(&root, "reg-x5"), "0x0000000a"); // t0 = 10
    assert_eq!(text(&root, "reg-x0"), "0x00000000");
    // The last step wrote a0: it is highlighted, t0 is not.
    let a0 = by_testid(&root, "reg-x10").parent_element().unwrap();
    assert!(a0.class_name().contains("changed"));
    let t0 = by_testid(&root, "reg-x5").parent_element().unwrap();
    assert!(!t0.class_name().contains("changed"));
    assert!(text(&root, "disasm-current").contains("80000006"));
}

/// What the register panel shows: pc, instret and x0..x31.
fn hart_text(root: &Element) -> Vec<String> {
    let mut out = vec![text(root, "pc"), text(root, "instret")];
    out.extend((0..32).map(|n| text(root, &format!("reg-x{n}"))));
    out
}

fn is_disabled(root: &Element, id: &str) -> bool {
    by_testid(root, id).has_attribute("disabled")
}

#[wasm_bindgen_test]
async fn back_undoes_steps() {
    let root = mount();
    settle().await;
    assert!(
        is_disabled(&root, "step-back"),
        "Back is disabled at the start"
    );
    for _ in 0..3 {
        click(&root, "step");
    }
    settle().await;
    let three = hart_text(&root);
    assert_eq!(three[1], "3");
    click(&root, "step");
    click(&root, "step");
    settle().await;
    assert_eq!(text(&root, "instret"), "5");
    assert_ne!(hart_text(&root), three);
    // Two clicks in one tick both count.
    click(&root, "step-back");
    click(&root, "step-back");
    settle().await;
    assert_eq!(hart_text(&root), three);
    assert!(!is_disabled(&root, "step-back"));
    for _ in 0..3 {
        click(&root, "step-back");
    }
    settle().await;
    assert_eq!(text(&root, "pc"), "0x80000000");
    assert_eq!(text(&root, "instret"), "0");
    assert!(
        is_disabled(&root, "step-back"),
        "Back is disabled back at the start"
    );
}

#[wasm_bindgen_test]
async fn run_then_pause_stops_instret() {
    let root = mount();
    settle().await;
    select_example(&root, "primes");
    settle().await;
    click(&root, "run");
    yew::platform::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(text(&root, "run-state"), "running");
    let first = instret(&root);
    assert!(first > 0);
    yew::platform::time::sleep(Duration::from_millis(600)).await;
    let second = instret(&root);
    assert!(second > first, "{first} then {second}");
    assert!(
        text(&root, "ips").contains("instr/s"),
        "{}",
        text(&root, "ips")
    );
    click(&root, "pause");
    settle().await;
    assert_eq!(text(&root, "run-state"), "paused");
    let paused = instret(&root);
    yew::platform::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(instret(&root), paused);
}

#[wasm_bindgen_test]
async fn a_finished_program_shows_pass() {
    let root = mount();
    settle().await;
    click(&root, "run");
    yew::platform::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(text(&root, "run-state"), "halted");
    assert!(
        text(&root, "exit").contains("PASS"),
        "{}",
        text(&root, "exit")
    );
    let done = instret(&root);
    assert!(done > 30, "{done}");
    assert_eq!(text(&root, "reg-x10"), "0x00000037"); // a0 = 55
}

#[wasm_bindgen_test]
async fn reset_restores_the_initial_state() {
    let root = mount();
    settle().await;
    for _ in 0..5 {
        click(&root, "step");
    }
    settle().await;
    assert_ne!(text(&root, "pc"), "0x80000000");
    click(&root, "reset");
    settle().await;
    assert_eq!(text(&root, "pc"), "0x80000000");
    assert_eq!(text(&root, "instret"), "0");
    for n in 0..32 {
        assert_eq!(text(&root, &format!("reg-x{n}")), "0x00000000", "x{n}");
    }
}

#[wasm_bindgen_test]
async fn switching_example_changes_the_program() {
    let root = mount();
    settle().await;
    let before = text(&root, "disasm-current");
    select_example(&root, "factorial");
    settle().await;
    assert_eq!(text(&root, "pc"), "0x80000000");
    let after = text(&root, "disasm-current");
    assert_ne!(before, after);
    assert!(after.contains("auipc"), "{after}");
    // factorial: auipc sp; addi sp; li a0,6: sp and a0 set.
    for _ in 0..3 {
        click(&root, "step");
    }
    settle().await;
    assert_eq!(text(&root, "reg-x10"), "0x00000006");
    assert_eq!(text(&root, "reg-x2"), "0x80001060");
}

#[wasm_bindgen_test]
async fn the_trap_example_names_its_traps() {
    let root = mount();
    settle().await;
    select_example(&root, "traps");
    settle().await;
    // Step until the ecall has trapped.
    for _ in 0..8 {
        click(&root, "step");
    }
    settle().await;
    let trap = text(&root, "last-trap");
    assert!(
        trap.starts_with("environment call from M-mode at 0x8000"),
        "{trap}"
    );
    assert!(trap.ends_with("-> M-mode handler"), "{trap}");
}

#[wasm_bindgen_test]
async fn the_paging_example_reaches_user_mode() {
    let root = mount();
    settle().await;
    select_example(&root, "paging");
    settle().await;
    let mut seen = String::new();
    for _ in 0..80 {
        click(&root, "step");
        settle().await;
        let p = text(&root, "privilege");
        if !seen.ends_with(&p) {
            seen.push_str(&p);
        }
        if p == "U" {
            assert_eq!(text(&root, "pc").len(), 10);
            assert!(
                text(&root, "disasm-current").contains("00400"),
                "{}",
                text(&root, "disasm-current")
            );
            break;
        }
    }
    assert_eq!(seen, "MSU");
}
