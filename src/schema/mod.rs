//! Input validation against a bundle's feature schema, and schema inference from training data.

pub mod compat;
pub mod drift;
mod error;
pub mod infer;
mod migrate;
pub mod tagged_json;
mod validate;
mod value;

pub use error::{Issue, IssueCode, SchemaError};
pub use migrate::{migrate, migrated_rows};
pub use validate::{check, check_number, expectation, validate, Batch, Cell, Options, Shape};
pub use value::{format_number, Value};
