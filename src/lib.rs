//! sealed-onnx: signed, hashed, schema-checked scikit-learn models (ONNX) that run with tract.
//!
//! The modules depend on each other in one direction:
//! [`bundle`] (zip container, manifest) ← [`trust`] (digests, signatures) ← [`schema`]
//! (input validation) ← [`engine`] (tract) ← [`loader`] (all checks, in order); [`registry`]
//! (signed index and history of a folder of bundles) sits beside the loader. The command
//! line tool is [`cli`] (feature `cli`), run by the binary and by the Python package's
//! `sealed-onnx` command; the JavaScript boundary is a separate thin layer.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "wasm")]
pub mod api;
pub mod bundle;
#[cfg(feature = "cli")]
pub mod cli;
pub mod engine;
pub mod loader;
pub mod registry;
pub mod schema;
pub mod trust;
