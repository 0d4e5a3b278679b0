//! The rule of the container: a bundle is accepted only if Python's `zipfile`, `unzip` and
//! sealed-onnx read the same entries with the same bytes.
//!
//! Checked on the hostile corpus, on bundles built here with random entries, and on
//! seeded mutations of real bundles (flipped bytes, edited header fields, cut, inserted and
//! appended bytes): whenever our reader accepts one, `zipfile` and `unzip` (run by
//! `tests/hostile/zip_agreement.py`) must list the same names with the same sha256.

use std::io::Write;
use std::process::{Command, Stdio};

use sealed_onnx::bundle::{zip, Limits};
use sealed_onnx::trust::{sha256, to_hex};

use crate::hostile::{corpus, python};
use crate::support::*;

/// xorshift64*: seeded, so every run tests the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Offsets of the records of an archive that has a readable directory: (local headers,
/// central headers, end), or `None`.
fn try_records(bytes: &[u8]) -> Option<(Vec<usize>, Vec<usize>, usize)> {
    let u16_at =
        |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?) as usize);
    let u32_at =
        |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize);
    let eocd = bytes.len().checked_sub(22)?;
    let mut pos = u32_at(eocd + 16)?;
    let (mut locals, mut centrals) = (Vec::new(), Vec::new());
    for _ in 0..u16_at(eocd + 10)? {
        let local = u32_at(pos + 42)?;
        if local + 30 > bytes.len() {
            return None;
        }
        centrals.push(pos);
        locals.push(local);
        pos += 46 + u16_at(pos + 28)? + u16_at(pos + 30)? + u16_at(pos + 32)?;
    }
    Some((locals, centrals, eocd))
}

/// A well-formed archive of random entries (names mostly the bundle's).
fn hand_built(rng: &mut Rng) -> Vec<u8> {
    const NAMES: [&str; 5] = ["model.onnx", "manifest.json", "model.sig", "notes.txt", "a"];
    let mut entries: Vec<(&str, Vec<u8>)> = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let name = NAMES[rng.below(NAMES.len())];
        if entries.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let len = [0, 1, 100, 3000][rng.below(4)] + rng.below(500);
        let data = if rng.below(2) == 0 {
            rng.bytes(len)
        } else {
            let k = 1 + rng.below(8);
            let pattern = rng.bytes(k);
            pattern.iter().copied().cycle().take(len).collect()
        };
        entries.push((name, data));
    }
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (*n, d.as_slice())).collect();
    zip::write(&refs)
}

/// Sets a little-endian field of `width` bytes.
fn put(bytes: &mut [u8], at: usize, width: usize, value: u64) {
    if at + width <= bytes.len() {
        bytes[at..at + width].copy_from_slice(&value.to_le_bytes()[..width]);
    }
}

/// One random change to a well-formed archive.
fn mutate(rng: &mut Rng, original: &[u8]) -> Vec<u8> {
    let mut b = original.to_vec();
    let Some((locals, centrals, eocd)) = try_records(&b) else {
        b.push(rng.next() as u8);
        return b;
    };
    let n = b.len();
    // Fields shared by the local (offset) and central (offset) headers, with their widths.
    const SHARED: [(usize, usize, usize); 8] = [
        (4, 6, 2),   // version needed
        (6, 8, 2),   // flags
        (8, 10, 2),  // method
        (10, 12, 2), // time
        (12, 14, 2), // date
        (14, 16, 4), // crc
        (18, 20, 4), // compressed size
        (22, 24, 4), // uncompressed size
    ];
    let value = |rng: &mut Rng, width: usize| -> u64 {
        match rng.below(4) {
            0 => rng.below(3) as u64,
            1 => [0x800, 0x802, 0x806, 0x808, 1, 0x40, 45, 20, 10, 12][rng.below(10)],
            2 => u64::MAX >> (64 - 8 * width),
            _ => rng.next() >> (64 - 8 * width),
        }
    };
    match rng.below(9) {
        0 => {
            let at = rng.below(n);
            b[at] ^= 1 + rng.below(255) as u8;
        }
        1 if !centrals.is_empty() => {
            // A byte of a record's fixed part.
            let i = rng.below(centrals.len());
            let (at, len) = match rng.below(3) {
                0 => (locals[i], 30),
                1 => (centrals[i], 46),
                _ => (eocd, 22),
            };
            b[at + rng.below(len)] ^= 1 + rng.below(255) as u8;
        }
        2 if !centrals.is_empty() => {
            // The same value in both headers (consistent, so it reaches the deeper checks).
            let i = rng.below(centrals.len());
            let (l, c, w) = SHARED[rng.below(SHARED.len())];
            let v = value(rng, w);
            put(&mut b, locals[i] + l, w, v);
            put(&mut b, centrals[i] + c, w, v);
        }
        3 if !centrals.is_empty() => {
            // A field only the central directory has: made-by, disk, attributes, offset.
            let i = rng.below(centrals.len());
            let (at, w) = [(4, 2), (34, 2), (36, 2), (38, 4), (42, 4)][rng.below(5)];
            let v = if at == 38 {
                [0, 0o100644 << 16, 0o120777 << 16, 0o40755 << 16, 0x10, 0x20][rng.below(6)]
            } else {
                value(rng, w)
            };
            put(&mut b, centrals[i] + at, w, v);
        }
        4 => {
            let (at, w) =
                [(4, 2), (6, 2), (8, 2), (10, 2), (12, 4), (16, 4), (20, 2)][rng.below(7)];
            let v = value(rng, w);
            put(&mut b, eocd + at, w, v);
        }
        5 => b.truncate(rng.below(n)),
        6 => {
            let at = rng.below(n + 1);
            let k = 1 + rng.below(40);
            let extra = rng.bytes(k);
            b.splice(at..at, extra);
        }
        7 => {
            // Append or prepend a copy of a slice of the archive itself (records included).
            let start = rng.below(n);
            let piece = b[start..(start + 1 + rng.below(200)).min(n)].to_vec();
            if rng.below(2) == 0 {
                b.extend_from_slice(&piece);
            } else {
                b.splice(0..0, piece);
            }
        }
        _ => {
            // Two mutations.
            let once = mutate(rng, original);
            if try_records(&once).is_some() {
                return mutate(rng, &once);
            }
            return once;
        }
    }
    b
}

/// What our reader returns, as (name, sha256 hex) in directory order, or `None` if refused.
fn ours(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    let entries = zip::read(bytes, &Limits::default()).ok()?;
    Some(
        entries
            .into_iter()
            .map(|e| (e.name, to_hex(&sha256(&e.data))))
            .collect(),
    )
}

#[test]
fn zipfile_and_unzip_read_what_we_accept() {
    let Some(python) = python() else { return };
    let mut rng = Rng(0x5ea1_ed0e_c0de_2026);
    let mut inputs: Vec<Vec<u8>> = corpus()
        .iter()
        .map(|c| std::fs::read(&c.path).expect("corpus case"))
        .collect();
    let bases: Vec<Vec<u8>> = ["iris", "diabetes", "breast-cancer", "study"]
        .iter()
        .map(|m| std::fs::read(repo(&format!("models/{m}-1.0.0.sonnx"))).expect("example"))
        .collect();
    for _ in 0..300 {
        inputs.push(hand_built(&mut rng));
    }
    for i in 0..1200 {
        let base = if i % 3 == 0 {
            hand_built(&mut rng)
        } else {
            bases[rng.below(bases.len())].clone()
        };
        inputs.push(mutate(&mut rng, &base));
    }
    let dir = tempdir();
    let mut expected = Vec::new();
    for (i, bytes) in inputs.iter().enumerate() {
        if let Some(entries) = ours(bytes) {
            let path = dir.path().join(format!("case-{i:04}.zip"));
            std::fs::write(&path, bytes).expect("write case");
            expected.push((path, entries));
        }
    }
    let accepted = expected.len();
    eprintln!(
        "agreement: {} inputs, {accepted} accepted by sealed-onnx",
        inputs.len()
    );
    assert!(inputs.len() >= 1000);
    assert!(
        accepted >= 300,
        "too few accepted inputs ({accepted}) to test agreement"
    );

    let mut child = Command::new(python)
        .arg(repo("tests/hostile/zip_agreement.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run zip_agreement.py");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for (path, _) in &expected {
            writeln!(stdin, "{}", path.display()).expect("write path");
        }
    }
    let out = child.wait_with_output().expect("zip_agreement.py");
    assert!(out.status.success(), "zip_agreement.py failed");
    let reports: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(reports.len(), accepted);
    let mut failures = Vec::new();
    let mut unzip_checked = 0;
    for ((path, ours), report) in expected.iter().zip(&reports) {
        let as_list = |v: &serde_json::Value| -> Option<Vec<(String, String)>> {
            v.as_array()?
                .iter()
                .map(|p| Some((p[0].as_str()?.to_string(), p[1].as_str()?.to_string())))
                .collect()
        };
        let keep = path.file_name().expect("name").to_string_lossy();
        if as_list(&report["zipfile"]).as_ref() != Some(ours) {
            failures.push(format!(
                "zipfile: {} ours {ours:?} theirs {}",
                keep, report["zipfile"]
            ));
        }
        if !report["unzip"].is_null() {
            unzip_checked += 1;
            let mut sorted = ours.clone();
            sorted.sort();
            if as_list(&report["unzip"]) != Some(sorted) {
                failures.push(format!(
                    "unzip: {} ours {ours:?} theirs {}",
                    keep, report["unzip"]
                ));
            }
        }
    }
    if unzip_checked == 0 {
        assert!(
            std::env::var("SEALED_ONNX_REQUIRE_PYTHON").as_deref() != Ok("1"),
            "unzip is missing and SEALED_ONNX_REQUIRE_PYTHON=1: install it (apt-get install -y unzip)"
        );
        eprintln!("skipped: unzip not installed; only zipfile was compared");
    }
    if !failures.is_empty() {
        let keep = tempfile::Builder::new()
            .prefix("agreement-")
            .tempdir()
            .expect("dir")
            .keep();
        for (path, _) in &expected {
            let _ = std::fs::copy(path, keep.join(path.file_name().expect("name")));
        }
        panic!(
            "{} disagreements (cases kept in {}):\n{}",
            failures.len(),
            keep.display(),
            failures.join("\n")
        );
    }
}

/// The constructions of issue 13 are real attacks, not just odd files: for each, Python's
/// `zipfile` or `unzip` reads a `model.onnx` other than the signed one (or an extra entry),
/// where sealed-onnx refuses the file.
#[test]
fn the_corpus_shows_other_readers_another_model() {
    let Some(python) = python() else { return };
    let signed = {
        let bytes = std::fs::read(repo("tests/hostile/source.sonnx")).expect("source");
        let entries = zip::read(&bytes, &Limits::default()).expect("source reads");
        let model = entries
            .iter()
            .find(|e| e.name == "model.onnx")
            .expect("model");
        to_hex(&sha256(&model.data))
    };
    let cases = [
        "two-end-records",
        "count-3-directory-4-duplicate",
        "count-3-directory-4-evil-py",
        "zip64-second-directory",
        "zip64-locator",
    ];
    let mut child = Command::new(python)
        .arg(repo("tests/hostile/zip_agreement.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run zip_agreement.py");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for case in cases {
            let path = repo(&format!("tests/hostile/cases/{case}.sonnx"));
            writeln!(stdin, "{}", path.display()).expect("write path");
        }
    }
    let out = child.wait_with_output().expect("zip_agreement.py");
    for (case, line) in cases
        .iter()
        .zip(String::from_utf8_lossy(&out.stdout).lines())
    {
        let bytes =
            std::fs::read(repo(&format!("tests/hostile/cases/{case}.sonnx"))).expect("case");
        assert!(ours(&bytes).is_none(), "{case} is accepted");
        let report: serde_json::Value = serde_json::from_str(line).expect("json");
        let fooled = |v: &serde_json::Value| {
            v.as_array().is_some_and(|list| {
                list.len() != 3
                    || list
                        .iter()
                        .any(|e| e[0] == "model.onnx" && e[1].as_str() != Some(signed.as_str()))
            })
        };
        assert!(
            fooled(&report["zipfile"]) || fooled(&report["unzip"]),
            "{case}: neither zipfile nor unzip reads another model: {report}"
        );
    }
}
