//! `sealed-onnx diff`: is the new version's interface change breaking, and does its version say so?

use std::path::PathBuf;

use crate::schema::compat;
use anyhow::Result;

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

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    let (old, new) = (files::read_bundle(&a.old)?.1, files::read_bundle(&a.new)?.1);
    let c = compat::compare(&old.manifest, &new.manifest);
    println!(
        "{} {} → {} {}",
        old.manifest.name, old.manifest.version, new.manifest.name, new.manifest.version
    );
    if c.changes.is_empty() {
        println!("no interface changes");
    }
    for ch in &c.changes {
        let label = match (ch.breaking, &ch.migration) {
            (true, Some(_)) => "covered ",
            (true, None) => "BREAKING",
            (false, _) => "ok      ",
        };
        let covered = ch
            .migration
            .as_ref()
            .map(|m| format!(" — migration: {m}"))
            .unwrap_or_default();
        println!("  {label} {}: {}{covered}", ch.path, ch.description);
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
            Ok(1)
        }
        None => {
            println!("version bump is consistent");
            Ok(0)
        }
    }
}
