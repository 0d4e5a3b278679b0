//! Reading and writing files with messages that name the file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::bundle::{Bundle, Limits};
use anyhow::{bail, Context, Result};

/// Reads a file, or standard input for `-`.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        return Ok(buf);
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads a UTF-8 text file.
pub fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read(path)?).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

/// Reads a bundle file: its bytes and its checked structure.
pub fn read_bundle(path: &Path) -> Result<(Vec<u8>, Bundle)> {
    let bytes = read(path)?;
    let bundle = Bundle::read(&bytes, &Limits::default())
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok((bytes, bundle))
}

/// Writes a file atomically (temporary file, then rename), refusing to replace an existing
/// file unless `overwrite`.
pub fn write(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    if !overwrite && path.exists() {
        bail!(
            "{} already exists; pass --force to replace it",
            path.display()
        );
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// Writes to a file, or standard output when no path is given.
pub fn write_or_stdout(path: Option<&Path>, bytes: &[u8], overwrite: bool) -> Result<()> {
    match path {
        Some(p) => write(p, bytes, overwrite),
        None => std::io::stdout()
            .write_all(bytes)
            .context("cannot write to standard output"),
    }
}
