//! `ai.onnx.ml.TreeEnsembleRegressor` and `TreeEnsembleClassifier`, as onnxruntime computes
//! them (replacing tract's classifier, which mislabels binary forests).
//!
//! The aggregation, base values, binary-classifier special cases and post transforms follow
//! onnxruntime's tree aggregators rule for rule, including their quirks, because the
//! promise is "the same outputs as onnxruntime".

use std::sync::Arc;

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::class_labels::ClassLabels;
use super::forest::{floats, Forest};
use super::kernel::{boxed, rows_f32, Kernel, OutputSpec};
use super::post_transform::{logistic, probit, PostTransform};

/// Registers both operators.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("TreeEnsembleRegressor", build_regressor);
    reg.insert("TreeEnsembleClassifier", build_classifier);
}

/// How per-tree values combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Average,
    Min,
    Max,
}

/// A running score: value plus whether any tree contributed to it.
#[derive(Debug, Clone, Copy, Default)]
struct Score {
    value: f32,
    has: bool,
}

/// A parsed `TreeEnsembleRegressor`.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeEnsembleRegressor {
    /// Shared: tract clones operators while it optimises the graph.
    forest: Arc<Forest>,
    targets: usize,
    aggregate: Aggregate,
    base: Vec<f32>,
    post_transform: PostTransform,
}

fn base_values(ctx: &ParsingContext, node: &NodeProto) -> TractResult<Vec<f32>> {
    Ok(floats(ctx, node, "base_values")?
        .unwrap_or_default()
        .into_iter()
        .map(|v| v as f32)
        .collect())
}

fn build_regressor(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let forest = Forest::parse(ctx, node, "target")?;
    let targets = node.get_attr_opt::<i64>("n_targets")?.unwrap_or(1);
    let targets = usize::try_from(targets)
        .ok()
        .filter(|t| *t > 0)
        .context("n_targets must be positive")?;
    if forest.max_id() > targets {
        bail!(
            "{}: a weight targets id {} but n_targets is {targets}",
            node.name,
            forest.max_id() - 1
        );
    }
    let aggregate = match node
        .get_attr_opt::<&str>("aggregate_function")?
        .unwrap_or("SUM")
    {
        "SUM" => Aggregate::Sum,
        "AVERAGE" => Aggregate::Average,
        "MIN" => Aggregate::Min,
        "MAX" => Aggregate::Max,
        other => bail!("{}: unknown aggregate_function {other:?}", node.name),
    };
    boxed(TreeEnsembleRegressor {
        forest: Arc::new(forest),
        targets,
        aggregate,
        base: base_values(ctx, node)?,
        post_transform: PostTransform::parse(node.get_attr_opt::<&str>("post_transform")?)?,
    })
}

fn check_width(forest: &Forest, width: usize, op: &str) -> TractResult<()> {
    if width < forest.min_features {
        bail!(
            "{op} reads feature {} but rows have {width} features",
            forest.min_features - 1
        );
    }
    Ok(())
}

impl Kernel for TreeEnsembleRegressor {
    fn name(&self) -> &'static str {
        "TreeEnsembleRegressor"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec::rows(
            f32::datum_type(),
            tvec![self.targets]
        )])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let (x, width) = rows_f32(&inputs[0])?;
        check_width(&self.forest, width, self.name())?;
        let rows = x.len() / width.max(1);
        let k = self.targets;
        let single = k == 1;
        let mut scores = vec![Score::default(); rows * k];
        // The common case (one target, summed) without per-leaf callbacks.
        let sums = match self.aggregate {
            Aggregate::Sum | Aggregate::Average if single => self.forest.sum_leq(&x, width),
            _ => None,
        };
        if let Some(sums) = sums {
            for (s, value) in scores.iter_mut().zip(sums) {
                *s = Score { value, has: true };
            }
        } else {
            self.forest.for_each_leaf(&x, width, |r, leaf| {
                let row = &mut scores[r * k..(r + 1) * k];
                if single {
                    // onnxruntime's single-target path uses the leaf's first weight.
                    combine(self.aggregate, &mut row[0], leaf.unique);
                } else {
                    for w in leaf.weights {
                        combine(self.aggregate, &mut row[w.id as usize], w.value);
                    }
                }
            });
        }
        let trees = self.forest.trees() as f32;
        let mut out = Vec::with_capacity(rows * k);
        for row in scores.chunks_mut(k) {
            if single {
                let origin = if self.base.len() == 1 {
                    self.base[0]
                } else {
                    0.0
                };
                let s = &mut row[0];
                let v = match self.aggregate {
                    Aggregate::Sum => s.value + origin,
                    Aggregate::Average => s.value / trees + origin,
                    Aggregate::Min | Aggregate::Max => {
                        if s.has {
                            s.value + origin
                        } else {
                            origin
                        }
                    }
                };
                out.push(if self.post_transform == PostTransform::Probit {
                    probit(v)
                } else {
                    v
                });
            } else {
                let use_base = self.base.len() == k;
                let mut values: Vec<f32> = row
                    .iter()
                    .enumerate()
                    .map(|(j, s)| {
                        let b = if use_base { self.base[j] } else { 0.0 };
                        match self.aggregate {
                            Aggregate::Sum => s.value + b,
                            Aggregate::Average => s.value / trees + b,
                            Aggregate::Min | Aggregate::Max => {
                                b + if s.has { s.value } else { 0.0 }
                            }
                        }
                    })
                    .collect();
                self.post_transform.apply_row(&mut values);
                out.extend(values);
            }
        }
        Ok(tvec![Tensor::from_shape(&[rows, k], &out)?])
    }
}

fn combine(aggregate: Aggregate, s: &mut Score, v: f32) {
    match aggregate {
        Aggregate::Sum | Aggregate::Average => s.value += v,
        Aggregate::Min => {
            if !s.has || v < s.value {
                s.value = v;
            }
        }
        Aggregate::Max => {
            if !s.has || v > s.value {
                s.value = v;
            }
        }
    }
    s.has = true;
}

/// A parsed `TreeEnsembleClassifier`.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeEnsembleClassifier {
    /// Shared: tract clones operators while it optimises the graph.
    forest: Arc<Forest>,
    labels: ClassLabels,
    base: Vec<f32>,
    post_transform: PostTransform,
    /// Two classes but weights for only one of them.
    binary_case: bool,
    weights_all_positive: bool,
}

fn build_classifier(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let forest = Forest::parse(ctx, node, "class")?;
    let labels = ClassLabels::parse(node)?;
    if labels.len() < 2 {
        bail!(
            "{}: a tree classifier needs at least two class labels",
            node.name
        );
    }
    if forest.max_id() > labels.len() {
        bail!(
            "{}: a weight names class {} but there are {} labels",
            node.name,
            forest.max_id() - 1,
            labels.len()
        );
    }
    boxed(TreeEnsembleClassifier {
        binary_case: labels.len() == 2 && forest.distinct_ids() == 1,
        weights_all_positive: forest.weights_all_positive(),
        forest: Arc::new(forest),
        labels,
        base: base_values(ctx, node)?,
        post_transform: PostTransform::parse(node.get_attr_opt::<&str>("post_transform")?)?,
    })
}

/// The label a row gets: a position in the label list, or (onnxruntime's binary fallback)
/// the literal value 0 or 1.
enum Pick {
    Index(usize),
    Literal(i64),
}

impl TreeEnsembleClassifier {
    /// onnxruntime's `_set_score_binary`: the label, and how to widen one score to two.
    fn binary_label(&self, scores: &[Score], add_second: &mut i32) -> Pick {
        let pos = match scores {
            [_, s1] if s1.has => s1.value,
            [s0, ..] if s0.has => s0.value,
            _ => 0.0,
        };
        if self.binary_case {
            let (positive, code) = if self.weights_all_positive {
                (pos > 0.5, 0)
            } else {
                (pos > 0.0, 2)
            };
            *add_second = if positive { code } else { code + 1 };
            return Pick::Index(usize::from(positive));
        }
        Pick::Literal(i64::from(pos > 0.0))
    }

    /// Base values, label and final scores for one row (onnxruntime's `FinalizeScores`),
    /// its `classes` scores appended to `out`. Works in place: no allocation per row.
    fn finalize(&self, scores: &mut [Score], out: &mut Vec<f32>) -> Pick {
        let classes = self.labels.len();
        let mut add_second = -1;
        // onnxruntime drops the second score of a binary row no tree gave one to.
        let mut len = scores.len();
        let pick = if classes > 2 {
            for (k, b) in self.base.iter().enumerate().take(classes) {
                let s = &mut scores[k];
                s.value = if s.has { s.value + b } else { *b };
                s.has = true;
            }
            let mut best: Option<usize> = None;
            for (k, s) in scores.iter().enumerate() {
                if s.has && best.is_none_or(|b| s.value > scores[b].value) {
                    best = Some(k);
                }
            }
            Pick::Index(best.unwrap_or(0))
        } else {
            match self.base.len() {
                2 => {
                    if scores[1].has {
                        scores[1].value = self.base[1] + scores[0].value;
                        scores[0].value = -scores[1].value;
                    } else {
                        scores[1].value += self.base[1];
                        scores[0].value += self.base[0];
                    }
                }
                1 => {
                    scores[0].value += self.base[0];
                    if !scores[1].has {
                        len = 1;
                    }
                }
                0 => {
                    add_second = 3;
                    if !scores[1].has {
                        len = 1;
                    }
                }
                _ => {}
            }
            self.binary_label(&scores[..len], &mut add_second)
        };
        let start = out.len();
        if let [s] = scores[..len] {
            let s = s.value;
            match (self.post_transform, add_second) {
                (PostTransform::Probit, _) => out.push(probit(s)),
                (_, 0 | 1) => out.extend([1.0 - s, s]),
                (PostTransform::Logistic, 2 | 3) => out.extend([logistic(-s), logistic(s)]),
                (_, 2) => out.extend([-s, s]),
                (_, 3) => out.extend([s, -s]),
                _ => out.push(s),
            }
        } else {
            out.extend(scores[..len].iter().map(|s| s.value));
            if len >= 2 {
                self.post_transform.apply_row(&mut out[start..]);
            }
        }
        out.resize(start + classes, 0.0);
        pick
    }
}

impl super::class_labels::Labelled for TreeEnsembleClassifier {
    fn labels_mut(&mut self) -> &mut ClassLabels {
        &mut self.labels
    }
}

impl Kernel for TreeEnsembleClassifier {
    fn name(&self) -> &'static str {
        "TreeEnsembleClassifier"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![
            OutputSpec::rows(self.labels.datum_type(), tvec![]),
            OutputSpec::rows(f32::datum_type(), tvec![self.labels.len()]),
        ])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let (x, width) = rows_f32(&inputs[0])?;
        check_width(&self.forest, width, self.name())?;
        let rows = x.len() / width.max(1);
        let c = self.labels.len();
        let mut scores = vec![Score::default(); rows * c];
        self.forest.for_each_leaf(&x, width, |r, leaf| {
            for w in leaf.weights {
                let s = &mut scores[r * c + w.id as usize];
                s.value += w.value;
                s.has = true;
            }
        });
        let mut out = Vec::with_capacity(rows * c);
        let mut picks = Vec::with_capacity(rows);
        for row in scores.chunks_mut(c.max(1)) {
            picks.push(self.finalize(row, &mut out));
        }
        let labels = match &self.labels {
            ClassLabels::Ints(v) => tensor1(
                &picks
                    .iter()
                    .map(|p| match p {
                        Pick::Index(i) => v.get(*i).copied().unwrap_or(0),
                        Pick::Literal(l) => *l,
                    })
                    .collect::<Vec<_>>(),
            ),
            ClassLabels::Strings(v) => tensor1(
                &picks
                    .iter()
                    .map(|p| {
                        let i = match p {
                            Pick::Index(i) => *i,
                            Pick::Literal(l) => *l as usize,
                        };
                        v.get(i).cloned().unwrap_or_default()
                    })
                    .collect::<Vec<_>>(),
            ),
        };
        Ok(tvec![labels, Tensor::from_shape(&[rows, c], &out)?])
    }
}
