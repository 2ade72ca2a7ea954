//! `window.snowrv`: the page's JSON-RPC endpoint for scripts and the browser console.
//!
//! - `snowrv.rpc(request)` takes a JSON-RPC 2.0 request (a string, or an object that is
//!   stringified) and returns the response as a JSON string. It runs against the same
//!   [`snowrv_core::playground::chain::ChainPlayground`] the chain page shows; `timestampvm.*`
//!   methods act on the node selected in the page. See [`crate::chain_state`] for how the page
//!   re-renders after a call (the call mutates the shared session synchronously, then dispatches
//!   a refresh).
//! - `snowrv.transcriptHash()` returns the CB58 transcript hash of the network.
//! - `snowrv.selectedNode()` returns the node `timestampvm.*` calls act on.
//!
//! The closures live in a [`Bridge`]; dropping it (when the chain page unmounts) removes
//! `window.snowrv` if it is still this bridge's.

use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

use crate::chain_state::{rpc_error, ChainHandle};

/// The installed `window.snowrv` object and the Rust closures behind its functions.
pub struct Bridge {
    object: Object,
    _rpc: Closure<dyn FnMut(JsValue) -> String>,
    _transcript: Closure<dyn FnMut() -> String>,
    _selected: Closure<dyn FnMut() -> u32>,
}

/// The request as text: a string as is, anything else through `JSON.stringify`.
fn request_text(request: &JsValue) -> Option<String> {
    request.as_string().or_else(|| {
        js_sys::JSON::stringify(request)
            .ok()
            .and_then(|s| s.as_string())
    })
}

/// Installs `window.snowrv` over `handle`; `notify` is called after every RPC call so the page
/// re-renders. Returns `None` outside a browser window.
pub fn install(handle: ChainHandle, notify: Callback<()>) -> Option<Bridge> {
    let window = web_sys::window()?;
    let rpc = {
        let handle = handle.clone();
        Closure::<dyn FnMut(JsValue) -> String>::new(move |request: JsValue| {
            let Some(text) = request_text(&request) else {
                return rpc_error(-32700, "Parse error: the request is not JSON text");
            };
            let response = match handle.try_borrow_mut() {
                Ok(mut session) => session.rpc(&text),
                Err(_) => rpc_error(-32000, "the page is busy; try again"),
            };
            notify.emit(());
            response
        })
    };
    let transcript = {
        let handle = handle.clone();
        Closure::<dyn FnMut() -> String>::new(move || {
            handle
                .try_borrow()
                .ok()
                .and_then(|s| s.network().map(|n| n.transcript_hash().to_cb58()))
                .unwrap_or_default()
        })
    };
    let selected = Closure::<dyn FnMut() -> u32>::new(move || {
        handle.try_borrow().map_or(0, |s| s.selected_node())
    });
    let object = Object::new();
    let set = |name: &str, value: &JsValue| Reflect::set(&object, &JsValue::from_str(name), value);
    set("rpc", rpc.as_ref().unchecked_ref()).ok()?;
    set("transcriptHash", transcript.as_ref().unchecked_ref()).ok()?;
    set("selectedNode", selected.as_ref().unchecked_ref()).ok()?;
    Reflect::set(&window, &JsValue::from_str("snowrv"), &object).ok()?;
    Some(Bridge {
        object,
        _rpc: rpc,
        _transcript: transcript,
        _selected: selected,
    })
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let key = JsValue::from_str("snowrv");
        let ours = Reflect::get(&window, &key)
            .map(|current| current == JsValue::from(self.object.clone()))
            .unwrap_or(false);
        if ours {
            let _ = Reflect::delete_property(&window, &key);
        }
    }
}
