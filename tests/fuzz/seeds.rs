//! Seeds, mutations and the shared proptest configuration.

use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use sealed_onnx::bundle::{zip, Limits};

/// The budget: `SEALED_ONNX_FUZZ_CASES` cases (default `default`) from seed
/// `SEALED_ONNX_FUZZ_SEED` (default fixed).
pub fn config(default: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("SEALED_ONNX_FUZZ_CASES").map_or(default, |c| c as u32),
        rng_seed: RngSeed::Fixed(env("SEALED_ONNX_FUZZ_SEED").unwrap_or(0x005e_a1ed)),
        // The targets are pure functions; no need to fork or time out.
        max_shrink_iters: 2000,
        ..Config::default()
    }
}

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The example bundles' bytes (read once).
pub fn bundles() -> Vec<Vec<u8>> {
    static BUNDLES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    BUNDLES
        .get_or_init(|| {
            ["iris", "diabetes", "breast-cancer", "study"]
                .iter()
                .map(|m| std::fs::read(repo(&format!("models/{m}-1.0.0.sonnx"))).expect("example"))
                .collect()
        })
        .clone()
}

/// The example bundles and every hostile-corpus case.
pub fn archives() -> Vec<Vec<u8>> {
    let mut all = bundles();
    let dir = repo("tests/hostile/cases");
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/hostile/cases")
        .map(|e| e.expect("entry").path())
        .collect();
    cases.sort();
    all.extend(cases.iter().map(|p| std::fs::read(p).expect("case")));
    all
}

/// One entry of each example bundle.
pub fn entries(name: &str) -> Vec<Vec<u8>> {
    bundles()
        .iter()
        .map(|b| {
            zip::read(b, &Limits::default())
                .expect("example reads")
                .into_iter()
                .find(|e| e.name == name)
                .expect("entry")
                .data
        })
        .collect()
}

/// The committed input seeds in `tests/fuzz/corpus/inputs/`.
pub fn inputs() -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(repo("tests/fuzz/corpus/inputs"))
        .expect("corpus/inputs")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("input seed"))
        .collect()
}

/// One byte-level edit.
#[derive(Debug, Clone)]
pub enum Edit {
    /// XOR a byte.
    Flip(usize, u8),
    /// Set a byte.
    Set(usize, u8),
    /// Insert bytes.
    Insert(usize, Vec<u8>),
    /// Remove a range.
    Remove(usize, usize),
    /// Copy a range to another place.
    Splice(usize, usize, usize),
    /// Set a little-endian u16 or u32 to an interesting value.
    Field(usize, bool, u32),
}

fn edit() -> impl Strategy<Value = Edit> {
    let interesting = prop_oneof![
        Just(0u32),
        Just(1),
        Just(0xFFFF),
        Just(0xFFFF_FFFF),
        Just(0x0800),
        Just(45),
        any::<u32>(),
    ];
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(a, b)| Edit::Flip(a, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Edit::Set(a, b)),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(a, b)| Edit::Insert(a, b)),
        (any::<usize>(), 1..64usize).prop_map(|(a, n)| Edit::Remove(a, n)),
        (any::<usize>(), 1..64usize, any::<usize>()).prop_map(|(a, n, to)| Edit::Splice(a, n, to)),
        (any::<usize>(), any::<bool>(), interesting).prop_map(|(a, w, v)| Edit::Field(a, w, v)),
    ]
}

/// Applies edits; positions wrap around the current length.
pub fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = bytes.len();
        if n == 0 {
            bytes.push(0);
            continue;
        }
        match e {
            Edit::Flip(at, x) => bytes[at % n] ^= x,
            Edit::Set(at, x) => bytes[at % n] = *x,
            Edit::Insert(at, b) => {
                let at = at % (n + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Edit::Remove(at, len) => {
                let at = at % n;
                bytes.drain(at..(at + len).min(n));
            }
            Edit::Splice(at, len, to) => {
                let at = at % n;
                let piece = bytes[at..(at + len).min(n)].to_vec();
                let to = to % (n + 1);
                bytes.splice(to..to, piece);
            }
            Edit::Field(at, wide, v) => {
                let width = if *wide { 4 } else { 2 };
                if n >= width {
                    let at = at % (n - width + 1);
                    bytes[at..at + width].copy_from_slice(&v.to_le_bytes()[..width]);
                }
            }
        }
    }
    bytes
}

/// A seed (by index into `seeds`) and up to `max` edits.
pub fn mutated(seeds: Vec<Vec<u8>>, max: usize) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    (0..n, proptest::collection::vec(edit(), 0..=max))
        .prop_map(move |(i, edits)| apply(seeds[i].clone(), &edits))
}
