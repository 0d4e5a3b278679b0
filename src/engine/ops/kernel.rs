//! A small bridge so that each ONNX-ML operator we add is one plain-Rust struct.
//!
//! tract wants an inference-time `Expansion` plus a typed, evaluable op. Each of our
//! operators only describes its outputs and computes them over whole tensors; [`KernelOp`]
//! supplies the tract plumbing once for all of them.

use std::fmt::Debug;

use tract_onnx::tract_hir::internal::*;

/// One output of a kernel: element type and shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// Element type.
    pub dtype: DatumType,
    /// Dimensions after the leading batch dimension (empty for one value per row); ignored
    /// unless `shape` is [`OutShape::Rows`].
    pub trailing: TVec<usize>,
    /// How the shape relates to the first input.
    pub shape: OutShape,
}

/// The shape of an output relative to the first input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutShape {
    /// The input's batch dimension followed by `trailing`.
    Rows,
    /// Exactly the input's shape (element-wise operators).
    SameAsInput,
    /// The input's shape with one more axis of this size (one-hot encoding).
    AppendAxis(usize),
    /// The input's shape with its last axis as long as input 1 has elements (a gather of
    /// columns, as `ArrayFeatureExtractor`).
    LastAxisFromIndices,
    /// Whatever [`Kernel::custom_shape`] says, from the first input's shape: for outputs
    /// whose rank differs by input rank, or whose length is only known once the kernel ran
    /// (the text operators' token count), as a symbol of the kernel's own.
    Custom,
}

impl OutputSpec {
    /// `[N, trailing...]`.
    pub fn rows(dtype: DatumType, trailing: TVec<usize>) -> OutputSpec {
        OutputSpec {
            dtype,
            trailing,
            shape: OutShape::Rows,
        }
    }

    /// The input's shape.
    pub fn same(dtype: DatumType) -> OutputSpec {
        OutputSpec {
            dtype,
            trailing: tvec![],
            shape: OutShape::SameAsInput,
        }
    }
}

/// An operator computed in plain Rust over a whole batch.
///
/// Every input and output has the batch as its first dimension.
pub trait Kernel: Debug + Clone + PartialEq + Send + Sync + 'static {
    /// Operator name, for messages.
    fn name(&self) -> &'static str;
    /// Number of inputs.
    fn inputs(&self) -> usize {
        1
    }
    /// The outputs' types and shapes; `input_trailing` are the first input's dimensions
    /// after the batch, when known.
    fn outputs(&self, input_trailing: Option<&[usize]>) -> TractResult<TVec<OutputSpec>>;
    /// Whether every output has the first input's element type (instead of the spec's).
    fn output_dtype_from_input(&self) -> bool {
        false
    }
    /// Computes the outputs.
    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>>;
    /// The shape of output `output` when its spec says [`OutShape::Custom`], given the first
    /// input's shape.
    fn custom_shape(&self, output: usize, input: &[TDim]) -> TractResult<TVec<TDim>> {
        let _ = input;
        bail!("{}: output {output} has no custom shape", self.name())
    }
    /// Whether an output shape holds a symbol only this kernel's evaluation binds (tract
    /// then orders the nodes that use it after this one).
    fn mints_runtime_symbols(&self) -> bool {
        false
    }
}

/// Wraps a [`Kernel`] as a tract operator.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelOp<K: Kernel>(pub K);

// Kernels hold float attributes; equality is only used by tract to merge identical nodes.
impl<K: Kernel> Eq for KernelOp<K> {}

/// The registration result for a kernel.
pub fn boxed<K: Kernel>(k: K) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    Ok((expand(KernelOp(k)), vec![]))
}

fn concrete_trailing(fact: &TypedFact) -> Option<TVec<usize>> {
    fact.shape
        .iter()
        .skip(1)
        .map(|d| d.to_usize().ok())
        .collect()
}

impl<K: Kernel> Expansion for KernelOp<K> {
    fn name(&self) -> StaticName {
        self.0.name().into()
    }

    fn nboutputs(&self) -> TractResult<usize> {
        Ok(self.0.outputs(None)?.len())
    }

    fn rules<'r, 'p: 'r, 's: 'r>(
        &'s self,
        s: &mut Solver<'r>,
        inputs: &'p [TensorProxy],
        outputs: &'p [TensorProxy],
    ) -> InferenceResult {
        check_input_arity(inputs, self.0.inputs())?;
        let specs = self.0.outputs(None)?;
        check_output_arity(outputs, specs.len())?;
        for (ix, (out, spec)) in outputs.iter().zip(specs.iter()).enumerate() {
            if self.0.output_dtype_from_input() {
                s.equals(&out.datum_type, &inputs[0].datum_type)?;
            } else {
                s.equals(&out.datum_type, spec.dtype)?;
            }
            match spec.shape {
                OutShape::Rows => {
                    s.equals(&out.rank, (1 + spec.trailing.len()) as i64)?;
                    s.equals(&out.shape[0], &inputs[0].shape[0])?;
                }
                OutShape::SameAsInput => s.equals(&out.shape, &inputs[0].shape)?,
                OutShape::LastAxisFromIndices => {
                    s.equals(&out.rank, &inputs[0].rank)?;
                    s.given_2(
                        &inputs[0].rank,
                        &inputs[1].shape,
                        move |s, rank, indices| {
                            let rank = rank as usize;
                            for axis in 0..rank.saturating_sub(1) {
                                s.equals(&out.shape[axis], &inputs[0].shape[axis])?;
                            }
                            let count: TDim = indices.iter().product();
                            if rank > 0 {
                                s.equals(&out.shape[rank - 1], count)?;
                            }
                            Ok(())
                        },
                    )?;
                }
                OutShape::Custom => {
                    s.given(&inputs[0].shape, move |s, shape| {
                        let dims = self.0.custom_shape(ix, &shape)?;
                        s.equals(&out.rank, dims.len() as i64)?;
                        for (axis, dim) in dims.into_iter().enumerate() {
                            s.equals(&out.shape[axis], dim)?;
                        }
                        Ok(())
                    })?;
                }
                OutShape::AppendAxis(size) => {
                    s.equals(&out.rank, inputs[0].rank.bex() + 1)?;
                    s.given(&inputs[0].rank, move |s, rank| {
                        for axis in 0..rank as usize {
                            s.equals(&out.shape[axis], &inputs[0].shape[axis])?;
                        }
                        s.equals(&out.shape[rank as usize], size.to_dim())
                    })?;
                }
            }
        }
        Ok(())
    }

    fn wire(
        &self,
        prefix: &str,
        model: &mut TypedModel,
        inputs: &[OutletId],
    ) -> TractResult<TVec<OutletId>> {
        wire_boxed(self.0.name(), prefix, model, inputs, Box::new(self.clone()))
    }
}

// The generic methods only gather what the kernel says and hand it to these, so tract's
// plumbing is compiled once rather than once per kernel type (measured in the wasm build:
// the per-kernel copies of `wire` and `output_facts` were ~90 KiB; see bench/README.md).
fn wire_boxed(
    name: &str,
    prefix: &str,
    model: &mut TypedModel,
    inputs: &[OutletId],
    op: Box<dyn TypedOp>,
) -> TractResult<TVec<OutletId>> {
    if let Some(first) = inputs.first() {
        if model.outlet_fact(*first)?.rank() < 1 {
            bail!("{name} input 0 must have a batch dimension");
        }
    }
    model.wire_node(prefix, op, inputs)
}

impl<K: Kernel> Op for KernelOp<K> {
    fn name(&self) -> StaticName {
        self.0.name().into()
    }

    fn mints_runtime_symbols(&self) -> bool {
        self.0.mints_runtime_symbols()
    }

    op_as_typed_op!();
}

impl<K: Kernel> EvalOp for KernelOp<K> {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        Ok(self
            .0
            .eval(&inputs)?
            .into_iter()
            .map(|t| t.into_tvalue())
            .collect())
    }
}

impl<K: Kernel> TypedOp for KernelOp<K> {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let first = inputs.first().context("missing input")?;
        let specs = self.0.outputs(concrete_trailing(first).as_deref())?;
        output_facts_of(
            inputs,
            specs,
            self.0.output_dtype_from_input(),
            &|ix, shape| self.0.custom_shape(ix, shape),
        )
    }

    as_op!();
}

/// [`Kernel::custom_shape`] of one kernel, as a trait object.
type CustomShape<'a> = dyn Fn(usize, &[TDim]) -> TractResult<TVec<TDim>> + 'a;

/// The facts of a kernel's outputs, from its specs (see [`TypedOp::output_facts`]).
fn output_facts_of(
    inputs: &[&TypedFact],
    specs: TVec<OutputSpec>,
    dtype_from_input: bool,
    custom_shape: &CustomShape,
) -> TractResult<TVec<TypedFact>> {
    let first = inputs.first().context("missing input")?;
    let batch = first.shape[0].clone();
    specs
        .into_iter()
        .enumerate()
        .map(|(ix, spec)| {
            let shape: TVec<TDim> = match spec.shape {
                OutShape::Custom => custom_shape(ix, &first.shape)?,
                OutShape::Rows => std::iter::once(batch.clone())
                    .chain(spec.trailing.iter().map(|d| d.to_dim()))
                    .collect(),
                OutShape::SameAsInput => first.shape.iter().cloned().collect(),
                OutShape::AppendAxis(size) => first
                    .shape
                    .iter()
                    .cloned()
                    .chain(std::iter::once(size.to_dim()))
                    .collect(),
                OutShape::LastAxisFromIndices => {
                    let count: TDim = inputs
                        .get(1)
                        .map(|f| f.shape.iter().product())
                        .unwrap_or_else(|| 1.to_dim());
                    let mut shape: TVec<TDim> = first.shape.iter().cloned().collect();
                    if let Some(last) = shape.last_mut() {
                        *last = count;
                    }
                    shape
                }
            };
            let dtype = match (dtype_from_input, first.datum_type) {
                (true, DatumType::TDim) => i64::datum_type(),
                (true, dt) => dt,
                (false, _) => spec.dtype,
            };
            Ok(dtype.fact(shape))
        })
        .collect()
}

/// Every element of a numeric tensor as f32, in row-major order.
pub fn all_f32(t: &Tensor) -> TractResult<Vec<f32>> {
    let cast = t.cast_to::<f32>()?;
    // A slice copy where the tensor is plain memory: the wasm build (opt-level "s") calls
    // an ndarray iterator per element otherwise.
    if let Ok(view) = cast.try_as_plain_ram() {
        return Ok(view.as_slice::<f32>()?.to_vec());
    }
    Ok(cast.to_plain_array_view::<f32>()?.iter().copied().collect())
}

/// The rows of a `[N, k]` (or `[N]`) numeric input as f32, row-major, with `k`.
pub fn rows_f32(t: &Tensor) -> TractResult<(Vec<f32>, usize)> {
    let n = t.shape().first().copied().unwrap_or(1).max(1);
    let width = if t.rank() < 2 { 1 } else { t.len() / n };
    Ok((all_f32(t)?, width))
}
