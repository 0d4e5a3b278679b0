//! A text input's vocabulary, read from the graph: the `StringNormalizer` and `Tokenizer` a
//! graph input reaches and the strings of the `TfIdfVectorizer` after them. Drift counts how
//! many of a text's tokens the vocabulary lacks, tokenised exactly as the graph tokenises
//! (the operators' own code, not a second tokenizer).

use std::collections::{BTreeMap, HashSet};

use tract_onnx::pb::{GraphProto, NodeProto};
use tract_onnx::prelude::*;

use super::error::{self, EngineError};
use super::graph_io::PASS_THROUGH;
use super::ops::string_normalizer::StringNormalizer;
use super::ops::tokenizer::Tokenizer;
use crate::schema::drift::{TokenCount, TokenCounter};

/// How one text input is tokenised, and the tokens the model knows.
#[derive(Debug, Clone)]
pub struct TextVocabulary {
    normalizer: Option<StringNormalizer>,
    tokenizer: Tokenizer,
    /// Every string of the vectorizer's pool: a token in none of its n-grams adds nothing
    /// to the model's features.
    known: HashSet<String>,
}

impl TokenCounter for TextVocabulary {
    fn count(&self, text: &str) -> TokenCount {
        let normalized = match &self.normalizer {
            Some(n) => match n.normalize_one(text) {
                Some(s) => s,
                // A stop word as a whole string: the graph drops it, no tokens.
                None => return TokenCount::default(),
            },
            None => text.to_string(),
        };
        let tokens = self.tokenizer.tokens(&normalized);
        TokenCount {
            tokens: tokens.len() as u64,
            unknown: tokens.iter().filter(|t| !self.known.contains(**t)).count() as u64,
        }
    }
}

/// The nodes whose first input is `value`, through pass-through nodes (which are skipped).
fn consumers<'g>(graph: &'g GraphProto, value: &str) -> Vec<&'g NodeProto> {
    let mut found = Vec::new();
    let mut frontier = vec![value.to_string()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(v) = frontier.pop() {
        if !seen.insert(v.clone()) {
            continue;
        }
        for node in graph.node.iter().filter(|n| n.input.first() == Some(&v)) {
            if PASS_THROUGH.contains(&node.op_type.as_str()) {
                frontier.extend(node.output.iter().cloned());
            } else {
                found.push(node);
            }
        }
    }
    found
}

fn prepare(e: TractError) -> EngineError {
    EngineError::Prepare {
        detail: error::chain(&e),
    }
}

/// The vocabulary behind one graph input, when it feeds `[StringNormalizer →] Tokenizer →
/// TfIdfVectorizer` with string n-grams (skl2onnx's text vectorizers).
fn vocabulary(graph: &GraphProto, input: &str) -> Result<Option<TextVocabulary>, EngineError> {
    let scope = SymbolScope::default();
    let mut next = consumers(graph, input);
    let mut normalizer = None;
    if let [node] = next.as_slice() {
        if node.op_type == "StringNormalizer" {
            normalizer =
                Some(StringNormalizer::parse(node, || scope.sym("kept")).map_err(prepare)?);
            next = node
                .output
                .first()
                .map(|o| consumers(graph, o))
                .unwrap_or_default();
        }
    }
    let [node] = next.as_slice() else {
        return Ok(None);
    };
    if node.op_type != "Tokenizer" {
        return Ok(None);
    }
    let tokenizer = Tokenizer::parse(node, scope.sym("tokens")).map_err(prepare)?;
    let after = node
        .output
        .first()
        .map(|o| consumers(graph, o))
        .unwrap_or_default();
    let [vectorizer] = after.as_slice() else {
        return Ok(None);
    };
    if vectorizer.op_type != "TfIdfVectorizer" {
        return Ok(None);
    }
    let pool = vectorizer
        .get_attr_opt_vec::<String>("pool_strings")
        .map_err(prepare)?;
    Ok(pool.map(|pool| TextVocabulary {
        normalizer,
        tokenizer,
        known: pool.into_iter().collect(),
    }))
}

/// The vocabulary of every graph input that feeds a text vectorizer, by input name.
///
/// # Errors
/// A text operator whose attributes cannot be read (loading the graph refuses it too).
pub fn vocabularies(graph: &GraphProto) -> Result<BTreeMap<String, TextVocabulary>, EngineError> {
    let mut found = BTreeMap::new();
    for input in &graph.input {
        if let Some(v) = vocabulary(graph, &input.name)? {
            found.insert(input.name.clone(), v);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests;
