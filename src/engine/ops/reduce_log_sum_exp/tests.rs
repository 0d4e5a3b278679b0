use proptest::prelude::*;
use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::{tensor_proto::DataType, type_proto, TypeProto};
use tract_onnx::pb::{
    AttributeProto, GraphProto, ModelProto, OperatorSetIdProto, TensorProto, ValueInfoProto,
};
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::tract_ndarray::{ArrayD, IxDyn};

use super::reduce;

/// `ln(e^a + e^b)` pairwise, in float64, with onnxruntime's special values: NaN wins, then
/// `+inf`; `-inf` adds nothing. A different algorithm from the kernel's (max first, then one
/// sum), so the two check each other.
fn log_add_exp(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == f64::INFINITY || b == f64::INFINITY {
        return f64::INFINITY;
    }
    let hi = a.max(b);
    if hi == f64::NEG_INFINITY {
        return hi;
    }
    hi + (-(a - b).abs()).exp().ln_1p()
}

/// The plain reference: for every output position, fold every input element that reduces
/// into it (found by comparing full indices, not by reshaping).
fn reference(x: &ArrayD<f64>, axes: &[usize], keep_dims: bool) -> ArrayD<f64> {
    let kept_shape: Vec<usize> = x
        .shape()
        .iter()
        .enumerate()
        .map(|(i, d)| if axes.contains(&i) { 1 } else { *d })
        .collect();
    let mut out = ArrayD::from_elem(IxDyn(&kept_shape), f64::NEG_INFINITY);
    for (ix, v) in x.indexed_iter() {
        let target: Vec<usize> = (0..x.ndim())
            .map(|i| if axes.contains(&i) { 0 } else { ix[i] })
            .collect();
        let slot = &mut out[IxDyn(&target)];
        *slot = log_add_exp(*slot, *v);
    }
    if keep_dims {
        return out;
    }
    let dropped: Vec<usize> = kept_shape
        .iter()
        .enumerate()
        .filter(|(i, _)| !axes.contains(i))
        .map(|(_, d)| *d)
        .collect();
    out.into_shape_with_order(IxDyn(&dropped)).unwrap()
}

/// Whether `got` is the reference within `rel`/`abs` (NaN and infinities exactly).
fn close(got: f64, want: f64, rel: f64, abs: f64) -> bool {
    if want.is_nan() || want.is_infinite() {
        return got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan());
    }
    (got - want).abs() <= abs + rel * want.abs()
}

fn attr_int(name: &str, i: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        i,
        r#type: AttributeType::Int as i32,
        ..AttributeProto::default()
    }
}

/// How a test node gives its axes.
#[derive(Debug, Clone)]
enum Axes {
    /// No axes at all.
    Absent,
    /// The `axes` attribute (opset 13).
    Attribute(Vec<i64>),
    /// A constant second input (opset 18).
    Input(Vec<i64>),
}

/// A one-node graph `X -> ReduceLogSumExp -> Y` of element type `dtype`.
fn model(dtype: DataType, axes: &Axes, keepdims: Option<i64>, noop: Option<i64>) -> ModelProto {
    let mut attribute = Vec::new();
    let mut input = vec!["X".to_string()];
    let mut initializer = Vec::new();
    match axes {
        Axes::Absent => {}
        Axes::Attribute(a) => attribute.push(AttributeProto {
            name: "axes".into(),
            ints: a.clone(),
            r#type: AttributeType::Ints as i32,
            ..AttributeProto::default()
        }),
        Axes::Input(a) => {
            input.push("axes".into());
            initializer.push(TensorProto {
                name: "axes".into(),
                dims: vec![a.len() as i64],
                data_type: DataType::Int64 as i32,
                int64_data: a.clone(),
                ..TensorProto::default()
            });
        }
    }
    attribute.extend(keepdims.map(|k| attr_int("keepdims", k)));
    attribute.extend(noop.map(|n| attr_int("noop_with_empty_axes", n)));
    let node = tract_onnx::pb::NodeProto {
        op_type: "ReduceLogSumExp".into(),
        name: "lse".into(),
        input,
        output: vec!["Y".into()],
        attribute,
        ..Default::default()
    };
    let typed = |n: &str| ValueInfoProto {
        name: n.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: dtype as i32,
                shape: None,
            })),
            ..TypeProto::default()
        }),
        ..Default::default()
    };
    let opset = if matches!(axes, Axes::Input(_)) || noop.is_some() {
        18
    } else {
        13
    };
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: opset,
        }],
        graph: Some(GraphProto {
            node: vec![node],
            input: vec![typed("X")],
            output: vec![typed("Y")],
            initializer,
            ..GraphProto::default()
        }),
        ..ModelProto::default()
    }
}

/// Loads the graph for `x`'s type and shape and runs it on `x`.
fn run_graph(proto: &ModelProto, x: Tensor) -> TractResult<Tensor> {
    let fact = x.datum_type().fact(x.shape());
    let plan = crate::engine::ops::framework()
        .model_for_proto_model(proto)?
        .with_input_fact(0, fact.into())?
        .into_optimized()?
        .into_runnable()?;
    let mut out = plan.run(tvec![x.into_tvalue()])?;
    Ok(out.remove(0).into_tensor())
}

fn f32s(t: &Tensor) -> Vec<f64> {
    t.to_plain_array_view::<f32>()
        .unwrap()
        .iter()
        .map(|v| f64::from(*v))
        .collect()
}

#[test]
fn large_log_likelihoods_do_not_overflow() {
    let x = tract_ndarray::arr2(&[
        [1000f32, 999.0, -1000.0],
        [-1000.0, -1001.0, -1e30],
        [1e30, -1e30, 0.0],
        [-1e30, -1e30, -1e30],
    ])
    .into_tensor();
    let y = f32s(&reduce::<f32>(&x, &[1]).unwrap());
    let ln_1p_e = (1.0 + (-1f64).exp()).ln();
    assert!(close(y[0], 1000.0 + ln_1p_e, 1e-7, 0.0), "{y:?}");
    assert!(close(y[1], -1000.0 + ln_1p_e, 1e-7, 0.0), "{y:?}");
    assert_eq!(y[2], f64::from(1e30f32));
    // Three equal values: the max plus ln 3, which float32 cannot see at this size.
    assert_eq!(y[3], f64::from(-1e30f32));
}

/// What onnxruntime 1.32's CPU kernel gives on these rows (measured with a one-node graph,
/// opsets 13 and 18, float32 and float64, axis first or last).
#[test]
fn special_values_as_onnxruntime_gives_them() {
    let (inf, nan) = (f32::INFINITY, f32::NAN);
    let rows = [
        ([-inf, -inf, -inf], f64::NEG_INFINITY),
        ([-inf, 0.0, -inf], 0.0),
        ([inf, 1.0, 2.0], f64::INFINITY),
        ([nan, 1.0, 2.0], f64::NAN),
        ([inf, -inf, 0.0], f64::INFINITY),
        ([inf, inf, 1.0], f64::INFINITY),
        ([-inf, -inf, inf], f64::INFINITY),
        ([nan, inf, -inf], f64::NAN),
    ];
    for (row, want) in rows {
        let x = tract_ndarray::arr2(&[row]).into_tensor();
        let got = f32s(&reduce::<f32>(&x, &[1]).unwrap())[0];
        assert!(
            close(got, want, 0.0, 0.0),
            "{row:?}: got {got}, want {want}"
        );
        // The same along the first axis.
        let t = tract_ndarray::arr2(&[[row[0]], [row[1]], [row[2]]]).into_tensor();
        let got = f32s(&reduce::<f32>(&t, &[0]).unwrap())[0];
        assert!(close(got, want, 0.0, 0.0), "{row:?} as a column: got {got}");
    }
}

#[test]
fn an_empty_slice_is_minus_infinity() {
    let x = Tensor::zero::<f32>(&[2, 0]).unwrap();
    let y = reduce::<f32>(&x, &[1]).unwrap();
    assert_eq!(y.shape(), &[2, 1]);
    assert_eq!(f32s(&y), vec![f64::NEG_INFINITY; 2]);
    let none = reduce::<f32>(&Tensor::zero::<f32>(&[0, 3]).unwrap(), &[1]).unwrap();
    assert_eq!(none.shape(), &[0, 1]);
}

/// Every way a node can say what to reduce, through tract's loader and optimiser.
#[test]
fn every_form_of_the_node() {
    let x = tract_ndarray::Array3::from_shape_fn((2, 3, 4), |(i, j, k)| {
        (i as f32 - 0.5) * 900.0 + (j as f32) * 37.0 - (k as f32) * 11.0
    })
    .into_dyn();
    let as_f64 = x.mapv(f64::from);
    // (axes, keepdims, noop_with_empty_axes) -> (reduced axes, dims kept)
    type Form = ((Axes, Option<i64>, Option<i64>), (Vec<usize>, bool));
    let cases: Vec<Form> = vec![
        ((Axes::Attribute(vec![1]), Some(0), None), (vec![1], false)),
        ((Axes::Attribute(vec![-1]), None, None), (vec![2], true)),
        (
            (Axes::Attribute(vec![2, 0]), Some(1), None),
            (vec![0, 2], true),
        ),
        (
            (Axes::Attribute(vec![0, -3]), Some(0), None),
            (vec![0], false),
        ),
        ((Axes::Absent, Some(0), None), (vec![0, 1, 2], false)),
        ((Axes::Input(vec![1]), Some(0), None), (vec![1], false)),
        (
            (Axes::Input(vec![-1, 0]), Some(1), Some(0)),
            (vec![0, 2], true),
        ),
        (
            (Axes::Input(vec![]), Some(0), Some(0)),
            (vec![0, 1, 2], false),
        ),
        ((Axes::Input(vec![2]), None, Some(1)), (vec![2], true)),
    ];
    for ((axes, keepdims, noop), (reduced, keep)) in cases {
        let proto = model(DataType::Float, &axes, keepdims, noop);
        let y = run_graph(&proto, x.clone().into_tensor())
            .unwrap_or_else(|e| panic!("{axes:?}: {e:#}"));
        let want = reference(&as_f64, &reduced, keep);
        assert_eq!(y.shape(), want.shape(), "{axes:?} keepdims {keepdims:?}");
        for (g, w) in f32s(&y).iter().zip(want.iter()) {
            assert!(close(*g, *w, 1e-6, 1e-5), "{axes:?}: got {g}, want {w}");
        }
    }
}

#[test]
fn empty_axes_with_noop_leave_the_input_unchanged() {
    let x = tract_ndarray::arr2(&[[1000f32, -1000.0, 999.0], [f32::NEG_INFINITY, 0.0, 3.5]])
        .into_tensor();
    for axes in [Axes::Input(vec![]), Axes::Absent] {
        let proto = model(DataType::Float, &axes, Some(0), Some(1));
        assert_eq!(run_graph(&proto, x.clone()).unwrap(), x, "{axes:?}");
    }
}

#[test]
fn float64_is_computed_in_float64() {
    // 0.1 and 0.2 are not float32 values: computed in float32 the answer would be off by
    // about 1e-8; in float64 it agrees to the last bits.
    let x = tract_ndarray::arr2(&[[0.1f64, 0.2], [1e300, -1e300]]).into_tensor();
    let proto = model(DataType::Double, &Axes::Input(vec![1]), Some(0), None);
    let y = run_graph(&proto, x).unwrap();
    assert_eq!(y.datum_type(), f64::datum_type());
    let y: Vec<f64> = y
        .to_plain_array_view::<f64>()
        .unwrap()
        .iter()
        .copied()
        .collect();
    let want = 0.2 + (1.0 + (-0.1f64).exp()).ln();
    assert!((y[0] - want).abs() <= 1e-15, "{} vs {want}", y[0]);
    assert_eq!(y[1], 1e300);
}

#[test]
fn float16_is_computed_through_float32() {
    let x = tract_ndarray::arr2(&[[f16::from_f32(1000.0), f16::from_f32(999.0)]]).into_tensor();
    let proto = model(DataType::Float16, &Axes::Attribute(vec![1]), Some(0), None);
    let y = run_graph(&proto, x).unwrap();
    assert_eq!(y.datum_type(), f16::datum_type());
    let got = y.to_plain_array_view::<f16>().unwrap()[[0]].to_f32();
    assert_eq!(
        got,
        f16::from_f32(1000.0 + (1.0 + (-1f32).exp()).ln()).to_f32()
    );
}

#[test]
fn bad_axes_are_refused_when_the_model_loads() {
    let x = || Tensor::zero::<f32>(&[2, 3]).unwrap();
    for axes in [Axes::Attribute(vec![2]), Axes::Input(vec![-3])] {
        let e = run_graph(&model(DataType::Float, &axes, Some(0), None), x()).unwrap_err();
        let text = format!("{e:#}");
        assert!(
            text.contains("out of range for a rank-2 input"),
            "{axes:?}: {text}"
        );
    }
    let mut both = model(DataType::Float, &Axes::Input(vec![1]), Some(0), None);
    if let Some(g) = both.graph.as_mut() {
        g.node[0].attribute.push(AttributeProto {
            name: "axes".into(),
            ints: vec![1],
            r#type: AttributeType::Ints as i32,
            ..AttributeProto::default()
        });
    }
    let e = format!("{:#}", run_graph(&both, x()).unwrap_err());
    assert!(e.contains("both as an attribute and as an input"), "{e}");
}

/// One of a few magnitudes, or (rarely) a special value.
fn element() -> impl Strategy<Value = f32> {
    prop_oneof![
        8 => (-1.0f32..1.0, prop_oneof![Just(1.0f32), Just(1e3), Just(1e30)])
            .prop_map(|(v, scale)| v * scale),
        1 => Just(f32::NEG_INFINITY),
        1 => prop_oneof![Just(f32::INFINITY), Just(f32::NAN)],
    ]
}

/// A random node and input.
#[derive(Debug, Clone)]
struct Case {
    /// Rank 1 to 4.
    shape: Vec<usize>,
    values: Vec<f32>,
    /// Per axis: reduced?, written as a negative axis?
    picks: Vec<(bool, bool)>,
    keep: bool,
    /// Axes as the input (opset 18) rather than the attribute (opset 13).
    as_input: bool,
}

fn case() -> impl Strategy<Value = Case> {
    prop::collection::vec(1usize..4, 1..5).prop_flat_map(|shape| {
        let n: usize = shape.iter().product();
        let rank = shape.len();
        (
            Just(shape),
            prop::collection::vec(element(), n),
            prop::collection::vec((any::<bool>(), any::<bool>()), rank),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(shape, values, picks, keep, as_input)| Case {
                shape,
                values,
                picks,
                keep,
                as_input,
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Random shapes and axes, through the loader: the graph's answer is the reference's.
    #[test]
    fn random_shapes_and_axes_match_the_reference(
        c in case(),
        double in any::<bool>(),
    ) {
        let Case { shape, values, picks, keep, as_input } = c;
        let rank = shape.len();
        let reduced: Vec<usize> = (0..rank).filter(|&i| picks[i].0).collect();
        let listed: Vec<i64> = reduced
            .iter()
            .map(|&i| if picks[i].1 { i as i64 - rank as i64 } else { i as i64 })
            .collect();
        let axes = match (listed.is_empty(), as_input) {
            (true, _) => Axes::Absent,
            (false, true) => Axes::Input(listed),
            (false, false) => Axes::Attribute(listed),
        };
        // No axes listed: every axis is reduced.
        let reduced = if reduced.is_empty() { (0..rank).collect() } else { reduced };
        let x = ArrayD::from_shape_vec(IxDyn(&shape), values).unwrap();
        let want = reference(&x.mapv(f64::from), &reduced, keep);
        let keepdims = Some(i64::from(keep));
        let (got, rel, abs) = if double {
            let proto = model(DataType::Double, &axes, keepdims, None);
            let y = run_graph(&proto, x.mapv(f64::from).into_tensor()).unwrap();
            let got: Vec<f64> = y.to_plain_array_view::<f64>().unwrap().iter().copied().collect();
            prop_assert_eq!(y.shape(), want.shape());
            (got, 1e-12, 1e-12)
        } else {
            let proto = model(DataType::Float, &axes, keepdims, None);
            let y = run_graph(&proto, x.into_tensor()).unwrap();
            prop_assert_eq!(y.shape(), want.shape());
            (f32s(&y), 1e-6, 1e-5)
        };
        for (g, w) in got.iter().zip(want.iter()) {
            prop_assert!(close(*g, *w, rel, abs), "{:?} {:?}: got {}, want {}", shape, axes, g, w);
        }
    }
}
