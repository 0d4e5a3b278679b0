//! Fuzz targets for the parsers of untrusted bytes, run with proptest (stable Rust; cargo-fuzz
//! needs nightly): the zip reader, the manifest parser, the signature (Sigstore bundle, DSSE,
//! in-toto) parser, the tagged-JSON input decoder and the schema validator.
//!
//! Each target starts from committed seeds (the example bundles in `models/`, the hostile
//! corpus in `tests/hostile/`, the inputs in `tests/fuzz/corpus/`) and mutates them, or
//! generates structured input. `cargo test` runs a short fixed budget with a fixed seed, so
//! every run tests the same inputs; a longer run (any seed) is
//!
//! ```text
//! SEALED_ONNX_FUZZ_CASES=200000 SEALED_ONNX_FUZZ_SEED=$RANDOM cargo test --release --test fuzz
//! ```
//!
//! A failure is shrunk and saved by proptest in `tests/proptest-regressions/<target>.txt`;
//! commit that file, and it is replayed first on every later run (the manifest target's
//! first finding is there: numbers that did not parse back exactly, fixed by serde_json's
//! `float_roundtrip`).

mod manifest;
mod seeds;
mod signature;
mod tagged_json;
mod validate;
mod zip;
