use super::*;

fn tokenizer(split: Split, mark: bool, mincharnum: usize) -> Tokenizer {
    Tokenizer {
        mark,
        pad: "#".into(),
        mincharnum,
        split,
        tokens: SymbolScope::default().sym("tokens"),
    }
}

fn expr(p: &str) -> Split {
    Split::Expression(Re2::new(p).unwrap())
}

fn run(t: &Tokenizer, shape: &[usize], strings: &[&str]) -> (Vec<usize>, Vec<String>) {
    let v: Vec<String> = strings.iter().map(|s| s.to_string()).collect();
    let x = tract_ndarray::ArrayD::from_shape_vec(shape, v)
        .unwrap()
        .into_tensor();
    let y = t.eval(&[x.into_tvalue()]).unwrap().remove(0);
    let data = y
        .to_plain_array_view::<String>()
        .unwrap()
        .iter()
        .cloned()
        .collect();
    (y.shape().to_vec(), data)
}

#[test]
fn perl_classes_and_word_boundaries_are_ascii_as_in_re2() {
    assert_eq!(
        re2_pattern(r"\w+").unwrap(),
        r"[\x30-\x39\x41-\x5A\x5F\x61-\x7A]+"
    );
    assert_eq!(re2_pattern(r"[\d.]").unwrap(), r"[[\x30-\x39].]");
    assert_eq!(
        re2_pattern(r"\b\W").unwrap(),
        r"(?-u:\b)[^\x30-\x39\x41-\x5A\x5F\x61-\x7A]"
    );
    let t = tokenizer(expr(r"\b\w\w+\b"), false, 1);
    // "naïve": ï is not a word character to RE2, so "na" and "ve" are words around it.
    assert_eq!(
        run(&t, &[1], &["Émile naïve café"]).1,
        ["mile", "na", "ve", "caf"]
    );
}

#[test]
fn the_u_flag_is_refused_as_re2_does() {
    let e = Re2::new(r"(?u)\b\w\w+\b").unwrap_err().to_string();
    assert!(e.contains("the `u` flag is not RE2 syntax"), "{e}");
}

#[test]
fn matches_are_leftmost_longest() {
    // Leftmost-first would give "a" then "b".
    let t = tokenizer(expr("a|ab"), false, 1);
    assert_eq!(run(&t, &[1], &["xab"]).1, ["ab"]);
    let t = tokenizer(expr("a*(ab)?"), false, 1);
    assert_eq!(run(&t, &[1], &["aab"]).1, ["aab"]);
}

#[test]
fn rows_padded_to_the_longest_with_markers() {
    let t = tokenizer(expr("[a-z]+"), true, 1);
    let (shape, data) = run(&t, &[2], &["ab cd", "e"]);
    assert_eq!(shape, [2, 4]);
    assert_eq!(
        data,
        ["\u{2}", "ab", "cd", "\u{3}", "\u{2}", "e", "\u{3}", "#"]
    );
}

#[test]
fn no_token_anywhere_gives_an_empty_last_axis() {
    let t = tokenizer(expr("[a-z]+"), true, 1);
    let (shape, data) = run(&t, &[2], &["", "!!"]);
    assert_eq!(shape, [2, 0]);
    assert!(data.is_empty());
}

#[test]
fn mincharnum_skips_short_tokens() {
    let t = tokenizer(expr("[a-z]+"), false, 2);
    assert_eq!(run(&t, &[1], &["a bc d"]).1, ["bc"]);
    // A whole string shorter than mincharnum has no token.
    assert_eq!(run(&t, &[2], &["a", "bcd"]).1, ["#", "bcd"]);
}

#[test]
fn characters() {
    let t = tokenizer(Split::Chars, false, 1);
    let (shape, data) = run(&t, &[2], &["ßé", "a"]);
    assert_eq!(shape, [2, 2]);
    assert_eq!(data, ["ß", "é", "a", "#"]);
}

#[test]
fn separators_apply_in_order() {
    let seps = vec![Re2::new(" ").unwrap(), Re2::new("[.]").unwrap()];
    let t = tokenizer(Split::Separators(seps), false, 1);
    assert_eq!(run(&t, &[1], &["a.b c  d."]).1, ["a", "b", "c", "d"]);
    // Nothing but separators: no token.
    assert_eq!(run(&t, &[1], &[" . "]).0, [1, 0]);
}

/// Expected outputs from onnxruntime 1.32 (the same strings through its Tokenizer).
#[test]
fn onnxruntime_edge_cases() {
    let t = tokenizer(expr("x*"), false, 1);
    assert_eq!(run(&t, &[1], &["abc"]).0, [1, 0]);
    let t = tokenizer(expr(r"\D+"), false, 1);
    assert_eq!(run(&t, &[1], &["a1 b2"]).1, ["a", " b"]);
    let t = tokenizer(expr("(?i)[A-Z]+"), false, 1);
    assert_eq!(run(&t, &[1], &["über straße"]).1, ["ber", "stra", "e"]);
    let t = tokenizer(expr(r"\pL+"), false, 1);
    assert_eq!(run(&t, &[1], &["über straße"]).1, ["über", "straße"]);
    let t = tokenizer(expr("[a-z]"), false, 1);
    assert_eq!(
        run(&t, &[1, 2], &["ab", "c"]),
        (
            vec![1, 2, 2],
            vec!["a".into(), "b".into(), "c".into(), "#".into()]
        )
    );
}
