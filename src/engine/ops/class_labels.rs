//! The `classlabels_ints` / `classlabels_strings` attributes and label tensors built from them.

use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{Kernel, KernelOp};

/// A classifier's labels: integers or strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassLabels {
    /// `classlabels_ints`.
    Ints(Vec<i64>),
    /// `classlabels_strings`.
    Strings(Vec<String>),
}

impl ClassLabels {
    /// Reads the labels from the node: exactly one of the two attributes must be set.
    pub fn parse(node: &NodeProto) -> TractResult<ClassLabels> {
        // LinearClassifier and SVMClassifier say `classlabels_ints`; tree ensembles say
        // `classlabels_int64s`.
        let ints = match node
            .get_attr_opt_vec::<i64>("classlabels_ints")?
            .filter(|v| !v.is_empty())
        {
            Some(v) => Some(v),
            None => node
                .get_attr_opt_vec::<i64>("classlabels_int64s")?
                .filter(|v| !v.is_empty()),
        };
        let strings = node
            .get_attr_opt_vec::<String>("classlabels_strings")?
            .filter(|v| !v.is_empty());
        match (ints, strings) {
            (Some(i), None) => Ok(ClassLabels::Ints(i)),
            (None, Some(s)) => Ok(ClassLabels::Strings(s)),
            (None, None) => bail!(
                "{}: needs classlabels_ints or classlabels_strings",
                node.name
            ),
            (Some(_), Some(_)) => bail!(
                "{}: has both classlabels_ints and classlabels_strings",
                node.name
            ),
        }
    }

    /// The labels `0..n`: each row's label as its position in a list of `n` labels.
    pub fn positions(n: usize) -> ClassLabels {
        ClassLabels::Ints((0..n).map(|i| i as i64).collect())
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        match self {
            ClassLabels::Ints(v) => v.len(),
            ClassLabels::Strings(v) => v.len(),
        }
    }

    /// The label tensor's element type.
    pub fn datum_type(&self) -> DatumType {
        match self {
            ClassLabels::Ints(_) => i64::datum_type(),
            ClassLabels::Strings(_) => String::datum_type(),
        }
    }

    /// A `[N]` tensor of the labels at `indices`.
    pub fn tensor(&self, indices: &[usize]) -> TractResult<Tensor> {
        let pick = |i: &usize| i.min(&(self.len().saturating_sub(1))).to_owned();
        Ok(match self {
            ClassLabels::Ints(v) => {
                tensor1(&indices.iter().map(|i| v[pick(i)]).collect::<Vec<_>>())
            }
            // Moved into the tensor, not copied again (a batch's worth of strings).
            ClassLabels::Strings(v) => tract_ndarray::Array1::from(
                indices
                    .iter()
                    .map(|i| v[pick(i)].clone())
                    .collect::<Vec<_>>(),
            )
            .into_tensor(),
        })
    }
}

/// A classifier of ours whose first output is each row's label, picked from its labels.
pub trait Labelled: Kernel {
    /// The labels the first output picks from.
    fn labels_mut(&mut self) -> &mut ClassLabels;
}

/// When `node`'s operator is the classifier `K` with string labels, makes it emit each
/// row's label as its position among them (int64, see [`ClassLabels::positions`]) and
/// returns the strings; `None` leaves the node as it was.
pub fn strings_to_positions<K: Labelled>(node: &mut TypedNode) -> Option<Vec<String>> {
    let op = node.op_as_mut::<KernelOp<K>>()?;
    let labels = op.0.labels_mut();
    let ClassLabels::Strings(strings) = labels else {
        return None;
    };
    let strings = std::mem::take(strings);
    *labels = ClassLabels::positions(strings.len());
    let fact = node.outputs.first_mut()?;
    fact.fact.datum_type = i64::datum_type();
    Some(strings)
}
