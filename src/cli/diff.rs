//! `sealed-onnx diff`: is the new version's interface change breaking, and does its version say so?

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use sealed_onnx::bundle::{Bundle, Limits};
use sealed_onnx::schema::compat;

use super::files;

/// Compare two bundles' schemas and outputs.
///
/// Lists every interface change, marks the breaking ones, and exits 1 when the version bump
/// does not match (a breaking change needs a major bump; the new version must be later).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The released bundle.
    old: PathBuf,
    /// The candidate bundle.
    new: PathBuf,
}

fn read(path: &Path) -> Result<Bundle> {
    Bundle::read(&files::read(path)?, &Limits::default())
        .with_context(|| format!("cannot read {}", path.display()))
}

/// Runs the command.
pub fn run(a: Args) -> Result<ExitCode> {
    let (old, new) = (read(&a.old)?, read(&a.new)?);
    let c = compat::compare(&old.manifest, &new.manifest);
    println!(
        "{} {} → {} {}",
        old.manifest.name, old.manifest.version, new.manifest.name, new.manifest.version
    );
    if c.changes.is_empty() {
        println!("no interface changes");
    }
    for ch in &c.changes {
        println!(
            "  {} {}: {}",
            if ch.breaking { "BREAKING" } else { "ok      " },
            ch.path,
            ch.description
        );
    }
    println!(
        "{}",
        if c.breaking {
            "the change is breaking"
        } else {
            "the change is backward compatible"
        }
    );
    match c.version_problem {
        Some(problem) => {
            eprintln!("error: {problem}");
            Ok(ExitCode::FAILURE)
        }
        None => {
            println!("version bump is consistent");
            Ok(ExitCode::SUCCESS)
        }
    }
}
