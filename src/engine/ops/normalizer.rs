//! `ai.onnx.ml.Normalizer`: each row divided by its maximum, L1 norm or L2 norm, as
//! onnxruntime computes it (its kernel, not the spec's formulas, is what exports are checked
//! against).
//!
//! tract's own builds it from seven generic nodes (abs, reduce, max with an epsilon, divide),
//! which cost more than the linear model before it on a batch of iris rows (bench/profile.rs),
//! and differs from onnxruntime in two places: `MAX` divides by the largest absolute value
//! (onnxruntime: the largest value), and a zero row is divided by an epsilon (onnxruntime
//! leaves it as it is).

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, Kernel, OutputSpec};

/// Registers the operator (in place of tract's).
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("Normalizer", build);
}

/// Which norm a row is divided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Norm {
    Max,
    L1,
    L2,
}

/// A parsed `Normalizer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalizer {
    norm: Norm,
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let norm: String = node
        .get_attr_opt("norm")?
        .unwrap_or_else(|| "MAX".to_string());
    let norm = match norm.as_str() {
        "MAX" => Norm::Max,
        "L1" => Norm::L1,
        "L2" => Norm::L2,
        other => bail!("Normalizer: norm is {other:?}, expected MAX, L1 or L2"),
    };
    boxed(Normalizer { norm })
}

/// One input value as onnxruntime's kernel sees it: the value, its absolute value and its
/// square, each computed in the input's own type and then rounded to f32.
trait Element: Datum + Copy {
    fn value(self) -> f32;
    fn abs(self) -> f32;
    fn square(self) -> f32;
    fn negative(self) -> bool;
}

impl Element for f32 {
    fn value(self) -> f32 {
        self
    }
    fn abs(self) -> f32 {
        f32::abs(self)
    }
    fn square(self) -> f32 {
        self * self
    }
    fn negative(self) -> bool {
        self < 0.0
    }
}

impl Element for f64 {
    fn value(self) -> f32 {
        self as f32
    }
    fn abs(self) -> f32 {
        f64::abs(self) as f32
    }
    fn square(self) -> f32 {
        (self * self) as f32
    }
    fn negative(self) -> bool {
        self < 0.0
    }
}

// Integers: squares in f64, so a large value does not overflow (onnxruntime's int64 product
// would wrap, which no export relies on).
macro_rules! integer_element {
    ($t:ty) => {
        impl Element for $t {
            fn value(self) -> f32 {
                self as f32
            }
            fn abs(self) -> f32 {
                (self as f64).abs() as f32
            }
            fn square(self) -> f32 {
                (self as f64 * self as f64) as f32
            }
            fn negative(self) -> bool {
                self < 0
            }
        }
    };
}
integer_element!(i64);
integer_element!(i32);

/// Normalizes `x` row by row (rows of `width` values) into f32.
fn normalize<T: Element>(x: &[T], width: usize, norm: Norm) -> Vec<f32> {
    let mut out = Vec::with_capacity(x.len());
    for row in x.chunks(width.max(1)) {
        match norm {
            Norm::Max => {
                // std::max(max, v) keeps max when v is NaN.
                let max = row
                    .iter()
                    .map(|v| v.value())
                    .fold(f32::MIN, |m, v| if m < v { v } else { m });
                if max != 0.0 {
                    out.extend(row.iter().map(|v| v.value() / max));
                } else {
                    out.extend(row.iter().map(|v| v.value()));
                }
            }
            Norm::L1 => {
                let sum = row.iter().fold(0f32, |s, v| s + v.abs());
                if sum != 0.0 {
                    out.extend(row.iter().map(|v| v.value() / sum));
                } else {
                    out.extend(row.iter().map(|v| v.value()));
                }
            }
            Norm::L2 => {
                let sum = row.iter().fold(0f32, |s, v| s + v.square());
                if sum != 0.0 {
                    out.extend(row.iter().map(|v| {
                        let y = (v.square() / sum).sqrt();
                        if v.negative() {
                            -y
                        } else {
                            y
                        }
                    }));
                } else {
                    out.extend(row.iter().map(|v| v.value()));
                }
            }
        }
    }
    out
}

impl Kernel for Normalizer {
    fn name(&self) -> &'static str {
        "Normalizer"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec::same(f32::datum_type())])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = &inputs[0];
        // A row is the last axis: [N, C] is N rows, [C] one.
        let width = match x.shape() {
            [] => 1,
            [c] | [_, c] => *c,
            more => bail!(
                "Normalizer takes inputs of rank 1 or 2, not of shape {more:?} (reshape to [N, C])"
            ),
        };
        fn run<T: Element>(x: &Tensor, width: usize, norm: Norm) -> TractResult<Vec<f32>> {
            Ok(normalize(
                x.try_as_plain_ram()?.as_slice::<T>()?,
                width,
                norm,
            ))
        }
        let y = match x.datum_type() {
            DatumType::F32 => run::<f32>(x, width, self.norm)?,
            DatumType::F64 => run::<f64>(x, width, self.norm)?,
            DatumType::I64 => run::<i64>(x, width, self.norm)?,
            DatumType::I32 => run::<i32>(x, width, self.norm)?,
            other => bail!("Normalizer takes float, double, int64 or int32 inputs, not {other:?}"),
        };
        Ok(tvec![Tensor::from_shape(x.shape(), &y)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: &[f32], want: &[f32]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g - w).abs() <= 1e-6 || (g.is_nan() && w.is_nan()),
                "{got:?} vs {want:?}"
            );
        }
    }

    #[test]
    fn l1_divides_by_the_sum_of_absolute_values_and_leaves_a_zero_row() {
        let x = [1.0f32, -3.0, 4.0, 0.0, 0.0, 0.0];
        close(
            &normalize(&x, 3, Norm::L1),
            &[0.125, -0.375, 0.5, 0.0, 0.0, 0.0],
        );
    }

    #[test]
    fn max_divides_by_the_largest_value_not_the_largest_magnitude() {
        // onnxruntime: max(-1, -2, -4) = -1, so the row's signs flip.
        close(
            &normalize(&[-1.0f32, -2.0, -4.0], 3, Norm::Max),
            &[1.0, 2.0, 4.0],
        );
        close(
            &normalize(&[2.0f32, -8.0, 4.0], 3, Norm::Max),
            &[0.5, -2.0, 1.0],
        );
        // A NaN is passed over when finding the maximum and stays NaN.
        close(
            &normalize(&[f32::NAN, 2.0, 1.0], 3, Norm::Max),
            &[f32::NAN, 1.0, 0.5],
        );
    }

    #[test]
    fn l2_keeps_signs() {
        close(&normalize(&[3.0f32, -4.0], 2, Norm::L2), &[0.6, -0.8]);
        close(&normalize(&[0.0f32, 0.0], 2, Norm::L2), &[0.0, 0.0]);
    }

    #[test]
    fn other_input_types_are_computed_in_their_own_type_then_rounded() {
        close(&normalize(&[3.0f64, -4.0], 2, Norm::L2), &[0.6, -0.8]);
        close(&normalize(&[1i64, 3], 2, Norm::L1), &[0.25, 0.75]);
        close(&normalize(&[-2i32, 4], 2, Norm::Max), &[-0.5, 1.0]);
    }

    #[test]
    fn a_tensor_of_one_row_or_many_keeps_its_shape() {
        let op = Normalizer { norm: Norm::L1 };
        let one = tensor1(&[1.0f32, 3.0]);
        let y = op.eval(&[one.into_tvalue()]).unwrap();
        assert_eq!(y[0].shape(), &[2]);
        close(
            y[0].try_as_plain_ram().unwrap().as_slice::<f32>().unwrap(),
            &[0.25, 0.75],
        );
        let many = tensor2(&[[1.0f32, 1.0], [2.0, 6.0]]);
        let y = op.eval(&[many.into_tvalue()]).unwrap();
        assert_eq!(y[0].shape(), &[2, 2]);
        close(
            y[0].try_as_plain_ram().unwrap().as_slice::<f32>().unwrap(),
            &[0.5, 0.5, 0.25, 0.75],
        );
        let cube = Tensor::zero::<f32>(&[1, 2, 2]).unwrap();
        let e = op.eval(&[cube.into_tvalue()]).unwrap_err();
        assert!(format!("{e}").contains("rank 1 or 2"), "{e}");
    }
}
