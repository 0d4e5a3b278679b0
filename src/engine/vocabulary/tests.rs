use super::*;
use crate::schema::drift::count_tokens;

fn corpus_vocabulary(case: &str) -> TextVocabulary {
    let path = format!(
        "{}/tests/corpus/{case}/model.onnx",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).expect("corpus model");
    let mut found = crate::engine::text_vocabularies(&bytes).expect("vocabularies");
    assert_eq!(found.len(), 1, "{case}: one text input");
    found.remove("text").expect("the input named text")
}

#[test]
fn words_are_lowered_then_checked_against_the_pool() {
    // StringNormalizer (LOWER) → Tokenizer ([a-zA-Z0-9_]+) → TfIdfVectorizer.
    let v = corpus_vocabulary("text-tfidf-logreg");
    assert!(v.normalizer.is_some());
    assert_eq!(
        v.count("Bake BUTTER, zyxwvut!"),
        TokenCount {
            tokens: 3,
            unknown: 1
        }
    );
    assert_eq!(v.count(""), TokenCount::default());
    assert_eq!(v.count("...").tokens, 0);
}

#[test]
fn without_a_normalizer_case_matters() {
    // CountVectorizer(lowercase=False): no StringNormalizer, the pool keeps "Butter".
    let v = corpus_vocabulary("text-count-binary-complementnb");
    assert!(v.normalizer.is_none());
    assert_eq!(v.count("Butter").unknown, 0);
    assert_eq!(v.count("BUTTER bUTTER").unknown, 2);
}

#[test]
fn char_ngrams_count_characters() {
    // Character 2–3-grams: a token is a character, known when some n-gram has it.
    let v = corpus_vocabulary("text-char-tfidf-logreg");
    let c = v.count("ab\u{4e2d}");
    assert_eq!((c.tokens, c.unknown), (3, 1));
    let u = count_tokens(&v, ["ab", "\u{4e2d}\u{6587}"]);
    assert_eq!((u.tokens, u.unknown, u.rate), (4, 2, 0.5));
}

#[test]
fn a_numeric_graph_has_no_vocabulary() {
    let path = format!(
        "{}/tests/corpus/logreg-binary-int/model.onnx",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).expect("corpus model");
    assert!(crate::engine::text_vocabularies(&bytes)
        .expect("decodes")
        .is_empty());
}
