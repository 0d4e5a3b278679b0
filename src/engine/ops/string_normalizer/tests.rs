use std::collections::HashMap;

use super::*;

/// onnxruntime's case map (tests/data/make_case_map.py): (lower, upper) changes by code point.
fn ort_map() -> (HashMap<u32, u32>, HashMap<u32, u32>) {
    let text = include_str!("../../../../tests/data/ort_case_map.txt");
    let (mut lo, mut up) = (HashMap::new(), HashMap::new());
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split(' ').collect();
        let from = u32::from_str_radix(f[1], 16).unwrap();
        let to = u32::from_str_radix(f[2], 16).unwrap();
        match f[0] {
            "L" => lo.insert(from, to),
            "U" => up.insert(from, to),
            other => panic!("bad tag {other}"),
        };
    }
    (lo, up)
}

/// Code points Rust's Unicode tables (newer than glibc 2.36's Unicode 14) give a case
/// mapping onnxruntime's glibc does not know: case pairs added in Unicode 16 and 17 (Latin
/// letters such as U+019B/U+A7DC, Cyrillic U+1C89/U+1C8A, Garay, Beria Erfe).
fn newer_than_unicode_14(c: u32) -> bool {
    matches!(
        c,
        0x19B
            | 0x264
            | 0x1C89..=0x1C8A
            | 0xA7CB..=0xA7CF
            | 0xA7D2..=0xA7D5
            | 0xA7DA..=0xA7DC
            | 0x10D50..=0x10D65
            | 0x10D70..=0x10D85
            | 0x16EA0..=0x16EB8
            | 0x16EBB..=0x16ED3
    )
}

#[test]
fn case_mapping_is_onnxruntimes_on_every_code_point() {
    let (lo, up) = ort_map();
    assert!(lo.len() > 1400 && up.len() > 1400, "fixture too small");
    let mut differ = Vec::new();
    for c in (1..0x110000u32).filter_map(char::from_u32) {
        let want_lo = lo.get(&(c as u32)).copied().unwrap_or(c as u32);
        let want_up = up.get(&(c as u32)).copied().unwrap_or(c as u32);
        if (lower(c) as u32 != want_lo || upper(c) as u32 != want_up)
            && !newer_than_unicode_14(c as u32)
        {
            differ.push(format!("{:x}", c as u32));
        }
    }
    assert!(
        differ.is_empty(),
        "differ from onnxruntime: {} {differ:?}",
        differ.len()
    );
}

#[test]
fn simple_case_mapping_not_pythons() {
    // scikit-learn lowercases with Python's full mapping; onnxruntime does not.
    assert_eq!(change_case(CaseAction::Upper, "straße"), "STRAßE");
    assert_eq!(change_case(CaseAction::Lower, "İSTANBUL"), "istanbul");
    assert_eq!(
        change_case(CaseAction::Lower, "Émile ÇA ßtraße naïve"),
        "émile ça ßtraße naïve"
    );
    assert_eq!(change_case(CaseAction::Upper, "ᾳ"), "ᾼ");
}

fn normalizer(action: CaseAction, case_sensitive: bool, stop: &[&str]) -> StringNormalizer {
    let compare = match (case_sensitive, action) {
        (true, _) => None,
        (false, CaseAction::Upper) => Some(CaseAction::Upper),
        (false, _) => Some(CaseAction::Lower),
    };
    StringNormalizer {
        action,
        compare,
        stopwords: stop
            .iter()
            .map(|w| compare.map_or(w.to_string(), |c| change_case(c, w)))
            .collect(),
        kept: (!stop.is_empty()).then(|| SymbolScope::default().sym("kept")),
    }
}

fn run(n: &StringNormalizer, shape: &[usize], strings: &[&str]) -> TractResult<Tensor> {
    let v: Vec<String> = strings.iter().map(|s| s.to_string()).collect();
    let x = tract_ndarray::ArrayD::from_shape_vec(shape, v)?.into_tensor();
    Ok(n.eval(&[x.into_tvalue()])?.remove(0))
}

fn strings(t: &Tensor) -> Vec<String> {
    t.to_plain_array_view::<String>()
        .unwrap()
        .iter()
        .cloned()
        .collect()
}

#[test]
fn stop_words_drop_whole_strings() {
    let n = normalizer(CaseAction::Lower, false, &["The", "a"]);
    let y = run(&n, &[3], &["THE", "Cat", "a"]).unwrap();
    assert_eq!(y.shape(), &[1]);
    assert_eq!(strings(&y), ["cat"]);
    // Case sensitive: "THE" is not "The".
    let n = normalizer(CaseAction::None, true, &["The"]);
    let y = run(&n, &[1, 3], &["THE", "The", "x"]).unwrap();
    assert_eq!(y.shape(), &[1, 2]);
    assert_eq!(strings(&y), ["THE", "x"]);
    // Case insensitive, no case change: the kept strings keep their case.
    let n = normalizer(CaseAction::None, false, &["the"]);
    assert_eq!(strings(&run(&n, &[2], &["THE", "Cat"]).unwrap()), ["Cat"]);
}

#[test]
fn all_stop_words_give_one_empty_string() {
    let n = normalizer(CaseAction::Lower, false, &["the"]);
    let y = run(&n, &[2], &["the", "THE"]).unwrap();
    assert_eq!(y.shape(), &[1]);
    assert_eq!(strings(&y), [""]);
    let y = run(&n, &[1, 1], &["The"]).unwrap();
    assert_eq!(y.shape(), &[1, 1]);
}

#[test]
fn shapes_onnxruntime_refuses() {
    let n = normalizer(CaseAction::Lower, false, &[]);
    let e = run(&n, &[2, 1], &["a", "b"]).unwrap_err().to_string();
    assert!(e.contains("only [C] or [1, C]"), "{e}");
    assert!(run(&n, &[0], &[]).is_err());
    assert_eq!(strings(&run(&n, &[2], &["A", "b"]).unwrap()), ["a", "b"]);
}
