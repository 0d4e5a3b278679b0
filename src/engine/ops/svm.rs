//! `ai.onnx.ml.SVMClassifier` and `SVMRegressor`, as onnxruntime computes them: the kernel
//! (linear, poly, rbf, sigmoid) against support vectors, one-vs-one voting, Platt
//! probabilities coupled with libsvm's multiclass method, and the binary special cases.

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::class_labels::ClassLabels;
use super::kernel::{boxed, rows_f32, Kernel, OutputSpec};
use super::post_transform::{logistic, probit, PostTransform};

/// Registers both operators.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("SVMClassifier", build_classifier);
    reg.insert("SVMRegressor", build_regressor);
}

/// The kernel function and its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
enum KernelFn {
    Linear,
    Poly { gamma: f32, coef0: f32, degree: f32 },
    Rbf { gamma: f32 },
    Sigmoid { gamma: f32, coef0: f32 },
}

fn kernel_fn(node: &NodeProto) -> TractResult<KernelFn> {
    let p = node
        .get_attr_opt_vec::<f32>("kernel_params")?
        .unwrap_or_default();
    let (gamma, coef0, degree) = match p.as_slice() {
        [] => (0.0, 0.0, 0.0),
        [g, c, d, ..] => (*g, *c, *d),
        _ => bail!("{}: kernel_params needs gamma, coef0 and degree", node.name),
    };
    Ok(
        match node
            .get_attr_opt::<&str>("kernel_type")?
            .unwrap_or("LINEAR")
        {
            "LINEAR" => KernelFn::Linear,
            "POLY" => KernelFn::Poly {
                gamma,
                coef0,
                degree,
            },
            "RBF" => KernelFn::Rbf { gamma },
            "SIGMOID" => KernelFn::Sigmoid { gamma, coef0 },
            other => bail!("{}: unknown kernel_type {other:?}", node.name),
        },
    )
}

impl KernelFn {
    /// `K(x, v)`; `c` is the constant a linear kernel adds (onnxruntime's GEMM scalar).
    fn apply(self, x: &[f32], v: &[f32], c: f32) -> f32 {
        let dot = || x.iter().zip(v).map(|(a, b)| a * b).sum::<f32>();
        match self {
            KernelFn::Linear => dot() + c,
            KernelFn::Poly {
                gamma,
                coef0,
                degree,
            } => {
                let base = gamma * dot() + coef0;
                if degree == 2.0 {
                    base * base
                } else if degree == 3.0 {
                    base * base * base
                } else {
                    base.powf(degree)
                }
            }
            KernelFn::Rbf { gamma } => {
                let d2: f32 = x.iter().zip(v).map(|(a, b)| (a - b) * (a - b)).sum();
                (-gamma * d2).exp()
            }
            KernelFn::Sigmoid { gamma, coef0 } => (gamma * dot() + coef0).tanh(),
        }
    }
}

/// A parsed `SVMClassifier`.
#[derive(Debug, Clone, PartialEq)]
pub struct SvmClassifier {
    labels: ClassLabels,
    kernel: KernelFn,
    /// Support vectors per class (empty: liblinear mode, one coefficient row per class).
    vectors_per_class: Vec<usize>,
    starts: Vec<usize>,
    support_vectors: Vec<f32>,
    coefficients: Vec<f32>,
    rho: Vec<f32>,
    prob_a: Vec<f32>,
    prob_b: Vec<f32>,
    features: usize,
    post_transform: PostTransform,
    weights_all_positive: bool,
}

fn build_classifier(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let labels = ClassLabels::parse(node)?;
    let classes = labels.len();
    let vectors_per_class: Vec<usize> = node
        .get_attr_opt_vec::<i64>("vectors_per_class")?
        .unwrap_or_default()
        .into_iter()
        .map(|v| {
            usize::try_from(v).map_err(|_| format_err!("{}: negative vectors_per_class", node.name))
        })
        .collect::<TractResult<_>>()?;
    let support_vectors = node
        .get_attr_opt_vec::<f32>("support_vectors")?
        .unwrap_or_default();
    let coefficients: Vec<f32> = node.get_attr_vec("coefficients")?;
    let rho: Vec<f32> = node.get_attr_vec("rho")?;
    let prob_a = node.get_attr_opt_vec::<f32>("prob_a")?.unwrap_or_default();
    let prob_b = node.get_attr_opt_vec::<f32>("prob_b")?.unwrap_or_default();
    let vectors: usize = vectors_per_class.iter().sum();
    let pairs = classes * (classes - 1) / 2;
    let mut starts = Vec::with_capacity(vectors_per_class.len());
    let mut acc = 0;
    for v in &vectors_per_class {
        starts.push(acc);
        acc += v;
    }
    let (kernel, features) = if vectors > 0 {
        if vectors_per_class.len() != classes || !support_vectors.len().is_multiple_of(vectors) {
            bail!(
                "{}: support vectors do not match vectors_per_class and the class labels",
                node.name
            );
        }
        if coefficients.len() < (classes - 1) * vectors || rho.len() < pairs {
            bail!(
                "{}: too few coefficients or rho values for {classes} classes",
                node.name
            );
        }
        if prob_a.len() != prob_b.len() || (!prob_a.is_empty() && prob_a.len() < pairs) {
            bail!(
                "{}: prob_a and prob_b need one value per pair of classes",
                node.name
            );
        }
        (kernel_fn(node)?, support_vectors.len() / vectors)
    } else {
        if coefficients.is_empty() || !coefficients.len().is_multiple_of(classes) || rho.is_empty()
        {
            bail!(
                "{}: linear SVM coefficients must be one row per class, with rho",
                node.name
            );
        }
        (KernelFn::Linear, coefficients.len() / classes)
    };
    boxed(SvmClassifier {
        weights_all_positive: coefficients.iter().all(|c| *c >= 0.0),
        labels,
        kernel,
        vectors_per_class,
        starts,
        support_vectors,
        coefficients,
        rho,
        prob_a,
        prob_b,
        features,
        post_transform: PostTransform::parse(node.get_attr_opt::<&str>("post_transform")?)?,
    })
}

impl SvmClassifier {
    fn svc(&self) -> bool {
        !self.vectors_per_class.is_empty() && self.vectors_per_class.iter().sum::<usize>() > 0
    }

    fn columns(&self) -> usize {
        let c = self.labels.len();
        if self.svc() && self.prob_a.is_empty() {
            if c > 2 {
                c * (c - 1) / 2
            } else {
                2
            }
        } else {
            c
        }
    }

    /// One row: the label index and the scores.
    fn row(&self, x: &[f32]) -> (usize, Vec<f32>) {
        let c = self.labels.len();
        if !self.svc() {
            let mut scores: Vec<f32> = (0..c)
                .map(|k| {
                    self.kernel.apply(
                        x,
                        &self.coefficients[k * self.features..(k + 1) * self.features],
                        self.rho[0],
                    )
                })
                .collect();
            let (best, max) = first_max(&scores);
            let pick = if c == 2 && self.prob_a.is_empty() {
                if (self.weights_all_positive && max >= 0.5)
                    || (max > 0.0 && !self.weights_all_positive)
                {
                    1
                } else {
                    best
                }
            } else {
                best
            };
            self.post_transform.apply_row(&mut scores);
            return (pick, scores);
        }
        let vectors: usize = self.vectors_per_class.iter().sum();
        let kernels: Vec<f32> = (0..vectors)
            .map(|v| {
                self.kernel.apply(
                    x,
                    &self.support_vectors[v * self.features..(v + 1) * self.features],
                    0.0,
                )
            })
            .collect();
        let mut votes = vec![0usize; c];
        let mut pair_scores = Vec::with_capacity(c * (c - 1) / 2);
        for i in 0..c - 1 {
            for j in i + 1..c {
                let mut sum = 0f64;
                let (si, sj) = (self.starts[i], self.starts[j]);
                for m in 0..self.vectors_per_class[i] {
                    sum +=
                        f64::from(self.coefficients[vectors * (j - 1) + si + m] * kernels[si + m]);
                }
                for m in 0..self.vectors_per_class[j] {
                    sum += f64::from(self.coefficients[vectors * i + sj + m] * kernels[sj + m]);
                }
                sum += f64::from(self.rho[pair_scores.len()]);
                pair_scores.push(sum as f32);
                votes[if sum > 0.0 { i } else { j }] += 1;
            }
        }
        let pick = votes
            .iter()
            .enumerate()
            .fold(0, |best, (k, v)| if *v > votes[best] { k } else { best });
        if !self.prob_a.is_empty() {
            let mut pairwise = vec![0f32; c * c];
            let mut index = 0;
            for i in 0..c - 1 {
                for j in i + 1..c {
                    let p = 1.0
                        - logistic(pair_scores[index] * self.prob_a[index] + self.prob_b[index]);
                    let p = p.clamp(1e-7, 1.0 - 1e-7);
                    pairwise[i * c + j] = p;
                    pairwise[j * c + i] = 1.0 - p;
                    index += 1;
                }
            }
            let mut probs = multiclass_probability(c, &pairwise);
            self.post_transform.apply_row(&mut probs);
            return (pick, probs);
        }
        let scores = if c <= 2 {
            let s = pair_scores[0];
            match self.post_transform {
                PostTransform::Probit => vec![probit(s), 0.0],
                PostTransform::None => vec![-s, s],
                _ => vec![1.0 - s, s],
            }
        } else {
            let mut s = pair_scores;
            self.post_transform.apply_row(&mut s);
            s
        };
        (pick, scores)
    }
}

fn first_max(v: &[f32]) -> (usize, f32) {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    (best, v.get(best).copied().unwrap_or(0.0))
}

/// libsvm's pairwise coupling (Wu, Lin and Weng 2004, method 2), in f32 like onnxruntime.
pub fn multiclass_probability(k: usize, r: &[f32]) -> Vec<f32> {
    let mut q = vec![0f32; k * k];
    let mut qp = vec![0f32; k];
    let mut p = vec![1.0 / k as f32; k];
    let eps = 0.005 / k as f32;
    for i in 0..k {
        for j in 0..i {
            q[i * k + i] += r[j * k + i] * r[j * k + i];
            q[i * k + j] = q[j * k + i];
        }
        for j in i + 1..k {
            q[i * k + i] += r[j * k + i] * r[j * k + i];
            q[i * k + j] = -r[j * k + i] * r[i * k + j];
        }
    }
    for _ in 0..100 {
        let mut pqp = 0f32;
        for i in 0..k {
            qp[i] = (0..k).map(|j| q[i * k + j] * p[j]).sum();
            pqp += p[i] * qp[i];
        }
        let max_error = (0..k).map(|i| (qp[i] - pqp).abs()).fold(0f32, f32::max);
        if max_error < eps {
            break;
        }
        for i in 0..k {
            let diff = (-qp[i] + pqp) / q[i * k + i];
            p[i] += diff;
            pqp = (pqp + diff * (diff * q[i * k + i] + 2.0 * qp[i])) / (1.0 + diff) / (1.0 + diff);
            for j in 0..k {
                qp[j] = (qp[j] + diff * q[i * k + j]) / (1.0 + diff);
                p[j] /= 1.0 + diff;
            }
        }
    }
    p
}

impl super::class_labels::Labelled for SvmClassifier {
    fn labels_mut(&mut self) -> &mut ClassLabels {
        &mut self.labels
    }
}

impl Kernel for SvmClassifier {
    fn name(&self) -> &'static str {
        "SVMClassifier"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![
            OutputSpec::rows(self.labels.datum_type(), tvec![]),
            OutputSpec::rows(f32::datum_type(), tvec![self.columns()]),
        ])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let (x, width) = rows_f32(&inputs[0])?;
        if width != self.features {
            bail!(
                "SVMClassifier expects {} features per row, got {width}",
                self.features
            );
        }
        let rows = x.len() / width.max(1);
        let cols = self.columns();
        let mut picks = Vec::with_capacity(rows);
        let mut scores = Vec::with_capacity(rows * cols);
        for row in x.chunks(width.max(1)) {
            let (pick, mut s) = self.row(row);
            s.resize(cols, 0.0);
            picks.push(pick);
            scores.extend(s);
        }
        Ok(tvec![
            self.labels.tensor(&picks)?,
            Tensor::from_shape(&[rows, cols], &scores)?
        ])
    }
}

/// A parsed `SVMRegressor`.
#[derive(Debug, Clone, PartialEq)]
pub struct SvmRegressor {
    kernel: KernelFn,
    support_vectors: Vec<f32>,
    vectors: usize,
    coefficients: Vec<f32>,
    rho: f32,
    features: usize,
    one_class: bool,
}

fn build_regressor(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let vectors =
        usize::try_from(node.get_attr_opt::<i64>("n_supports")?.unwrap_or(0)).unwrap_or(0);
    let support_vectors = node
        .get_attr_opt_vec::<f32>("support_vectors")?
        .unwrap_or_default();
    let coefficients: Vec<f32> = node.get_attr_vec("coefficients")?;
    let rho = node
        .get_attr_vec::<f32>("rho")?
        .first()
        .copied()
        .context("rho is empty")?;
    let (kernel, features) = if vectors > 0 {
        if !support_vectors.len().is_multiple_of(vectors) || coefficients.len() < vectors {
            bail!(
                "{}: support vectors or coefficients do not match n_supports",
                node.name
            );
        }
        (kernel_fn(node)?, support_vectors.len() / vectors)
    } else {
        (KernelFn::Linear, coefficients.len())
    };
    boxed(SvmRegressor {
        kernel,
        support_vectors,
        vectors,
        coefficients,
        rho,
        features,
        // onnxruntime ignores post_transform for SVMRegressor; so do we.
        one_class: node.get_attr_opt::<i64>("one_class")?.unwrap_or(0) != 0,
    })
}

impl Kernel for SvmRegressor {
    fn name(&self) -> &'static str {
        "SVMRegressor"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec::rows(f32::datum_type(), tvec![1])])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let (x, width) = rows_f32(&inputs[0])?;
        if width != self.features {
            bail!(
                "SVMRegressor expects {} features per row, got {width}",
                self.features
            );
        }
        let y: Vec<f32> = x
            .chunks(width.max(1))
            .map(|row| {
                let mut v = if self.vectors > 0 {
                    (0..self.vectors)
                        .map(|s| {
                            self.coefficients[s]
                                * self.kernel.apply(
                                    row,
                                    &self.support_vectors[s * width..(s + 1) * width],
                                    0.0,
                                )
                        })
                        .sum::<f32>()
                        + self.rho
                } else {
                    self.kernel.apply(row, &self.coefficients, self.rho)
                };
                if self.one_class {
                    v = if v > 0.0 { 1.0 } else { -1.0 };
                }
                v
            })
            .collect();
        Ok(tvec![Tensor::from_shape(&[y.len(), 1], &y)?])
    }
}
