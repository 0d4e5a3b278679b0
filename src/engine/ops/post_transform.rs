//! The `post_transform` attribute shared by ONNX-ML classifiers and regressors, with
//! onnxruntime's numerics (its logistic, softmax, softmax-zero and probit approximations).

use tract_onnx::tract_hir::internal::*;

/// What is applied to raw scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostTransform {
    /// Raw scores.
    None,
    /// Element-wise logistic.
    Logistic,
    /// Softmax over each row.
    Softmax,
    /// Softmax that leaves zero scores at (near) zero.
    SoftmaxZero,
    /// Element-wise probit.
    Probit,
}

impl PostTransform {
    /// Parses the attribute value; absent means `NONE`.
    pub fn parse(s: Option<&str>) -> TractResult<PostTransform> {
        Ok(match s.unwrap_or("NONE") {
            "NONE" => PostTransform::None,
            "LOGISTIC" => PostTransform::Logistic,
            "SOFTMAX" => PostTransform::Softmax,
            "SOFTMAX_ZERO" => PostTransform::SoftmaxZero,
            "PROBIT" => PostTransform::Probit,
            other => bail!("unknown post_transform {other:?}"),
        })
    }

    /// Applies the transform to one row of scores in place.
    pub fn apply_row(self, row: &mut [f32]) {
        match self {
            PostTransform::None => {}
            PostTransform::Logistic => row.iter_mut().for_each(|v| *v = logistic(*v)),
            PostTransform::Probit => row.iter_mut().for_each(|v| *v = probit(*v)),
            PostTransform::Softmax => softmax(row),
            PostTransform::SoftmaxZero => softmax_zero(row),
        }
    }
}

/// onnxruntime's numerically symmetric logistic.
pub fn logistic(v: f32) -> f32 {
    let p = 1.0 / (1.0 + (-v.abs()).exp());
    if v < 0.0 {
        1.0 - p
    } else {
        p
    }
}

/// onnxruntime's probit: `sqrt(2) * erfinv(2v - 1)` with its closed-form erfinv approximation.
pub fn probit(v: f32) -> f32 {
    std::f32::consts::SQRT_2 * erf_inv(2.0 * v - 1.0)
}

/// onnxruntime's approximation uses 3.14159 rather than π; matching it matches its numbers.
#[allow(clippy::approx_constant)]
fn erf_inv(x: f32) -> f32 {
    let sgn = if x < 0.0 { -1.0 } else { 1.0 };
    let x = (1.0 - x) * (1.0 + x);
    let log = x.ln();
    let v = 2.0 / (3.14159 * 0.147) + 0.5 * log;
    let v2 = 1.0 / 0.147 * log;
    let v3 = -v + (v * v - v2).sqrt();
    sgn * v3.sqrt()
}

fn softmax(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::MIN, f32::max);
    let mut sum = 0.0;
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    row.iter_mut().for_each(|v| *v /= sum);
}

fn softmax_zero(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::MIN, f32::max);
    let exp_neg_max = (-max).exp();
    let mut sum = 0.0;
    for v in row.iter_mut() {
        if v.abs() > 0.000_000_1 {
            *v = (*v - max).exp();
            sum += *v;
        } else {
            *v *= exp_neg_max;
        }
    }
    row.iter_mut().for_each(|v| *v /= sum);
}
