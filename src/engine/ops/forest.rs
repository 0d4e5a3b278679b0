//! Tree ensembles flattened into arrays, evaluated over a whole batch.
//!
//! Both `TreeEnsembleRegressor` and `TreeEnsembleClassifier` parse into a [`Forest`]: one
//! array per node field across all trees, children as absolute indices, leaf weights as
//! ranges into one weight array. Evaluation walks 128 rows at a time tree by tree, which
//! keeps each tree hot in cache (onnxruntime does the same). Accumulation is in f32 and in
//! tree order, as onnxruntime accumulates, so scores agree to the last bits.

use std::collections::HashMap;

use tract_onnx::model::ParsingContext;
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::forest_lanes::{self, LaneForest};

/// Node comparison, or leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `x <= t`
    Leq,
    /// `x < t`
    Lt,
    /// `x >= t`
    Gte,
    /// `x > t`
    Gt,
    /// `x == t`
    Eq,
    /// `x != t`
    Neq,
    /// A leaf.
    Leaf,
}

impl Mode {
    fn parse(s: &[u8]) -> TractResult<Mode> {
        Ok(match s {
            b"BRANCH_LEQ" => Mode::Leq,
            b"BRANCH_LT" => Mode::Lt,
            b"BRANCH_GTE" => Mode::Gte,
            b"BRANCH_GT" => Mode::Gt,
            b"BRANCH_EQ" => Mode::Eq,
            b"BRANCH_NEQ" => Mode::Neq,
            b"LEAF" => Mode::Leaf,
            other => bail!("unknown node mode {:?}", String::from_utf8_lossy(other)),
        })
    }
}

/// One weight at a leaf: which target or class, and how much.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weight {
    /// Target or class index.
    pub id: u32,
    /// Value.
    pub value: f32,
}

/// All trees of an ensemble, flattened.
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    mode: Vec<Mode>,
    feature: Vec<u32>,
    threshold: Vec<f64>,
    true_child: Vec<u32>,
    false_child: Vec<u32>,
    missing_true: Vec<bool>,
    /// For leaves: the range of their weights in `weights`.
    weight_start: Vec<u32>,
    weight_len: Vec<u32>,
    /// For leaves: the first weight, or the node value when there is none (what
    /// onnxruntime adds for single-target ensembles).
    unique_weight: Vec<f32>,
    weights: Vec<Weight>,
    roots: Vec<u32>,
    /// Smallest input width the trees can read.
    pub min_features: usize,
    /// The same trees laid out for the branch-free walk (the fast path), when no branch is
    /// `==` or `!=` (see [`Forest::lane_node`]).
    lanes: Option<LaneForest>,
    /// Per tree: the longest root-to-leaf path.
    depth: Vec<u32>,
}

/// Reads a float list attribute, or its `*_as_tensor` form (opset 3).
pub fn floats(ctx: &ParsingContext, node: &NodeProto, name: &str) -> TractResult<Option<Vec<f64>>> {
    if let Some(proto) =
        node.get_attr_opt::<&tract_onnx::pb::TensorProto>(&format!("{name}_as_tensor"))?
    {
        let t = ctx.load_tensor(proto)?.cast_to::<f64>()?.into_owned();
        return Ok(Some(
            t.to_plain_array_view::<f64>()?.iter().copied().collect(),
        ));
    }
    Ok(node
        .get_attr_opt_slice::<f32>(name)?
        .map(|v| v.iter().map(|&x| f64::from(x)).collect()))
}

/// An int list attribute, borrowed from the node (empty when absent).
fn ints<'a>(node: &'a NodeProto, name: &str) -> TractResult<&'a [i64]> {
    Ok(node.get_attr_opt_slice::<i64>(name)?.unwrap_or(&[]))
}

/// The `nodes_*` attributes of a tree ensemble, as parallel lists in attribute order.
#[derive(Debug, Clone, Default)]
pub struct NodeLists<'a> {
    /// `nodes_treeids`.
    pub tree_ids: &'a [i64],
    /// `nodes_nodeids`.
    pub node_ids: &'a [i64],
    /// `nodes_featureids`.
    pub features: &'a [i64],
    /// `nodes_modes`.
    pub modes: Vec<Mode>,
    /// `nodes_values` (or `nodes_values_as_tensor`).
    pub values: Vec<f64>,
    /// `nodes_truenodeids`.
    pub trues: &'a [i64],
    /// `nodes_falsenodeids`.
    pub falses: &'a [i64],
    /// `nodes_missing_value_tracks_true` (may be shorter, even empty).
    pub missing: &'a [i64],
}

/// The leaf weight attributes (`target_*` or `class_*`), as parallel lists.
#[derive(Debug, Clone, Default)]
pub struct WeightLists<'a> {
    /// `*_ids`: target or class.
    pub ids: &'a [i64],
    /// `*_nodeids`.
    pub node_ids: &'a [i64],
    /// `*_treeids`.
    pub tree_ids: &'a [i64],
    /// `*_weights` (or `*_weights_as_tensor`).
    pub values: Vec<f64>,
}

/// No node at this table slot.
const ABSENT: u32 = u32::MAX;

/// Where each (tree id, node id) pair sits in attribute order.
#[derive(Debug)]
enum NodeIndex {
    /// Each tree's nodes contiguous in attribute order with node ids dense enough for a
    /// table (what skl2onnx writes): trees sorted by id, each with a slice of `table`.
    Dense {
        trees: Vec<DenseTree>,
        table: Vec<u32>,
    },
    /// Any other layout.
    Hashed(HashMap<(i64, i64), u32>),
}

#[derive(Debug, Clone, Copy)]
struct DenseTree {
    id: i64,
    first_node: i64,
    offset: usize,
    len: usize,
}

impl NodeIndex {
    /// Indexes the nodes, refusing a (tree, node) pair that appears twice.
    fn build(name: &str, tree_ids: &[i64], node_ids: &[i64]) -> TractResult<NodeIndex> {
        let twice = |i: usize| {
            format_err!(
                "{name}: node {} of tree {} appears twice",
                node_ids[i],
                tree_ids[i]
            )
        };
        if let Some(index) = NodeIndex::dense(tree_ids, node_ids, twice)? {
            return Ok(index);
        }
        let mut index = HashMap::with_capacity(tree_ids.len());
        for (i, key) in tree_ids.iter().zip(node_ids).enumerate() {
            if index.insert((*key.0, *key.1), i as u32).is_some() {
                return Err(twice(i));
            }
        }
        Ok(NodeIndex::Hashed(index))
    }

    /// The table form, or `None` when a tree's nodes are split up or its ids too sparse
    /// (the table then stays within twice the node count).
    fn dense(
        tree_ids: &[i64],
        node_ids: &[i64],
        twice: impl Fn(usize) -> TractError,
    ) -> TractResult<Option<NodeIndex>> {
        // Runs of one tree id in attribute order: (tree, first position, node count).
        let mut runs: Vec<(i64, usize, usize)> = Vec::new();
        let mut start = 0;
        while start < tree_ids.len() {
            let id = tree_ids[start];
            let len = tree_ids[start..].iter().take_while(|&&t| t == id).count();
            runs.push((id, start, len));
            start += len;
        }
        let mut trees = Vec::with_capacity(runs.len());
        let mut table = Vec::new();
        for &(id, start, len) in &runs {
            let ids = &node_ids[start..start + len];
            let (lo, hi) = ids
                .iter()
                .fold((i64::MAX, i64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            let span = match hi.checked_sub(lo).and_then(|d| usize::try_from(d).ok()) {
                Some(d) if d < 2 * len => d + 1,
                _ => return Ok(None),
            };
            let offset = table.len();
            table.resize(offset + span, ABSENT);
            for (k, &v) in ids.iter().enumerate() {
                // lo <= v <= hi, so v - lo < span.
                let slot = &mut table[offset + (v - lo) as usize];
                if *slot != ABSENT {
                    return Err(twice(start + k));
                }
                *slot = (start + k) as u32;
            }
            trees.push(DenseTree {
                id,
                first_node: lo,
                offset,
                len: span,
            });
        }
        trees.sort_unstable_by_key(|t| t.id);
        if trees.windows(2).any(|w| w[0].id == w[1].id) {
            return Ok(None); // a tree in several pieces
        }
        Ok(Some(NodeIndex::Dense { trees, table }))
    }

    /// The position of node `node` of tree `tree`. `cache` remembers the last tree found,
    /// since lookups come grouped by tree.
    fn get(&self, tree: i64, node: i64, cache: &mut usize) -> Option<u32> {
        match self {
            NodeIndex::Hashed(map) => map.get(&(tree, node)).copied(),
            NodeIndex::Dense { trees, table } => {
                if trees.get(*cache).is_none_or(|t| t.id != tree) {
                    *cache = trees.binary_search_by_key(&tree, |t| t.id).ok()?;
                }
                let t = trees[*cache];
                let k = usize::try_from(node.checked_sub(t.first_node)?).ok()?;
                if k >= t.len {
                    return None;
                }
                Some(table[t.offset + k]).filter(|&i| i != ABSENT)
            }
        }
    }
}

impl Forest {
    /// Parses the `nodes_*` attributes and the leaf weights named by `prefix`
    /// (`target` for regressors, `class` for classifiers).
    pub fn parse(ctx: &ParsingContext, node: &NodeProto, prefix: &str) -> TractResult<Forest> {
        // Borrowed, not copied: a big forest has hundreds of thousands of entries.
        let modes = node
            .get_attr_opt_slice::<Vec<u8>>("nodes_modes")?
            .unwrap_or(&[])
            .iter()
            .map(|m| Mode::parse(m))
            .collect::<TractResult<_>>()?;
        let nodes = NodeLists {
            tree_ids: ints(node, "nodes_treeids")?,
            node_ids: ints(node, "nodes_nodeids")?,
            features: ints(node, "nodes_featureids")?,
            modes,
            values: floats(ctx, node, "nodes_values")?.unwrap_or_default(),
            trues: ints(node, "nodes_truenodeids")?,
            falses: ints(node, "nodes_falsenodeids")?,
            missing: ints(node, "nodes_missing_value_tracks_true")?,
        };
        let weights = WeightLists {
            ids: ints(node, &format!("{prefix}_ids"))?,
            node_ids: ints(node, &format!("{prefix}_nodeids"))?,
            tree_ids: ints(node, &format!("{prefix}_treeids"))?,
            values: floats(ctx, node, &format!("{prefix}_weights"))?.unwrap_or_default(),
        };
        Forest::build(&node.name, nodes, &weights, prefix)
    }

    /// Builds the forest from its attribute lists, checking that they describe trees:
    /// equal lengths, unique (tree, node) pairs, children that exist in the same tree, no
    /// cycles, weights on existing nodes.
    pub fn build(
        name: &str,
        nodes: NodeLists<'_>,
        weights: &WeightLists<'_>,
        prefix: &str,
    ) -> TractResult<Forest> {
        let n = nodes.tree_ids.len();
        for (what, len) in [
            ("nodes_nodeids", nodes.node_ids.len()),
            ("nodes_featureids", nodes.features.len()),
            ("nodes_modes", nodes.modes.len()),
            ("nodes_values", nodes.values.len()),
            ("nodes_truenodeids", nodes.trues.len()),
            ("nodes_falsenodeids", nodes.falses.len()),
        ] {
            if len != n {
                bail!("{name}: {what} has {len} entries but nodes_treeids has {n}");
            }
        }
        if n == 0 || n > u32::MAX as usize / 2 {
            bail!("{name}: a tree ensemble needs between 1 and 2^31 nodes");
        }
        let (tree_ids, node_ids) = (nodes.tree_ids, nodes.node_ids);
        let index = NodeIndex::build(name, tree_ids, node_ids)?;
        let mut cache = 0;
        let mut child = |i: usize, id: i64, which: &str| -> TractResult<u32> {
            let c = index.get(tree_ids[i], id, &mut cache).with_context(|| {
                format!(
                    "{name}: tree {} has no node {id} ({which} child of node {})",
                    tree_ids[i], node_ids[i]
                )
            })?;
            if c as usize == i {
                bail!(
                    "{name}: node {} of tree {} is its own child",
                    node_ids[i],
                    tree_ids[i]
                );
            }
            Ok(c)
        };
        let mut forest = Forest {
            unique_weight: nodes.values.iter().map(|v| *v as f32).collect(),
            mode: nodes.modes,
            feature: Vec::with_capacity(n),
            threshold: nodes.values,
            true_child: vec![0; n],
            false_child: vec![0; n],
            missing_true: (0..n).map(|i| nodes.missing.get(i) == Some(&1)).collect(),
            weight_start: vec![0; n],
            weight_len: vec![0; n],
            weights: Vec::new(),
            roots: Vec::new(),
            min_features: 0,
            lanes: None,
            depth: Vec::new(),
        };
        for i in 0..n {
            let f = u32::try_from(nodes.features[i])
                .map_err(|_| format_err!("{name}: negative feature id"))?;
            forest.feature.push(f);
            if forest.mode[i] != Mode::Leaf {
                forest.true_child[i] = child(i, nodes.trues[i], "true")?;
                forest.false_child[i] = child(i, nodes.falses[i], "false")?;
                forest.min_features = forest.min_features.max(f as usize + 1);
            }
            // A tree's root is its first node in attribute order, as onnxruntime takes it.
            if i == 0 || tree_ids[i] != tree_ids[i - 1] {
                forest.roots.push(i as u32);
            }
        }
        let heights = forest.heights(name)?;
        forest.depth = forest.roots.iter().map(|&r| heights[r as usize]).collect();
        forest.attach_weights(name, &index, weights, prefix)?;
        forest.lanes = forest.lane_forest();
        Ok(forest)
    }

    /// The fast layout, when every node has one (see [`Forest::lane_node`]).
    fn lane_forest(&self) -> Option<LaneForest> {
        let nodes = (0..self.mode.len())
            .map(|i| self.lane_node(i))
            .collect::<Option<Vec<_>>>()?;
        LaneForest::build(&nodes, &self.roots, &self.depth, self.min_features)
    }

    /// Node `i` as the lane walk takes it: `x <= t'` with an f32 `t'`, the children swapped
    /// for `>` and `>=`, and where a NaN goes. For an f32 `x` (widened exactly to f64),
    /// `x <= t` holds exactly when `x <= t'` with `t'` the largest f32 not above `t`, and
    /// `x < t` when `x <= t'` with `t'` the largest f32 below `t`; `>` and `>=` are their
    /// negations for every `x` but NaN, which no comparison takes, so it goes to the false
    /// child unless the node tracks missing values to the true one ([`Forest::leaf`]).
    /// `None` for `==` and `!=`, and for thresholds where the rewrite would not hold (NaN, or
    /// `< -∞`).
    fn lane_node(&self, i: usize) -> Option<forest_lanes::Node> {
        let (strict, swap) = match self.mode[i] {
            Mode::Leaf => {
                return Some(forest_lanes::Node::Leaf {
                    value: self.unique_weight[i],
                })
            }
            Mode::Leq => (false, false),
            Mode::Lt => (true, false),
            Mode::Gt => (false, true),
            Mode::Gte => (true, true),
            Mode::Eq | Mode::Neq => return None,
        };
        let t = self.threshold[i];
        if t.is_nan() || (strict && t == f64::NEG_INFINITY) {
            return None;
        }
        // Round to nearest, then step down if that went above `t` (or, strict, reached it).
        let mut threshold = t as f32;
        if f64::from(threshold) > t || (strict && f64::from(threshold) == t) {
            threshold = threshold.next_down();
        }
        let (t_child, f_child) = (self.true_child[i], self.false_child[i]);
        let (true_child, false_child) = if swap {
            (f_child, t_child)
        } else {
            (t_child, f_child)
        };
        // Where NaN goes in the node's own terms, then in the rewritten ones.
        let nan_child = if self.missing_true[i] {
            t_child
        } else {
            f_child
        };
        Some(forest_lanes::Node::Leq {
            feature: self.feature[i],
            threshold,
            true_child,
            false_child,
            nan_true: nan_child == true_child && nan_child != false_child,
        })
    }

    /// Groups the leaf weights by leaf, keeping attribute order within a leaf.
    fn attach_weights(
        &mut self,
        name: &str,
        index: &NodeIndex,
        w: &WeightLists<'_>,
        prefix: &str,
    ) -> TractResult<()> {
        let m = w.ids.len();
        if w.node_ids.len() != m || w.tree_ids.len() != m || w.values.len() != m {
            bail!("{name}: the {prefix}_* attributes have different lengths");
        }
        let n = self.mode.len();
        // Counting sort by leaf: which leaf each weight goes to (ABSENT: a weight on a
        // branch node, which onnxruntime ignores; old converters wrote them).
        let mut leaf_of = Vec::with_capacity(m);
        let mut count = vec![0u32; n];
        let mut cache = 0;
        for k in 0..m {
            let (tree, node) = (w.tree_ids[k], w.node_ids[k]);
            let leaf = index.get(tree, node, &mut cache).with_context(|| {
                format!("{name}: weight for missing node {node} of tree {tree}")
            })?;
            if self.mode[leaf as usize] != Mode::Leaf {
                leaf_of.push(ABSENT);
                continue;
            }
            u32::try_from(w.ids[k]).map_err(|_| format_err!("{name}: negative {prefix} id"))?;
            count[leaf as usize] += 1;
            leaf_of.push(leaf);
        }
        let mut next = 0u32;
        for (i, &c) in count.iter().enumerate() {
            self.weight_start[i] = next;
            self.weight_len[i] = c;
            next += c;
        }
        self.weights = vec![Weight { id: 0, value: 0.0 }; next as usize];
        let mut fill = self.weight_start.clone();
        for (k, &leaf) in leaf_of.iter().enumerate() {
            if leaf == ABSENT {
                continue;
            }
            let at = &mut fill[leaf as usize];
            self.weights[*at as usize] = Weight {
                id: w.ids[k] as u32, // checked non-negative and within u32 above
                value: w.values[k] as f32,
            };
            *at += 1;
        }
        for i in 0..n {
            if self.weight_len[i] > 0 {
                self.unique_weight[i] = self.weights[self.weight_start[i] as usize].value;
            }
        }
        Ok(())
    }

    /// Per node, the longest path from it down to a leaf; refuses cycles, which would make
    /// evaluation loop forever.
    fn heights(&self, name: &str) -> TractResult<Vec<u32>> {
        let n = self.mode.len();
        let mut height = vec![0u32; n];
        let is_leaf = |i: usize| self.mode[i] == Mode::Leaf;
        // Children after their parents (as converters write trees): no cycle is possible,
        // and one backward pass finds every height.
        if (0..n).all(|i| {
            is_leaf(i) || (self.true_child[i] as usize > i && self.false_child[i] as usize > i)
        }) {
            for i in (0..n).rev() {
                if !is_leaf(i) {
                    let (t, f) = (self.true_child[i] as usize, self.false_child[i] as usize);
                    height[i] = 1 + height[t].max(height[f]);
                }
            }
            return Ok(height);
        }
        // Otherwise a depth-first search: 0 = unseen, 1 = on the current path, 2 = done
        // (its height known; children finish before their parent).
        let mut state = vec![0u8; n];
        for &root in &self.roots {
            let mut stack = vec![(root as usize, false)];
            while let Some((i, leaving)) = stack.pop() {
                if leaving {
                    state[i] = 2;
                    if !is_leaf(i) {
                        let (t, f) = (self.true_child[i] as usize, self.false_child[i] as usize);
                        height[i] = 1 + height[t].max(height[f]);
                    }
                    continue;
                }
                match state[i] {
                    1 => bail!("{name}: the trees contain a cycle"),
                    2 => continue,
                    _ => {}
                }
                state[i] = 1;
                stack.push((i, true));
                if !is_leaf(i) {
                    stack.push((self.true_child[i] as usize, false));
                    stack.push((self.false_child[i] as usize, false));
                }
            }
        }
        Ok(height)
    }

    /// Number of trees.
    pub fn trees(&self) -> usize {
        self.roots.len()
    }

    /// Largest target or class id used by a weight, plus one.
    pub fn max_id(&self) -> usize {
        self.weights
            .iter()
            .map(|w| w.id as usize + 1)
            .max()
            .unwrap_or(0)
    }

    /// Whether every weight is non-negative.
    pub fn weights_all_positive(&self) -> bool {
        self.weights.iter().all(|w| w.value >= 0.0)
    }

    /// Number of distinct ids among the weights.
    pub fn distinct_ids(&self) -> usize {
        let mut ids: Vec<u32> = self.weights.iter().map(|w| w.id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    /// The leaf a row ends in for one tree.
    #[inline]
    fn leaf(&self, root: u32, row: &[f32]) -> usize {
        let mut i = root as usize;
        loop {
            let mode = self.mode[i];
            if mode == Mode::Leaf {
                return i;
            }
            let x = f64::from(row[self.feature[i] as usize]);
            let t = self.threshold[i];
            let go_true = match mode {
                Mode::Leq => x <= t,
                Mode::Lt => x < t,
                Mode::Gte => x >= t,
                Mode::Gt => x > t,
                Mode::Eq => x == t,
                Mode::Neq => x != t,
                Mode::Leaf => false,
            } || (self.missing_true[i] && x.is_nan());
            i = if go_true {
                self.true_child[i]
            } else {
                self.false_child[i]
            } as usize;
        }
    }

    /// Visits, for every row and every tree in order, the leaf the row reaches.
    ///
    /// `width` must be at least [`Forest::min_features`] (checked by callers).
    pub fn for_each_leaf(
        &self,
        data: &[f32],
        width: usize,
        mut visit: impl FnMut(usize, LeafRef<'_>),
    ) {
        let leaf_ref = |leaf: usize| {
            let s = self.weight_start[leaf] as usize;
            let l = self.weight_len[leaf] as usize;
            LeafRef {
                weights: &self.weights[s..s + l],
                unique: self.unique_weight[leaf],
            }
        };
        if let (Some(lanes), true) = (&self.lanes, width > 0) {
            return lanes.for_each_leaf(data, width, |r, leaf| visit(r, leaf_ref(leaf)));
        }
        let rows = data.len() / width.max(1);
        for start in (0..rows).step_by(forest_lanes::BLOCK) {
            let end = (start + forest_lanes::BLOCK).min(rows);
            for &root in &self.roots {
                for r in start..end {
                    let leaf = self.leaf(root, &data[r * width..(r + 1) * width]);
                    visit(r, leaf_ref(leaf));
                }
            }
        }
    }

    /// Per row, the sum over trees (in tree order, in f32, as onnxruntime adds) of the
    /// leaf's first weight: a single-target regressor's score. `None` unless the forest
    /// takes the branch-free walk.
    ///
    /// `width` must be at least [`Forest::min_features`] (checked by callers).
    pub fn sum_leq(&self, data: &[f32], width: usize) -> Option<Vec<f32>> {
        match &self.lanes {
            Some(lanes) if width > 0 => Some(lanes.sums(data, width)),
            _ => None,
        }
    }
}

/// What a row reached in one tree.
#[derive(Debug, Clone, Copy)]
pub struct LeafRef<'a> {
    /// The leaf's weights.
    pub weights: &'a [Weight],
    /// The first weight, or the leaf's node value when it has none.
    pub unique: f32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use forest_lanes::LANES;
    use Mode::{Leaf, Leq};

    /// A forest's node attributes, one entry per node, in attribute order.
    #[derive(Clone)]
    struct Spec {
        tree: Vec<i64>,
        node: Vec<i64>,
        feature: Vec<i64>,
        mode: Vec<Mode>,
        value: Vec<f64>,
        t: Vec<i64>,
        f: Vec<i64>,
    }

    /// Two trees in skl2onnx's layout: tree 0 is `x0 <= 0.5 ? (x1 <= 2 ? 2 : 3) : 4`,
    /// tree 1 is `x1 <= 1 ? 1 : 2`.
    fn spec() -> Spec {
        Spec {
            tree: vec![0, 0, 0, 0, 0, 1, 1, 1],
            node: vec![0, 1, 2, 3, 4, 0, 1, 2],
            feature: vec![0, 1, 0, 0, 0, 1, 0, 0],
            mode: vec![Leq, Leq, Leaf, Leaf, Leaf, Leq, Leaf, Leaf],
            value: vec![0.5, 2.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            t: vec![1, 2, 0, 0, 0, 1, 0, 0],
            f: vec![4, 3, 0, 0, 0, 2, 0, 0],
        }
    }

    impl Spec {
        /// The nodes taken in another attribute order.
        fn reorder(&self, order: &[usize]) -> Spec {
            let i64s = |v: &Vec<i64>| order.iter().map(|&i| v[i]).collect();
            Spec {
                tree: i64s(&self.tree),
                node: i64s(&self.node),
                feature: i64s(&self.feature),
                mode: order.iter().map(|&i| self.mode[i]).collect(),
                value: order.iter().map(|&i| self.value[i]).collect(),
                t: i64s(&self.t),
                f: i64s(&self.f),
            }
        }

        /// Node ids (and child references) multiplied by `k`.
        fn scale_ids(&self, k: i64) -> Spec {
            let mut s = self.clone();
            for v in s.node.iter_mut().chain(&mut s.t).chain(&mut s.f) {
                *v *= k;
            }
            s
        }

        /// One weight per leaf: 10 × tree + node id (before any scaling by `k`).
        fn build(&self, k: i64) -> TractResult<Forest> {
            self.build_with(|tree, node| (10 * tree + node / k) as f64, &[])
        }

        /// The forest with one weight per leaf, `weight(tree, node id)`, and `missing` as its
        /// missing-value tracking flags.
        fn build_with(
            &self,
            weight: impl Fn(i64, i64) -> f64,
            missing: &[i64],
        ) -> TractResult<Forest> {
            let leaves: Vec<usize> = (0..self.mode.len())
                .filter(|&i| self.mode[i] == Leaf)
                .collect();
            let w_trees: Vec<i64> = leaves.iter().map(|&i| self.tree[i]).collect();
            let w_nodes: Vec<i64> = leaves.iter().map(|&i| self.node[i]).collect();
            let ids = vec![0; leaves.len()];
            let weights = WeightLists {
                ids: &ids,
                node_ids: &w_nodes,
                tree_ids: &w_trees,
                values: leaves
                    .iter()
                    .map(|&i| weight(self.tree[i], self.node[i]))
                    .collect(),
            };
            let nodes = NodeLists {
                tree_ids: &self.tree,
                node_ids: &self.node,
                features: &self.feature,
                modes: self.mode.clone(),
                values: self.value.clone(),
                trues: &self.t,
                falses: &self.f,
                missing,
            };
            Forest::build("t", nodes, &weights, "target")
        }
    }

    /// Per row, the leaf weights reached, in tree order.
    fn walk(forest: &Forest) -> Vec<Vec<f32>> {
        let rows = [[0.0, 0.0], [0.0, 5.0], [1.0, 0.0], [f32::NAN, 1.0]];
        let data: Vec<f32> = rows.iter().flatten().copied().collect();
        let mut out = vec![vec![]; rows.len()];
        forest.for_each_leaf(&data, 2, |r, leaf| out[r].push(leaf.unique));
        out
    }

    fn expected() -> Vec<Vec<f32>> {
        vec![
            vec![2.0, 11.0],
            vec![3.0, 12.0],
            vec![4.0, 11.0],
            vec![4.0, 11.0],
        ]
    }

    fn error(r: TractResult<Forest>) -> String {
        format!("{:#}", r.unwrap_err())
    }

    #[test]
    fn converter_layout_uses_the_table_index() {
        let forest = spec().build(1).unwrap();
        assert_eq!(forest.depth, vec![2, 1]);
        assert_eq!(walk(&forest), expected());
    }

    #[test]
    fn other_layouts_use_the_hashed_index_and_walk_alike() {
        // Sparse ids.
        let sparse = spec().scale_ids(1000);
        let forest = sparse.build(1000).unwrap();
        assert!(matches!(
            NodeIndex::build("t", &sparse.tree, &sparse.node).unwrap(),
            NodeIndex::Hashed(_)
        ));
        assert_eq!(walk(&forest), expected());
        // Tree 1 moved between pieces of tree 0 would change the roots, so reorder within
        // trees instead: children before their parents (the depth-first height pass).
        let reordered = spec().reorder(&[4, 3, 2, 1, 0, 7, 6, 5]);
        let forest = reordered.build(1).unwrap();
        assert_eq!(
            forest.depth,
            vec![0, 0],
            "roots are the first nodes: leaves here"
        );
        let split = spec().reorder(&[0, 1, 5, 6, 7, 2, 3, 4]);
        assert!(matches!(
            NodeIndex::build("t", &split.tree, &split.node).unwrap(),
            NodeIndex::Hashed(_)
        ));
        assert_eq!(split.build(1).unwrap().trees(), 3, "attribute-order roots");
    }

    #[test]
    fn depth_first_heights_match_the_backward_pass() {
        // Same tree 0, its leaves listed first: children before parents.
        let mut s = spec();
        s.node = vec![4, 3, 2, 0, 1, 0, 1, 2];
        s.mode = vec![Leaf, Leaf, Leaf, Leq, Leq, Leq, Leaf, Leaf];
        s.feature = vec![0, 0, 0, 0, 1, 1, 0, 0];
        s.value = vec![0.0, 0.0, 0.0, 0.5, 2.0, 1.0, 0.0, 0.0];
        s.t = vec![0, 0, 0, 1, 2, 1, 0, 0];
        s.f = vec![0, 0, 0, 4, 3, 2, 0, 0];
        // The root must come first in attribute order: rotate node 0 to the front.
        let s = s.reorder(&[3, 0, 1, 2, 4, 5, 6, 7]);
        let forest = s.build(1).unwrap();
        assert_eq!(forest.depth, vec![2, 1]);
        assert_eq!(walk(&forest), expected());
    }

    #[test]
    fn lane_walk_and_sums_agree_with_the_general_walk() {
        let forest = spec().build(1).unwrap();
        assert!(forest.lanes.is_some());
        // 2 * LANES + 5 rows, NaNs included, in two blocks' worth of lanes and a remainder.
        let rows = 2 * LANES + 5;
        let data: Vec<f32> = (0..rows * 2)
            .map(|i| match (i * 7919) % 13 {
                0 => f32::NAN,
                v => v as f32 * 0.3 - 0.5,
            })
            .collect();
        let mut fast = vec![vec![]; rows];
        forest.for_each_leaf(&data, 2, |r, leaf| fast[r].push(leaf.unique));
        let mut sums = vec![0f32; rows];
        for r in 0..rows {
            let row = &data[r * 2..r * 2 + 2];
            let general: Vec<f32> = forest
                .roots
                .iter()
                .map(|&root| forest.unique_weight[forest.leaf(root, row)])
                .collect();
            assert_eq!(fast[r], general, "row {r}");
            sums[r] = general.iter().sum();
        }
        assert_eq!(forest.sum_leq(&data, 2), Some(sums));
    }

    /// A deterministic pseudo-random number in `0..n`.
    fn rand(state: &mut u64, n: u64) -> u64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*state >> 33) % n
    }

    /// A random ensemble in converter layout: trees of random depth, random comparison
    /// modes (`==`/`!=` only when `equality`), thresholds that are f32 or not, infinite or
    /// on the data's grid, missing-value tracking on about half the branches.
    fn random_forest(seed: u64, equality: bool) -> (Forest, usize) {
        struct Grow {
            state: u64,
            tree: i64,
            /// Where the current tree's nodes start.
            first: usize,
            width: u64,
            equality: bool,
            spec: Spec,
            missing: Vec<i64>,
        }
        impl Grow {
            fn node(&mut self, depth: u32) -> i64 {
                let s = &mut self.spec;
                let at = s.node.len();
                let id = (at - self.first) as i64;
                s.tree.push(self.tree);
                s.node.push(id);
                s.t.push(0);
                s.f.push(0);
                self.missing.push(i64::from(rand(&mut self.state, 2) == 0));
                let leaf = depth == 0 || rand(&mut self.state, 6) == 0;
                let modes = if self.equality { 6 } else { 4 };
                let mode = [
                    Mode::Leq,
                    Mode::Lt,
                    Mode::Gte,
                    Mode::Gt,
                    Mode::Eq,
                    Mode::Neq,
                ][rand(&mut self.state, modes) as usize];
                s.mode.push(if leaf { Leaf } else { mode });
                s.feature.push(rand(&mut self.state, self.width) as i64);
                s.value.push(match rand(&mut self.state, 12) {
                    0 => f64::INFINITY,
                    1 => f64::NEG_INFINITY,
                    2 => 1e39,
                    3 => -1e39,
                    // Between two f32s.
                    4 | 5 => rand(&mut self.state, 80) as f64 / 4.0 - 10.0 + 1e-9,
                    // On the data's grid (ties).
                    _ => rand(&mut self.state, 80) as f64 / 4.0 - 10.0,
                });
                if !leaf {
                    let t = self.node(depth - 1);
                    let f = self.node(depth - 1);
                    self.spec.t[at] = t;
                    self.spec.f[at] = f;
                }
                id
            }
        }
        let mut g = Grow {
            state: seed,
            tree: 0,
            first: 0,
            width: 1 + seed % 7,
            equality,
            spec: Spec {
                tree: vec![],
                node: vec![],
                feature: vec![],
                mode: vec![],
                value: vec![],
                t: vec![],
                f: vec![],
            },
            missing: vec![],
        };
        for tree in 0..1 + (seed % 13) as i64 {
            g.tree = tree;
            g.first = g.spec.node.len();
            let depth = 1 + rand(&mut g.state, 9) as u32;
            g.node(depth);
        }
        // Leaf weights: 10 × tree + node id, as `Spec::build` gives them, scaled by 1/8.
        let forest = g
            .spec
            .build_with(|tree, node| (10 * tree + node) as f64 / 8.0, &g.missing)
            .unwrap();
        (forest, g.width as usize)
    }

    /// Rows on the thresholds' grid (so ties), a fifth NaN, some infinite.
    fn random_rows(rows: usize, width: usize, seed: u64) -> Vec<f32> {
        let mut state = seed;
        (0..rows * width)
            .map(|_| match rand(&mut state, 100) {
                0..20 => f32::NAN,
                20..23 => f32::INFINITY,
                23..26 => f32::NEG_INFINITY,
                _ => rand(&mut state, 80) as f32 / 4.0 - 10.0,
            })
            .collect()
    }

    #[test]
    fn lane_walk_matches_the_general_walk_on_random_ensembles() {
        for seed in 0..300u64 {
            let equality = seed.is_multiple_of(5);
            let (forest, width) = random_forest(seed, equality);
            // Only `==`, `!=` and `< -∞` / `>= -∞` keep a forest off the lane walk.
            let lanes = (0..forest.mode.len()).all(|i| match forest.mode[i] {
                Mode::Eq | Mode::Neq => false,
                Mode::Lt | Mode::Gte => forest.threshold[i] != f64::NEG_INFINITY,
                _ => true,
            });
            assert_eq!(forest.lanes.is_some(), lanes, "seed {seed}");
            let rows = [1, 15, 16, 17, 2 * forest_lanes::BLOCK + 21][seed as usize % 5];
            let data = random_rows(rows, width, seed + 1000);
            let mut fast = vec![vec![]; rows];
            forest.for_each_leaf(&data, width, |r, leaf| fast[r].push(leaf.unique));
            let mut sums = vec![0f32; rows];
            for r in 0..rows {
                let row = &data[r * width..(r + 1) * width];
                let general: Vec<f32> = forest
                    .roots
                    .iter()
                    .map(|&root| forest.unique_weight[forest.leaf(root, row)])
                    .collect();
                assert_eq!(fast[r], general, "seed {seed}, row {r}: {row:?}");
                sums[r] = general.iter().sum();
            }
            if let Some(got) = forest.sum_leq(&data, width) {
                assert_eq!(got, sums, "seed {seed}");
            }
        }
    }

    #[test]
    fn refuses_duplicates_missing_children_and_cycles() {
        let mut dup = spec();
        dup.node[4] = 3;
        assert!(error(dup.build(1)).contains("node 3 of tree 0 appears twice"));
        let mut dup = spec().reorder(&[0, 1, 2, 5, 6, 7, 3, 4]);
        dup.node[7] = 3;
        assert!(error(dup.build(1)).contains("node 3 of tree 0 appears twice"));
        let mut missing = spec();
        missing.f[1] = 7;
        assert!(error(missing.build(1)).contains("tree 0 has no node 7"));
        let mut own = spec();
        own.t[1] = 1;
        assert!(error(own.build(1)).contains("node 1 of tree 0 is its own child"));
        let mut cycle = spec();
        cycle.f[1] = 0;
        assert!(error(cycle.build(1)).contains("cycle"));
    }
}
