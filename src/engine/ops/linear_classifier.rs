//! `ai.onnx.ml.LinearClassifier`, as onnxruntime computes it.
//!
//! Replaces tract's version, which cannot produce string labels. Semantics follow
//! onnxruntime's kernel: scores = X·Wᵀ + b; with several models the label is the first
//! highest raw score and the scores get `post_transform`; with one model and two labels the
//! label is positive when the raw score is > 0 and the scores become `[1 - s, s]`.

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::class_labels::ClassLabels;
use super::kernel::{boxed, rows_f32, Kernel, OutputSpec};
use super::post_transform::PostTransform;

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("LinearClassifier", build);
}

/// A parsed `LinearClassifier` node.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearClassifier {
    labels: ClassLabels,
    /// `[models, features]`, row-major.
    coefficients: Vec<f32>,
    intercepts: Vec<f32>,
    models: usize,
    features: usize,
    post_transform: PostTransform,
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let labels = ClassLabels::parse(node)?;
    let coefficients: Vec<f32> = node.get_attr_vec("coefficients")?;
    let intercepts: Vec<f32> = node.get_attr_opt_vec("intercepts")?.unwrap_or_default();
    let models = if intercepts.is_empty() {
        labels.len()
    } else {
        intercepts.len()
    };
    let intercepts = if intercepts.is_empty() {
        vec![0.0; models]
    } else {
        intercepts
    };
    if models == 0 || coefficients.is_empty() || !coefficients.len().is_multiple_of(models) {
        bail!(
            "LinearClassifier {}: {} coefficients do not split into {models} models",
            node.name,
            coefficients.len()
        );
    }
    let post_transform = PostTransform::parse(node.get_attr_opt::<&str>("post_transform")?)?;
    if models == 1 && (labels.len() != 2 || post_transform == PostTransform::Probit) {
        bail!("LinearClassifier {}: a single model needs exactly two class labels and no PROBIT transform", node.name);
    }
    if models > 1 && labels.len() != models {
        bail!(
            "LinearClassifier {}: {} class labels for {models} models",
            node.name,
            labels.len()
        );
    }
    boxed(LinearClassifier {
        labels,
        features: coefficients.len() / models,
        coefficients,
        intercepts,
        models,
        post_transform,
    })
}

impl super::class_labels::Labelled for LinearClassifier {
    fn labels_mut(&mut self) -> &mut ClassLabels {
        &mut self.labels
    }
}

impl Kernel for LinearClassifier {
    fn name(&self) -> &'static str {
        "LinearClassifier"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        let columns = if self.models == 1 { 2 } else { self.models };
        Ok(tvec![
            OutputSpec::rows(self.labels.datum_type(), tvec![]),
            OutputSpec::rows(f32::datum_type(), tvec![columns]),
        ])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let (x, width) = rows_f32(&inputs[0])?;
        if width != self.features {
            bail!(
                "LinearClassifier expects {} features per row, got {width}",
                self.features
            );
        }
        let rows = x.len() / width.max(1);
        let columns = if self.models == 1 { 2 } else { self.models };
        let mut scores = Vec::with_capacity(rows * columns);
        let mut winners = Vec::with_capacity(rows);
        let mut raw = vec![0f32; self.models];
        for row in x.chunks(width) {
            for (m, r) in raw.iter_mut().enumerate() {
                let w = &self.coefficients[m * width..(m + 1) * width];
                *r = row.iter().zip(w).map(|(a, b)| a * b).sum::<f32>() + self.intercepts[m];
            }
            if self.models == 1 {
                winners.push(usize::from(raw[0] > 0.0));
                scores.extend([1.0 - raw[0], raw[0]]);
            } else {
                winners.push(first_argmax(&raw));
                let start = scores.len();
                scores.extend_from_slice(&raw);
                self.post_transform.apply_row(&mut scores[start..]);
            }
        }
        Ok(tvec![
            self.labels.tensor(&winners)?,
            Tensor::from_shape(&[rows, columns], &scores)?
        ])
    }
}

/// Index of the first maximum (strictly greater wins), as onnxruntime picks it.
pub fn first_argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate().skip(1) {
        if *x > v[best] {
            best = i;
        }
    }
    best
}
