//! `ai.onnx.TfIdfVectorizer` (opset 9), as onnxruntime computes it: counts the pool's
//! n-grams (with skips) in each row of tokens and writes them, weighted, at their output
//! indexes.
//!
//! onnxruntime's details kept here: the n-grams form a trie and a walk stops at the first
//! token that continues no n-gram; 1-grams are counted once, not once per skip distance;
//! `weights` are indexed by *output* position (so a weight belongs to the n-gram whose
//! `ngram_indexes` entry is that position); `IDF` writes the weight (or 1) where the count is
//! non-zero; a `[C]` input gives a `[V]` output, a `[B, C]` input `[B, V]`.

use std::collections::HashMap;

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, Kernel, OutShape, OutputSpec};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("TfIdfVectorizer", build);
}

/// `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Counts.
    Tf,
    /// The weight (or 1) where the count is non-zero.
    Idf,
    /// Counts times weights.
    TfIdf,
}

/// A pool item: a string or an integer token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Item {
    Str(String),
    Int(i64),
}

/// One trie node: the n-gram ending here (its output index), and the longer ones.
#[derive(Debug, Clone, Default, PartialEq)]
struct Node {
    output: Option<usize>,
    next: HashMap<Item, Node>,
}

/// A parsed `TfIdfVectorizer`.
#[derive(Debug, Clone, PartialEq)]
pub struct TfIdfVectorizer {
    mode: Mode,
    min_gram: usize,
    max_gram: usize,
    max_skip: usize,
    /// Output indexes by output position: the weights (empty for none).
    weights: Vec<f32>,
    output_size: usize,
    root: Node,
    strings: bool,
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let mode = match node.get_attr::<String>("mode")?.as_str() {
        "TF" => Mode::Tf,
        "IDF" => Mode::Idf,
        "TFIDF" => Mode::TfIdf,
        other => bail!("{}: mode {other:?} is not one of TF, IDF, TFIDF", node.name),
    };
    let min_gram = node.get_attr::<i64>("min_gram_length")?;
    let max_gram = node.get_attr::<i64>("max_gram_length")?;
    let max_skip = node.get_attr::<i64>("max_skip_count")?;
    node.expect(min_gram > 0, "min_gram_length positive")?;
    node.expect(max_gram >= min_gram, "max_gram_length >= min_gram_length")?;
    node.expect(max_skip >= 0, "max_skip_count non-negative")?;
    let counts = node.get_attr_vec::<i64>("ngram_counts")?;
    node.expect(!counts.is_empty(), "ngram_counts not empty")?;
    node.expect(
        max_gram as usize <= counts.len(),
        "max_gram_length within ngram_counts",
    )?;
    let indexes = node.get_attr_vec::<i64>("ngram_indexes")?;
    node.expect(!indexes.is_empty(), "ngram_indexes not empty")?;
    let indexes: Vec<usize> = indexes
        .iter()
        .map(|&i| usize::try_from(i))
        .collect::<Result<_, _>>()
        .map_err(|_| format_err!("{}: a negative ngram_indexes value", node.name))?;
    let output_size = indexes.iter().max().map_or(0, |m| m + 1);
    let weights = node.get_attr_opt_vec::<f32>("weights")?.unwrap_or_default();
    if !weights.is_empty() {
        node.expect(
            weights.len() == indexes.len(),
            "as many weights as ngram_indexes",
        )?;
        // onnxruntime reads weights[output index]: past the end would be out of bounds.
        node.expect(
            output_size <= weights.len(),
            "every ngram_indexes value below the number of weights",
        )?;
    }
    let pool: Vec<Item> = match node.get_attr_opt_vec::<String>("pool_strings")? {
        Some(s) => {
            node.expect(!s.is_empty(), "pool_strings not empty")?;
            s.into_iter().map(Item::Str).collect()
        }
        None => {
            let ints = node
                .get_attr_opt_vec::<i64>("pool_int64s")?
                .unwrap_or_default();
            node.expect(!ints.is_empty(), "pool_strings or pool_int64s")?;
            ints.into_iter().map(Item::Int).collect()
        }
    };
    let strings = matches!(pool.first(), Some(Item::Str(_)));
    let (min_gram, max_gram, max_skip) = (min_gram as usize, max_gram as usize, max_skip as usize);
    let mut root = Node::default();
    // N-gram ids run over the whole pool (also the sizes left out), in pool order.
    let mut id = 0usize;
    for (i, &start) in counts.iter().enumerate() {
        let size = i + 1;
        let end = counts.get(i + 1).copied().unwrap_or(pool.len() as i64);
        let (start, end) = (usize::try_from(start)?, usize::try_from(end)?);
        if end < start || end > pool.len() {
            bail!("{}: ngram_counts out of bounds for {size}-grams", node.name);
        }
        let items = &pool[start..end];
        if !items.len().is_multiple_of(size) {
            bail!("{}: the {size}-grams are not whole {size}-grams", node.name);
        }
        for gram in items.chunks(size) {
            if (min_gram..=max_gram).contains(&size) {
                let output = *indexes
                    .get(id)
                    .with_context(|| format!("{}: fewer ngram_indexes than n-grams", node.name))?;
                let mut at = &mut root;
                for item in gram {
                    at = at.next.entry(item.clone()).or_default();
                }
                if at.output.replace(output).is_some() {
                    bail!("{}: a duplicate {size}-gram in the pool", node.name);
                }
            }
            id += 1;
        }
    }
    boxed(TfIdfVectorizer {
        mode,
        min_gram,
        max_gram,
        max_skip,
        weights,
        output_size,
        root,
        strings,
    })
}

impl TfIdfVectorizer {
    fn add(&self, out: &mut [f32], at: usize) {
        let Some(slot) = out.get_mut(at) else { return };
        match self.mode {
            Mode::Tf => *slot += 1.0,
            Mode::Idf => *slot = self.weights.get(at).copied().unwrap_or(1.0),
            Mode::TfIdf => *slot += self.weights.get(at).copied().unwrap_or(1.0),
        }
    }

    /// Adds one row's n-grams to `out`, walking as onnxruntime does.
    fn row(&self, row: &[Item], out: &mut [f32]) {
        let mut start_size = self.min_gram;
        for skip in 1..=self.max_skip + 1 {
            for first in 0..row.len() {
                // No n-gram of the smallest size still fits from here.
                if first + skip * (start_size - 1) >= row.len() {
                    break;
                }
                let mut at = &self.root;
                let mut size = 1;
                let mut pos = first;
                while size <= self.max_gram && pos < row.len() && !at.next.is_empty() {
                    let Some(next) = at.next.get(&row[pos]) else {
                        break;
                    };
                    if size >= start_size {
                        if let Some(o) = next.output {
                            self.add(out, o);
                        }
                    }
                    at = next;
                    size += 1;
                    pos += skip;
                }
            }
            // 1-grams do not depend on the skip: counted in the first pass only.
            if start_size == 1 {
                start_size = 2;
                if start_size > self.max_gram {
                    break;
                }
            }
        }
    }
}

impl Kernel for TfIdfVectorizer {
    fn name(&self) -> &'static str {
        "TfIdfVectorizer"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec {
            dtype: f32::datum_type(),
            trailing: tvec![],
            shape: OutShape::Custom,
        }])
    }

    fn custom_shape(&self, _output: usize, input: &[TDim]) -> TractResult<TVec<TDim>> {
        Ok(match input {
            [] | [_] => tvec![self.output_size.to_dim()],
            [b, _] => tvec![b.clone(), self.output_size.to_dim()],
            _ => bail!(
                "TfIdfVectorizer: input of rank {}: only [C] or [B, C]",
                input.len()
            ),
        })
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = inputs.first().context("TfIdfVectorizer: no input")?;
        let (rows, width, out_shape): (usize, usize, TVec<usize>) = match *x.shape() {
            [] => (1, 1, tvec![self.output_size]),
            [c] => (1, c, tvec![self.output_size]),
            [b, c] if b > 0 => (b, c, tvec![b, self.output_size]),
            _ => bail!(
                "TfIdfVectorizer: input shape {:?}: only [C] or [B, C] with B > 0 (as onnxruntime)",
                x.shape()
            ),
        };
        let items: Vec<Item> = if x.datum_type() == String::datum_type() {
            if !self.strings {
                bail!("TfIdfVectorizer: string input but an integer pool");
            }
            x.to_plain_array_view::<String>()?
                .iter()
                .map(|s| Item::Str(s.clone()))
                .collect()
        } else {
            if self.strings {
                bail!("TfIdfVectorizer: integer input but a string pool");
            }
            x.cast_to::<i64>()?
                .to_plain_array_view::<i64>()?
                .iter()
                .map(|v| Item::Int(*v))
                .collect()
        };
        let mut out = vec![0f32; rows * self.output_size];
        if width > 0 && self.output_size > 0 {
            for (row, chunk) in items.chunks(width).zip(out.chunks_mut(self.output_size)) {
                self.row(row, chunk);
            }
        }
        Ok(tvec![Tensor::from_shape(&out_shape, &out)?])
    }
}

#[cfg(test)]
mod tests;
