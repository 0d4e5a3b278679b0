//! A panic hook that hands the panic message to JavaScript before the instance traps.
//!
//! Bad input must never reach a panic; this is the net under that rule. The npm wrapper
//! defines `globalThis.__sealedOnnxPanic`, turns the trap that follows into a `ModelError`
//! with this message, and marks the model unusable.

use std::sync::Once;

use wasm_bindgen::JsValue;

static INSTALL: Once = Once::new();

/// Installs the hook once per instance.
pub fn install() {
    INSTALL.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = format!("sealed-onnx internal error (please report it): {info}");
            let global = js_sys::global();
            if let Ok(f) = js_sys::Reflect::get(&global, &JsValue::from_str("__sealedOnnxPanic")) {
                if let Some(f) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&f) {
                    let _ = f.call1(&JsValue::UNDEFINED, &JsValue::from_str(&message));
                }
            }
        }));
    });
}
