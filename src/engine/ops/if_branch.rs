//! `If`, whose branches are typed from the facts of the values they take from the enclosing
//! graph as the typed graph has them, and whose branches may give outputs of different
//! lengths.
//!
//! tract's `If` types each branch from the facts inference found, which stay incomplete when
//! a value's length is only known at run time (after `NonZero` or `Compress`): the branch
//! then cannot be typed ("Source node without a determined fact"). Here the branch is typed
//! in `to_typed`, where every outer value already has a typed fact, its data-dependent
//! lengths as symbols. And where tract requires both branches to give the same facts, an
//! output dimension on which they differ becomes a symbol of this node's, bound when it runs
//! (skl2onnx's KNNImputer returns the column unchanged in one branch and a computed one of
//! another symbolic length in the other).
//!
//! Where the branches disagree on an output's type or rank (skl2onnx's KNNImputer has its
//! branch for rows whose distances to every donor are NaN give a rank-3 tensor where the
//! other gives rank 2, and onnxruntime fails on such rows), the output is typed as the else
//! branch gives it, and taking the then branch fails with an error naming both.

use tract_onnx::model::{OnnxOpRegister, ParseResult, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

/// Registers the operator (replacing tract's).
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("If", build);
}

/// One branch: the parsed body, and which of the node's inputs feeds each body input.
#[derive(Debug, Clone)]
struct Branch {
    /// As parsed, never analysed (analysis may pin facts the typed graph contradicts).
    body: InferenceModel,
    /// Analysed with the node's inference facts, for inference only.
    analysed: InferenceModel,
    /// Node input index (1-based: 0 is the condition) of each body input.
    inputs: Vec<usize>,
}

/// The inference-time `If`.
#[derive(Debug, Clone)]
pub struct If {
    then: Branch,
    otherwise: Branch,
}

fn build(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let parse = |name: &str| -> TractResult<(InferenceModel, Vec<String>)> {
        let ParseResult {
            model,
            unresolved_inputs,
            ..
        } = ctx.parse_graph(node.get_attr(name)?)?;
        Ok((model, unresolved_inputs))
    };
    let (then_body, then_names) = parse("then_branch")?;
    let (else_body, else_names) = parse("else_branch")?;
    let mut names: Vec<String> = then_names.iter().chain(&else_names).cloned().collect();
    names.sort();
    names.dedup();
    let position = |n: &String| -> TractResult<usize> {
        names
            .iter()
            .position(|m| m == n)
            .map(|p| p + 1)
            .context("If: a branch input lost its name")
    };
    let branch = |body: InferenceModel, inputs: &[String]| -> TractResult<Branch> {
        Ok(Branch {
            analysed: body.clone(),
            body,
            inputs: inputs.iter().map(position).collect::<TractResult<_>>()?,
        })
    };
    let op = If {
        then: branch(then_body, &then_names)?,
        otherwise: branch(else_body, &else_names)?,
    };
    if op.then.body.outputs.len() != op.otherwise.body.outputs.len() {
        bail!(
            "If: the then branch gives {} outputs and the else branch {}",
            op.then.body.outputs.len(),
            op.otherwise.body.outputs.len()
        );
    }
    Ok((Box::new(op), names))
}

impl Op for If {
    fn name(&self) -> StaticName {
        "If".into()
    }

    not_a_typed_op!();
}

impl EvalOp for If {
    // Evaluated only once typed.
    op_out_of_plan!();
}

impl PartialEq for If {
    // Two branches are never merged as equal nodes.
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

impl Eq for If {}

impl InferenceOp for If {
    fn infer_facts(
        &mut self,
        inputs: TVec<&InferenceFact>,
        outputs: TVec<&InferenceFact>,
        observed: TVec<&InferenceFact>,
    ) -> TractResult<(
        TVec<InferenceFact>,
        TVec<InferenceFact>,
        TVec<InferenceFact>,
    )> {
        let mut inputs: TVec<InferenceFact> = inputs.into_iter().cloned().collect();
        let mut outputs: TVec<InferenceFact> = outputs.into_iter().cloned().collect();
        let cond = inputs.first_mut().context("If: no condition")?;
        cond.datum_type.unify_with(&bool::datum_type().into())?;
        // Only what both branches agree on is passed out: types and ranks (lengths may be
        // known only at run time, and differ between the branches).
        for branch in [&mut self.then, &mut self.otherwise] {
            for (ix, outer) in branch.inputs.iter().enumerate() {
                let fact = inputs.get_mut(*outer).context("If: missing input")?;
                branch.analysed.input_fact_mut(ix)?.unify_with_mut(fact)?;
            }
            // Analysis of a branch may stay partial; typing it later decides.
            let _ = branch.analysed.analyse(false);
        }
        for (ix, out) in outputs.iter_mut().enumerate() {
            for branch in [&mut self.then, &mut self.otherwise] {
                let fact = branch.analysed.output_fact_mut(ix)?;
                fact.datum_type.unify_with_mut(&mut out.datum_type)?;
                if let Some(rank) = fact.shape.rank().concretize() {
                    out.shape.rank().unify_with(&rank.into())?;
                }
            }
        }
        Ok((inputs, outputs, observed.into_iter().cloned().collect()))
    }

    fn nboutputs(&self) -> TractResult<usize> {
        Ok(self.then.body.outputs.len())
    }

    fn to_typed(
        &self,
        _source: &InferenceModel,
        node: &InferenceNode,
        target: &mut TypedModel,
        mapping: &HashMap<OutletId, OutletId>,
    ) -> TractResult<TVec<OutletId>> {
        let inputs: TVec<OutletId> = node
            .inputs
            .iter()
            .map(|o| mapping.get(o).copied().context("If: input not translated"))
            .collect::<TractResult<_>>()?;
        let facts: TVec<TypedFact> = inputs
            .iter()
            .map(|o| target.outlet_fact(*o).cloned())
            .collect::<TractResult<_>>()?;
        let typed = |branch: &Branch, which: &str| -> TractResult<TypedModel> {
            let mut body = branch.body.clone();
            for (ix, outer) in branch.inputs.iter().enumerate() {
                let fact = facts.get(*outer).context("If: missing input fact")?;
                body.set_input_fact(ix, InferenceFact::from(fact.clone()))?;
            }
            body.into_typed()
                .with_context(|| format!("typing the {which} branch of {}", node.name))
        };
        let then_body = typed(&self.then, "then")?;
        let else_body = typed(&self.otherwise, "else")?;
        let mut output_facts = tvec![];
        for ix in 0..then_body.outputs.len() {
            let t = then_body.output_fact(ix)?.without_value();
            let e = else_body.output_fact(ix)?.without_value();
            if t.datum_type != e.datum_type || t.rank() != e.rank() {
                // Typed as the else branch gives it; the then branch fails when it runs (see
                // the module's documentation).
                output_facts.push(e);
                continue;
            }
            let shape: TVec<TDim> = t
                .shape
                .iter()
                .zip(e.shape.iter())
                .map(|(a, b)| {
                    if a == b {
                        a.clone()
                    } else {
                        target.symbols.new_with_prefix("branch").to_dim()
                    }
                })
                .collect();
            output_facts.push(t.datum_type.fact(shape));
        }
        let op = TypedIf {
            then_plan: then_body.into_runnable()?,
            then_inputs: self.then.inputs.clone(),
            else_plan: else_body.into_runnable()?,
            else_inputs: self.otherwise.inputs.clone(),
            output_facts,
        };
        target.wire_node(&node.name, op, &inputs)
    }

    as_op!();
}

/// The typed `If`: both branches ready to run.
#[derive(Debug, Clone)]
pub struct TypedIf {
    then_plan: Arc<TypedSimplePlan>,
    then_inputs: Vec<usize>,
    else_plan: Arc<TypedSimplePlan>,
    else_inputs: Vec<usize>,
    output_facts: TVec<TypedFact>,
}

impl PartialEq for TypedIf {
    // Two branches are never merged as equal nodes.
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

impl Eq for TypedIf {}

impl Op for TypedIf {
    fn name(&self) -> StaticName {
        "If".into()
    }

    fn mints_runtime_symbols(&self) -> bool {
        true
    }

    op_as_typed_op!();
}

impl EvalOp for TypedIf {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let cond = inputs
            .first()
            .context("If: no condition")?
            .cast_to_scalar::<bool>()?;
        let (plan, feed) = if cond {
            (&self.then_plan, &self.then_inputs)
        } else {
            (&self.else_plan, &self.else_inputs)
        };
        let feed: TVec<TValue> = feed
            .iter()
            .map(|ix| inputs.get(*ix).cloned().context("If: missing input"))
            .collect::<TractResult<_>>()?;
        let outputs = plan.run(feed)?;
        for (ix, (got, fact)) in outputs.iter().zip(&self.output_facts).enumerate() {
            if got.datum_type() != fact.datum_type || got.rank() != fact.rank() {
                bail!(
                    "If: the {} branch gives output {ix} as {:?} of rank {}, where the graph \
                     was typed for {:?} of rank {} (the else branch's); onnxruntime runs such \
                     a graph only as long as that branch is not taken either",
                    if cond { "then" } else { "else" },
                    got.datum_type(),
                    got.rank(),
                    fact.datum_type,
                    fact.rank()
                );
            }
        }
        Ok(outputs)
    }
}

impl TypedOp for TypedIf {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let cond = inputs.first().context("If: no condition")?;
        ensure!(
            cond.datum_type == bool::datum_type(),
            "If: the condition must be a bool"
        );
        Ok(self.output_facts.clone())
    }

    as_op!();
}

#[cfg(test)]
mod tests;
