use super::*;

/// A vectorizer over a string pool, built as `build` would.
fn vectorizer(
    mode: Mode,
    grams: (usize, usize),
    skip: usize,
    pool: &[&[&str]],
    indexes: &[usize],
    weights: &[f32],
) -> TfIdfVectorizer {
    let mut root = Node::default();
    for (gram, &o) in pool.iter().zip(indexes) {
        let mut at = &mut root;
        for w in *gram {
            at = at.next.entry(Item::Str(w.to_string())).or_default();
        }
        at.output = Some(o);
    }
    TfIdfVectorizer {
        mode,
        min_gram: grams.0,
        max_gram: grams.1,
        max_skip: skip,
        weights: weights.to_vec(),
        output_size: indexes.iter().max().unwrap() + 1,
        root,
        strings: true,
    }
}

fn run(v: &TfIdfVectorizer, shape: &[usize], tokens: &[&str]) -> (Vec<usize>, Vec<f32>) {
    let t: Vec<String> = tokens.iter().map(|s| s.to_string()).collect();
    let x = tract_ndarray::ArrayD::from_shape_vec(shape, t)
        .unwrap()
        .into_tensor();
    let y = v.eval(&[x.into_tvalue()]).unwrap().remove(0);
    (
        y.shape().to_vec(),
        y.to_plain_array_view::<f32>()
            .unwrap()
            .iter()
            .copied()
            .collect(),
    )
}

#[test]
fn counts_unigrams_and_bigrams_at_their_indexes() {
    let v = vectorizer(
        Mode::Tf,
        (1, 2),
        0,
        &[&["a"], &["b"], &["a", "b"]],
        &[2, 0, 1],
        &[],
    );
    let (shape, y) = run(&v, &[2, 3], &["a", "b", "a", "b", "#", "#"]);
    assert_eq!(shape, [2, 3]);
    assert_eq!(y, [1.0, 1.0, 2.0, 1.0, 0.0, 0.0]);
}

#[test]
fn unigrams_once_whatever_the_skip() {
    let v = vectorizer(Mode::Tf, (1, 2), 1, &[&["a"], &["a", "c"]], &[0, 1], &[]);
    // "a c" once adjacent and once over "b" (skip 1); "a" twice, not once per skip.
    let (_, y) = run(&v, &[5], &["a", "c", "a", "b", "c"]);
    assert_eq!(y, [2.0, 2.0]);
}

#[test]
fn weights_by_output_position_and_modes() {
    let pool: &[&[&str]] = &[&["a"], &["b"]];
    let v = vectorizer(Mode::TfIdf, (1, 1), 0, pool, &[1, 0], &[10.0, 20.0]);
    // weights[output position]: "a" lands at 1, so it is weighted 20.
    assert_eq!(run(&v, &[3], &["a", "a", "b"]).1, [10.0, 40.0]);
    let v = vectorizer(Mode::Idf, (1, 1), 0, pool, &[1, 0], &[10.0, 20.0]);
    assert_eq!(run(&v, &[3], &["a", "a", "b"]).1, [10.0, 20.0]);
    let v = vectorizer(Mode::Idf, (1, 1), 0, pool, &[1, 0], &[]);
    assert_eq!(run(&v, &[2], &["a", "a"]).1, [0.0, 1.0]);
}

#[test]
fn empty_rows_give_zeros() {
    let v = vectorizer(Mode::Tf, (1, 1), 0, &[&["a"]], &[0], &[]);
    assert_eq!(run(&v, &[3, 0], &[]), (vec![3, 1], vec![0.0; 3]));
}
