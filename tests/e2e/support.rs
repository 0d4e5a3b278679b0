//! Running the CLI and building bundles for tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sealed_onnx::bundle::zip;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the repository root.
pub fn repo(rel: &str) -> PathBuf {
    root().join(rel)
}

/// The demo public key.
pub fn demo_pub() -> PathBuf {
    repo("models/keys/demo-public-key.pem")
}

/// Result of one CLI run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        &self.stdout
    }

    /// Asserts exit code 1 and that stderr contains `needle`; returns stderr.
    #[track_caller]
    pub fn fails_with(&self, needle: &str) -> &str {
        assert_eq!(
            self.code, 1,
            "expected exit 1\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "expected {needle:?} in stderr:\n{}",
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        &self.stderr
    }
}

/// Runs `sealed-onnx` with arguments, from the repository root.
pub fn cli<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    cli_stdin(args, None)
}

/// The command under test: this build's binary, or `$SEALED_ONNX_CLI` (scripts/test.sh points
/// it at the `sealed-onnx` command installed from the Python wheel).
pub fn cli_program() -> std::ffi::OsString {
    std::env::var_os("SEALED_ONNX_CLI")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_sealed-onnx").into())
}

/// Runs `sealed-onnx` with arguments and standard input.
pub fn cli_stdin<I, S>(args: I, stdin: Option<&[u8]>) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    use std::io::Write;
    let mut cmd = Command::new(cli_program());
    cmd.args(args)
        .current_dir(root())
        .env("RUST_BACKTRACE", "0");
    cmd.stdin(std::process::Stdio::piped());
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn sealed-onnx");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
    }
    drop(child.stdin.take());
    Run::from(child.wait_with_output().expect("wait for sealed-onnx"))
}

/// Runs `sealed-onnx pack` on explicit files (without --force), ranges widened by 10 % as
/// models/build_bundles.sh does for the examples.
pub fn pack_files(model: &Path, meta: &Path, train: &Path, test_vectors: &Path, out: &Path) -> Run {
    let mut args: Vec<&std::ffi::OsStr> = vec!["--range-margin".as_ref(), "0.1".as_ref()];
    for (flag, path) in [
        ("--model", model),
        ("--meta", meta),
        ("--train", train),
        ("--test-vectors", test_vectors),
        ("--out", out),
    ] {
        args.push(flag.as_ref());
        args.push(path.as_os_str());
    }
    cli(std::iter::once("pack".as_ref()).chain(args))
}

/// Packs an example from `models/<name>/` into `dir/<name>.sonnx` (unsigned) with the CLI.
pub fn pack(name: &str, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{name}.sonnx"));
    let m = |f: &str| repo(&format!("models/{name}/{f}"));
    pack_files(
        &m("model.onnx"),
        &m("meta.json"),
        &m("train.csv"),
        &m("test_vectors.json"),
        &out,
    )
    .ok();
    out
}

/// A fresh key pair in `dir`: (private, public).
pub fn keygen(dir: &Path, stem: &str) -> (PathBuf, PathBuf) {
    let private = dir.join(format!("{stem}.pem"));
    let public = dir.join(format!("{stem}.pub.pem"));
    cli([
        "keygen".as_ref(),
        "--private-key".as_ref(),
        private.as_os_str(),
        "--public-key".as_ref(),
        public.as_os_str(),
    ])
    .ok();
    (private, public)
}

/// The entries of a bundle file.
pub fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).expect("read bundle");
    zip::read(&bytes, &Default::default())
        .expect("valid zip")
        .into_iter()
        .map(|e| (e.name, e.data))
        .collect()
}

/// Writes entries as a zip to `path`.
pub fn write_entries(path: &Path, entries: &[(String, Vec<u8>)]) {
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    std::fs::write(path, zip::write(&refs)).expect("write bundle");
}

/// A temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// `pack` of the pack inputs in `src` (`model.onnx`, `meta.json`, `train.csv`,
/// `test_vectors.json`) into `out`, with `extra` flags; pack's run.
pub fn pack_dir(src: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<std::ffi::OsString> = vec!["pack".into()];
    for (flag, file) in [
        ("--model", "model.onnx"),
        ("--meta", "meta.json"),
        ("--train", "train.csv"),
        ("--test-vectors", "test_vectors.json"),
    ] {
        args.push(flag.into());
        args.push(src.join(file).into());
    }
    args.extend(["--out".into(), out.into()]);
    args.extend(extra.iter().map(Into::into));
    cli(args)
}

/// Packs the committed inputs in `src` (`model.onnx`, `meta.json`, `train.csv`,
/// `test_vectors.json`) with `extra` flags into `dir`, and asserts the result is byte for byte
/// the committed `src/<bundle>` that other tests load (a stale copy fails, naming it). Returns
/// the fresh bundle's path.
pub fn assert_committed_bundle_is_what_pack_builds(
    src: &Path,
    bundle: &str,
    extra: &[&str],
    dir: &Path,
) -> PathBuf {
    let out = dir.join(bundle);
    pack_dir(src, &out, extra).ok();
    assert!(
        std::fs::read(&out).unwrap() == std::fs::read(src.join(bundle)).unwrap(),
        "{} is stale: rebuild it (see this test)",
        src.join(bundle).display()
    );
    out
}
