//! End-to-end tests: the real CLI binary, real bundles packed from the real scikit-learn
//! exports in `models/`. One test binary, one module per area.

mod agreement;
mod bad_bundles;
mod cli;
mod corpus;
mod corpus_rows;
mod course_families;
mod csv_predict;
mod estimators;
mod examples;
mod float64;
mod hostile;
mod limits;
mod maps;
mod model_signing;
mod output_kinds;
mod registry;
mod support;
mod text;
