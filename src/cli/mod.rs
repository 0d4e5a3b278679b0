//! Command-line parsing and dispatch. Each command lives in its own module.
//!
//! Exit codes: 0 success, 1 the operation failed (a check failed, a file is bad), 2 usage
//! errors (wrong flags; clap's own code).

mod csv_input;
mod diff;
mod files;
mod inspect;
mod json_doc;
mod keygen;
pub mod pack;
mod pack_outputs;
mod predict;
mod registry;
mod registry_verify;
mod registry_view;
mod run;
pub mod sign;
mod trust_args;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Seal scikit-learn models (ONNX) into signed, schema-checked bundles, and use them.
///
/// Typical flow: export a pipeline with skl2onnx, then
///   sealed-onnx keygen --private-key me.pem --public-key me.pub.pem
///   sealed-onnx pack --model model.onnx --meta meta.json --train train.csv --test-vectors tv.json --out iris-1.0.0.sonnx
///   sealed-onnx sign iris-1.0.0.sonnx --key me.pem
///   sealed-onnx verify iris-1.0.0.sonnx --public-key me.pub.pem
///   sealed-onnx predict iris-1.0.0.sonnx --public-key me.pub.pem --input rows.csv
/// and, for a registry folder any static web server can host,
///   sealed-onnx publish iris-1.0.0.sonnx --registry registry --key me.pem
///   sealed-onnx promote iris 1.0.0 --to staging --registry registry --key me.pem
///   sealed-onnx predict registry/iris --channel prod --public-key me.pub.pem --input rows.csv
#[derive(Debug, Parser)]
#[command(name = "sealed-onnx", version, about, long_about, verbatim_doc_comment)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Keygen(keygen::Args),
    Pack(pack::Args),
    Sign(sign::Args),
    Verify(verify::Args),
    Inspect(inspect::Args),
    Predict(predict::Args),
    Run(run::Args),
    Diff(diff::Args),
    Publish(registry::PublishArgs),
    Promote(registry::PromoteArgs),
    Rollback(registry::RollbackArgs),
    Ls(registry_view::Args),
    VerifyRegistry(registry_verify::Args),
}

/// Runs the command line of this process (`std::env::args_os`).
pub fn main() -> ExitCode {
    ExitCode::from(run_args(std::env::args_os()))
}

/// Parses `args` (the first is the program name), runs the command and prints the error chain
/// on failure; returns the exit code (0 success, 1 failure, 2 usage error). Never exits the
/// process itself, so a host such as the Python package can call it.
pub fn run_args<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" that print to stdout and exit 0.
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    let result = match cli.command {
        Command::Keygen(a) => keygen::run(a),
        Command::Pack(a) => pack::run(a),
        Command::Sign(a) => sign::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Predict(a) => predict::run(a),
        Command::Run(a) => run::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Publish(a) => registry::publish(a),
        Command::Promote(a) => registry::promote(a),
        Command::Rollback(a) => registry::rollback(a),
        Command::Ls(a) => registry_view::run(a),
        Command::VerifyRegistry(a) => registry_verify::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
                eprintln!("error: {e:?}");
            } else {
                eprintln!("error: {e:#}");
            }
            1
        }
    }
}
