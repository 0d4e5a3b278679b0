//! `ai.onnx.ml.TreeEnsemble` (ai.onnx.ml opset 5), run as onnxruntime runs it: rewritten
//! into the opset-3 `TreeEnsembleRegressor` form and evaluated by that operator (our
//! flattened forest).
//!
//! The rewrite follows onnxruntime's (`TreeEnsembleAttributesV5::convert_to_v3`): every tree
//! is walked from its entry in `tree_roots`; a leaf becomes a `LEAF` node carrying its one
//! `(leaf_targetids, leaf_weights)` pair; a `BRANCH_MEMBER` node becomes a chain of
//! `BRANCH_EQ` nodes, one per value of its set (taken from `membership_values`, sets
//! separated by NaN), all sharing the node's true child and missing-value rule, the last one
//! falling through to the false child. There are no base values. `aggregate_function` codes
//! are the spec's (0 AVERAGE, 1 SUM, 2 MIN, 3 MAX); `post_transform` codes are onnxruntime's
//! (0 NONE, 1 LOGISTIC, 2 SOFTMAX, 3 SOFTMAX_ZERO, 4 PROBIT), which swap 1 and 2 against the
//! ONNX-ML spec (1 SOFTMAX, 2 LOGISTIC): the promise is onnxruntime's outputs, and onnxruntime
//! 1.32 reads them so.
//!
//! Differences from onnxruntime, in graphs skl2onnx does not write: a tree whose root has
//! the same leaf on both sides is evaluated as that leaf (onnxruntime reads the leaf at the
//! root's own index); float64 inputs are evaluated as the opset-3 operator evaluates them (in
//! float32, with a float32 output), where onnxruntime computes in float64.

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::{tensor_proto::DataType, AttributeProto, NodeProto, TensorProto};
use tract_onnx::tract_hir::internal::*;

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("TreeEnsemble", build);
}

/// The `nodes_modes` codes of opset 5, as opset-3 mode names (`BRANCH_MEMBER` is 6).
const MODES: [&str; 6] = [
    "BRANCH_LEQ",
    "BRANCH_LT",
    "BRANCH_GTE",
    "BRANCH_GT",
    "BRANCH_EQ",
    "BRANCH_NEQ",
];
const BRANCH_MEMBER: i64 = 6;

fn build(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let v3 = to_v3(&V5::parse(ctx, node)?, node)?;
    let regressor = ctx
        .framework
        .op_register
        .0
        .get("TreeEnsembleRegressor")
        .context("TreeEnsembleRegressor is not registered")?;
    regressor(ctx, &v3)
}

/// The opset-5 attributes.
#[derive(Debug, Default)]
struct V5 {
    name: String,
    aggregate: i64,
    post_transform: i64,
    n_targets: i64,
    tree_roots: Vec<i64>,
    modes: Vec<i64>,
    features: Vec<i64>,
    splits: Vec<f64>,
    true_ids: Vec<i64>,
    true_leafs: Vec<i64>,
    false_ids: Vec<i64>,
    false_leafs: Vec<i64>,
    missing_true: Vec<i64>,
    /// Per node: its set when it is a `BRANCH_MEMBER` node, else empty.
    members: Vec<Vec<f64>>,
    leaf_targets: Vec<i64>,
    leaf_weights: Vec<f64>,
}

fn ints(node: &NodeProto, name: &str) -> TractResult<Vec<i64>> {
    Ok(node.get_attr_opt_vec::<i64>(name)?.unwrap_or_default())
}

fn tensor(ctx: &ParsingContext, node: &NodeProto, name: &str) -> TractResult<Option<Tensor>> {
    node.get_attr_opt::<&TensorProto>(name)?
        .map(|t| ctx.load_tensor(t))
        .transpose()
}

fn f64s(ctx: &ParsingContext, node: &NodeProto, name: &str) -> TractResult<Vec<f64>> {
    Ok(match tensor(ctx, node, name)? {
        Some(t) => t
            .cast_to::<f64>()?
            .to_plain_array_view::<f64>()?
            .iter()
            .copied()
            .collect(),
        None => Vec::new(),
    })
}

impl V5 {
    fn parse(ctx: &ParsingContext, node: &NodeProto) -> TractResult<V5> {
        let name = &node.name;
        let modes: Vec<i64> = match tensor(ctx, node, "nodes_modes")? {
            Some(t) => t
                .cast_to::<i64>()?
                .to_plain_array_view::<i64>()?
                .iter()
                .copied()
                .collect(),
            None => Vec::new(),
        };
        let v = V5 {
            name: name.clone(),
            aggregate: node.get_attr_opt::<i64>("aggregate_function")?.unwrap_or(1),
            post_transform: node.get_attr_opt::<i64>("post_transform")?.unwrap_or(0),
            n_targets: node.get_attr_opt::<i64>("n_targets")?.unwrap_or(0),
            tree_roots: ints(node, "tree_roots")?,
            features: ints(node, "nodes_featureids")?,
            splits: f64s(ctx, node, "nodes_splits")?,
            true_ids: ints(node, "nodes_truenodeids")?,
            true_leafs: ints(node, "nodes_trueleafs")?,
            false_ids: ints(node, "nodes_falsenodeids")?,
            false_leafs: ints(node, "nodes_falseleafs")?,
            missing_true: ints(node, "nodes_missing_value_tracks_true")?,
            members: sets(&modes, &f64s(ctx, node, "membership_values")?),
            modes,
            leaf_targets: ints(node, "leaf_targetids")?,
            leaf_weights: f64s(ctx, node, "leaf_weights")?,
        };
        let n = v.modes.len();
        for (what, len) in [
            ("nodes_featureids", v.features.len()),
            ("nodes_splits", v.splits.len()),
            ("nodes_truenodeids", v.true_ids.len()),
            ("nodes_trueleafs", v.true_leafs.len()),
            ("nodes_falsenodeids", v.false_ids.len()),
            ("nodes_falseleafs", v.false_leafs.len()),
        ] {
            if len != n {
                bail!("{name}: {what} has {len} entries but nodes_modes has {n}");
            }
        }
        if !v.missing_true.is_empty() && v.missing_true.len() != n {
            bail!(
                "{name}: nodes_missing_value_tracks_true has {} entries but nodes_modes has {n}",
                v.missing_true.len()
            );
        }
        if v.leaf_targets.len() != v.leaf_weights.len() {
            bail!(
                "{name}: leaf_targetids has {} entries but leaf_weights has {}",
                v.leaf_targets.len(),
                v.leaf_weights.len()
            );
        }
        if v.n_targets <= 0 {
            bail!("{name}: n_targets must be positive");
        }
        if let Some(t) = v
            .leaf_targets
            .iter()
            .find(|t| !(0..v.n_targets).contains(*t))
        {
            bail!(
                "{name}: leaf target {t} is outside 0..{} (n_targets)",
                v.n_targets
            );
        }
        if v.tree_roots.is_empty() {
            bail!("{name}: tree_roots is empty");
        }
        Ok(v)
    }

    fn mode(&self, i: usize) -> TractResult<Option<&'static str>> {
        match self.modes[i] {
            BRANCH_MEMBER => Ok(None),
            m => usize::try_from(m)
                .ok()
                .and_then(|m| MODES.get(m).copied())
                .map(Some)
                .with_context(|| format!("{}: node {i} has unknown mode {m}", self.name)),
        }
    }
}

/// The membership sets, per node: `values` holds one set per `BRANCH_MEMBER` node, in node
/// order, each ended by a NaN.
fn sets(modes: &[i64], values: &[f64]) -> Vec<Vec<f64>> {
    let mut rest = values.iter();
    modes
        .iter()
        .map(|&m| {
            if m != BRANCH_MEMBER {
                return Vec::new();
            }
            rest.by_ref().take_while(|v| !v.is_nan()).copied().collect()
        })
        .collect()
}

/// An entry of the opset-5 arrays: a node or a leaf.
#[derive(Debug, Clone, Copy)]
enum Ref {
    Node(usize),
    Leaf(usize),
}

/// The opset-3 arrays being built.
#[derive(Debug, Default)]
struct V3 {
    tree: Vec<i64>,
    id: Vec<i64>,
    mode: Vec<&'static str>,
    feature: Vec<i64>,
    value: Vec<f64>,
    true_id: Vec<i64>,
    false_id: Vec<i64>,
    missing_true: Vec<i64>,
    w_tree: Vec<i64>,
    w_node: Vec<i64>,
    w_target: Vec<i64>,
    w_value: Vec<f64>,
}

impl V3 {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        tree: i64,
        id: i64,
        mode: &'static str,
        feature: i64,
        value: f64,
        true_id: i64,
        false_id: i64,
        missing_true: i64,
    ) {
        self.tree.push(tree);
        self.id.push(id);
        self.mode.push(mode);
        self.feature.push(feature);
        self.value.push(value);
        self.true_id.push(true_id);
        self.false_id.push(false_id);
        self.missing_true.push(missing_true);
    }
}

/// Builds the equivalent `TreeEnsembleRegressor` node.
fn to_v3(v: &V5, node: &NodeProto) -> TractResult<NodeProto> {
    let name = &v.name;
    let mut out = V3::default();
    let child = |i: usize, leaf: i64, id: i64, side: &str| -> TractResult<Ref> {
        let limit = if leaf != 0 {
            v.leaf_targets.len()
        } else {
            v.modes.len()
        };
        let index = usize::try_from(id)
            .ok()
            .filter(|x| *x < limit)
            .with_context(|| format!("{name}: node {i}'s {side} child {id} does not exist"))?;
        Ok(if leaf != 0 {
            Ref::Leaf(index)
        } else {
            Ref::Node(index)
        })
    };
    // A node reached twice would be walked twice (or forever, in a cycle).
    let mut seen = vec![false; v.modes.len()];
    for (t, &root) in v.tree_roots.iter().enumerate() {
        let tree = t as i64;
        let root = usize::try_from(root)
            .ok()
            .filter(|r| *r < v.modes.len())
            .with_context(|| format!("{name}: tree root {root} is not a node"))?;
        let mut next_id = 1i64;
        let mut stack = vec![(Ref::Node(root), 0i64)];
        while let Some((at, id)) = stack.pop() {
            let i = match at {
                Ref::Leaf(j) => {
                    out.push(tree, id, "LEAF", 0, 0.0, 0, 0, 0);
                    out.w_tree.push(tree);
                    out.w_node.push(id);
                    out.w_target.push(v.leaf_targets[j]);
                    out.w_value.push(v.leaf_weights[j]);
                    continue;
                }
                Ref::Node(i) => i,
            };
            if std::mem::replace(&mut seen[i], true) {
                bail!("{name}: node {i} is reached twice; the trees must be trees");
            }
            let true_ref = child(i, v.true_leafs[i], v.true_ids[i], "true")?;
            let false_ref = child(i, v.false_leafs[i], v.false_ids[i], "false")?;
            let missing = v.missing_true.get(i).copied().unwrap_or(0);
            let feature = v.features[i];
            let (true_id, false_id) = (next_id, next_id + 1);
            next_id += 2;
            match v.mode(i)? {
                Some(mode) => out.push(
                    tree,
                    id,
                    mode,
                    feature,
                    v.splits[i],
                    true_id,
                    false_id,
                    missing,
                ),
                None => {
                    let set = &v.members[i];
                    if set.is_empty() {
                        bail!("{name}: BRANCH_MEMBER node {i} has an empty set");
                    }
                    let mut this = id;
                    for (k, member) in set.iter().enumerate() {
                        let last = k + 1 == set.len();
                        let next = if last { false_id } else { next_id };
                        out.push(
                            tree,
                            this,
                            "BRANCH_EQ",
                            feature,
                            *member,
                            true_id,
                            next,
                            missing,
                        );
                        if !last {
                            this = next_id;
                            next_id += 1;
                        }
                    }
                }
            }
            stack.push((false_ref, false_id));
            stack.push((true_ref, true_id));
        }
    }
    // onnxruntime's order, not the spec's (see the module documentation).
    let post = match v.post_transform {
        0 => "NONE",
        1 => "LOGISTIC",
        2 => "SOFTMAX",
        3 => "SOFTMAX_ZERO",
        4 => "PROBIT",
        p => bail!("{name}: unknown post_transform {p}"),
    };
    let aggregate = match v.aggregate {
        0 => "AVERAGE",
        1 => "SUM",
        2 => "MIN",
        3 => "MAX",
        a => bail!("{name}: unknown aggregate_function {a}"),
    };
    let attribute = vec![
        int_attr("n_targets", v.n_targets),
        string_attr("aggregate_function", aggregate),
        string_attr("post_transform", post),
        ints_attr("nodes_treeids", out.tree),
        ints_attr("nodes_nodeids", out.id),
        strings_attr("nodes_modes", &out.mode),
        ints_attr("nodes_featureids", out.feature),
        doubles_attr("nodes_values_as_tensor", out.value),
        ints_attr("nodes_truenodeids", out.true_id),
        ints_attr("nodes_falsenodeids", out.false_id),
        ints_attr("nodes_missing_value_tracks_true", out.missing_true),
        ints_attr("target_treeids", out.w_tree),
        ints_attr("target_nodeids", out.w_node),
        ints_attr("target_ids", out.w_target),
        doubles_attr("target_weights_as_tensor", out.w_value),
    ];
    Ok(NodeProto {
        name: node.name.clone(),
        op_type: "TreeEnsembleRegressor".into(),
        domain: node.domain.clone(),
        input: node.input.clone(),
        output: node.output.clone(),
        attribute,
        ..NodeProto::default()
    })
}

fn attr(name: &str, kind: AttributeType) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: kind as i32,
        ..AttributeProto::default()
    }
}

fn int_attr(name: &str, i: i64) -> AttributeProto {
    AttributeProto {
        i,
        ..attr(name, AttributeType::Int)
    }
}

fn string_attr(name: &str, s: &str) -> AttributeProto {
    AttributeProto {
        s: s.as_bytes().to_vec(),
        ..attr(name, AttributeType::String)
    }
}

fn ints_attr(name: &str, ints: Vec<i64>) -> AttributeProto {
    AttributeProto {
        ints,
        ..attr(name, AttributeType::Ints)
    }
}

fn strings_attr(name: &str, strings: &[&str]) -> AttributeProto {
    AttributeProto {
        strings: strings.iter().map(|s| s.as_bytes().to_vec()).collect(),
        ..attr(name, AttributeType::Strings)
    }
}

fn doubles_attr(name: &str, values: Vec<f64>) -> AttributeProto {
    AttributeProto {
        t: Some(TensorProto {
            dims: vec![values.len() as i64],
            data_type: DataType::Double as i32,
            double_data: values,
            ..TensorProto::default()
        }),
        ..attr(name, AttributeType::Tensor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_sets_are_split_at_nan_and_only_for_member_nodes() {
        let modes = [0, BRANCH_MEMBER, 4, BRANCH_MEMBER];
        let values = [1.0, 2.0, f64::NAN, 7.0, f64::NAN];
        assert_eq!(
            sets(&modes, &values),
            vec![vec![], vec![1.0, 2.0], vec![], vec![7.0]]
        );
    }

    /// One tree: root `x0 in {1, 2}` → leaf 0 (target 0, 10) else `x1 <= 0.5` → leaf 1
    /// (target 1, 20) / leaf 2 (target 0, 30).
    fn member_tree() -> V5 {
        V5 {
            name: "t".into(),
            aggregate: 1,
            n_targets: 2,
            tree_roots: vec![0],
            modes: vec![BRANCH_MEMBER, 0],
            features: vec![0, 1],
            splits: vec![0.0, 0.5],
            true_ids: vec![0, 1],
            true_leafs: vec![1, 1],
            false_ids: vec![1, 2],
            false_leafs: vec![0, 1],
            missing_true: vec![1, 0],
            members: vec![vec![1.0, 2.0], vec![]],
            leaf_targets: vec![0, 1, 0],
            leaf_weights: vec![10.0, 20.0, 30.0],
            ..V5::default()
        }
    }

    fn attr_ints<'a>(n: &'a NodeProto, name: &str) -> &'a [i64] {
        &n.attribute.iter().find(|a| a.name == name).unwrap().ints
    }

    #[test]
    fn a_member_node_becomes_a_chain_of_equalities() {
        let v3 = to_v3(&member_tree(), &NodeProto::default()).unwrap();
        let modes: Vec<String> = v3
            .attribute
            .iter()
            .find(|a| a.name == "nodes_modes")
            .unwrap()
            .strings
            .iter()
            .map(|s| String::from_utf8(s.clone()).unwrap())
            .collect();
        // Root chain (EQ 1, EQ 2), then the true leaf, the LEQ node and its two leaves.
        assert_eq!(
            modes,
            [
                "BRANCH_EQ",
                "BRANCH_EQ",
                "LEAF",
                "BRANCH_LEQ",
                "LEAF",
                "LEAF"
            ]
        );
        let ids = attr_ints(&v3, "nodes_nodeids");
        let trues = attr_ints(&v3, "nodes_truenodeids");
        let falses = attr_ints(&v3, "nodes_falsenodeids");
        // Both equalities share the true leaf; the first falls through to the second, the
        // second to the LEQ node.
        assert_eq!(trues[0], trues[1]);
        assert_eq!(falses[0], ids[1]);
        assert_eq!(falses[1], ids[3]);
        assert_eq!(ids[2], trues[0]);
        assert_eq!(
            attr_ints(&v3, "nodes_missing_value_tracks_true")[..2],
            [1, 1]
        );
        assert_eq!(attr_ints(&v3, "target_ids"), [0, 1, 0]);
    }

    #[test]
    fn shared_nodes_and_bad_references_are_refused() {
        let mut v = member_tree();
        v.false_leafs = vec![0, 0];
        v.false_ids = vec![1, 1]; // node 1 is its own false child
        let e = to_v3(&v, &NodeProto::default()).unwrap_err().to_string();
        assert!(e.contains("reached twice"), "{e}");
        let mut v = member_tree();
        v.true_ids = vec![0, 9];
        let e = to_v3(&v, &NodeProto::default()).unwrap_err().to_string();
        assert!(e.contains("child 9 does not exist"), "{e}");
        let mut v = member_tree();
        v.members[0].clear();
        let e = to_v3(&v, &NodeProto::default()).unwrap_err().to_string();
        assert!(e.contains("empty set"), "{e}");
    }
}
