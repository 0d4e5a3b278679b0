//! Reading and writing files with messages that name the file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::bundle::{zip, Bundle, BundleError, Limits, ZipError};
use anyhow::{bail, Context, Result};

/// Largest file a command reads whole (bundles have their own, lower limit:
/// [`Limits::max_bundle_bytes`]).
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// What [`read_at_most`] found.
enum Capped {
    /// The whole content, within the limit.
    Bytes(Vec<u8>),
    /// A regular file whose length is over the limit (nothing was read).
    FileTooLarge(u64),
    /// A stream that went past the limit (reading stopped there).
    StreamTooLarge,
    /// A stream that does not start with `prefix` (reading stopped there).
    WrongStart,
}

/// Reads `path` (or standard input for `-`) whole, but never more than `limit` bytes: a
/// regular file's length is checked before reading, and a pipe is read only up to the limit
/// (and only while it starts with `prefix`), so `/dev/zero` or a huge sparse file cost
/// nothing. Devices are refused.
fn read_at_most(path: &Path, limit: u64, prefix: &[u8]) -> Result<Capped> {
    let (source, known_len): (Box<dyn Read>, Option<u64>) = if path.as_os_str() == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_file() {
            if meta.len() > limit {
                return Ok(Capped::FileTooLarge(meta.len()));
            }
            (Box::new(file), Some(meta.len()))
        } else if is_pipe(&meta) {
            (Box::new(file), None)
        } else {
            bail!("it is a device or directory, not a file");
        }
    };
    let mut source = source.take(limit.saturating_add(1));
    if known_len.is_none() && !prefix.is_empty() {
        let mut start = vec![0u8; prefix.len()];
        let n = read_full(&mut source, &mut start)?;
        if start[..n] != prefix[..n] || n < prefix.len() {
            return Ok(Capped::WrongStart);
        }
        let mut rest = Vec::new();
        source.read_to_end(&mut rest)?;
        start.extend_from_slice(&rest);
        return Ok(over_or(start, limit));
    }
    // The capacity is the file's length (checked above), never more than the limit.
    let capacity = known_len.unwrap_or(0).min(limit) as usize;
    let mut buf = Vec::with_capacity(capacity);
    source.read_to_end(&mut buf)?;
    Ok(over_or(buf, limit))
}

fn over_or(buf: Vec<u8>, limit: u64) -> Capped {
    if buf.len() as u64 > limit {
        Capped::StreamTooLarge
    } else {
        Capped::Bytes(buf)
    }
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn read_full(source: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match source.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(unix)]
fn is_pipe(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo() || meta.file_type().is_socket()
}

#[cfg(not(unix))]
fn is_pipe(_: &std::fs::Metadata) -> bool {
    false
}

fn display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".into()
    } else {
        path.display().to_string()
    }
}

/// Reads a file, or standard input for `-`, refusing anything over [`MAX_INPUT_BYTES`].
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let name = || format!("cannot read {}", display(path));
    match read_at_most(path, MAX_INPUT_BYTES, &[]).with_context(name)? {
        Capped::Bytes(b) => Ok(b),
        Capped::FileTooLarge(size) => {
            bail!(
                "{}: it is {size} bytes, over the {MAX_INPUT_BYTES}-byte limit for input files",
                name()
            )
        }
        Capped::StreamTooLarge | Capped::WrongStart => {
            bail!(
                "{}: it is over the {MAX_INPUT_BYTES}-byte limit for input files",
                name()
            )
        }
    }
}

/// Reads a UTF-8 text file.
pub fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read(path)?).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

/// Reads a bundle file's bytes (or standard input for `-`), applying the size limit before
/// reading: a file over [`Limits::max_bundle_bytes`] is refused from its length, a stream
/// as soon as it passes the limit or does not start like a bundle.
pub fn read_bundle_bytes(path: &Path, limits: &Limits) -> Result<Vec<u8>> {
    let limit = limits.max_bundle_bytes;
    let refused = match read_at_most(path, limit, &zip::LOCAL_HEADER_SIGNATURE)
        .with_context(|| format!("cannot read {}", display(path)))?
    {
        Capped::Bytes(b) => return Ok(b),
        Capped::FileTooLarge(size) => ZipError::TooLarge { size, limit },
        Capped::StreamTooLarge => ZipError::StreamTooLarge { limit },
        Capped::WrongStart => ZipError::NotAZip,
    };
    Err(BundleError::from(refused)).with_context(|| format!("cannot read {}", display(path)))
}

/// Reads a bundle file: its bytes and its checked structure.
pub fn read_bundle(path: &Path) -> Result<(Vec<u8>, Bundle)> {
    let limits = Limits::default();
    let bytes = read_bundle_bytes(path, &limits)?;
    let bundle =
        Bundle::read(&bytes, &limits).with_context(|| format!("cannot read {}", display(path)))?;
    Ok((bytes, bundle))
}

/// Writes a file atomically (temporary file, then rename), refusing to replace an existing
/// file unless `overwrite`.
pub fn write(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    write_mode(path, bytes, overwrite, 0o644)
}

/// Writes a secret such as a private key like [`write`], readable by its owner only (0600).
pub fn write_secret(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    write_mode(path, bytes, overwrite, 0o600)
}

fn write_mode(path: &Path, bytes: &[u8], overwrite: bool, mode: u32) -> Result<()> {
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
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
        #[cfg(not(unix))]
        let _ = mode;
        let mut f = options.open(&tmp)?;
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
