//! The `sealed-onnx` command-line tool (the Python wheel runs the same [`sealed_onnx::cli`]).

#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    sealed_onnx::cli::main()
}
