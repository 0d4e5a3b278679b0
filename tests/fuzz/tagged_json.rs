//! The tagged-JSON input decoder: never panics; every JSON text decodes.

use proptest::prelude::*;
use sealed_onnx::schema::tagged_json;

use crate::seeds::{config, inputs, mutated};

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn mutated_inputs(bytes in mutated(inputs().into_iter().map(String::into_bytes).collect(), 6)) {
        let text = String::from_utf8_lossy(&bytes);
        let parsed = tagged_json::parse(&text);
        if serde_json::from_str::<serde_json::Value>(&text).is_ok() {
            prop_assert!(parsed.is_ok(), "{:?}", parsed);
        }
    }

    #[test]
    fn arbitrary_text(text in "\\PC{0,200}") {
        let _ = tagged_json::parse(&text);
    }

    #[test]
    fn deep_nesting(depth in 0..3000usize, arrays in any::<bool>()) {
        // serde_json refuses past its recursion limit; nothing overflows the stack.
        let text = if arrays {
            format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
        } else {
            format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
        };
        let _ = tagged_json::parse(&text);
    }
}
