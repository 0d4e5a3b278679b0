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
    fn parse(s: &str) -> TractResult<Mode> {
        Ok(match s {
            "BRANCH_LEQ" => Mode::Leq,
            "BRANCH_LT" => Mode::Lt,
            "BRANCH_GTE" => Mode::Gte,
            "BRANCH_GT" => Mode::Gt,
            "BRANCH_EQ" => Mode::Eq,
            "BRANCH_NEQ" => Mode::Neq,
            "LEAF" => Mode::Leaf,
            other => bail!("unknown node mode {other:?}"),
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
    /// The one comparison every branch uses, when it is `<=` with f32 thresholds and no
    /// missing-value tracking: then evaluation takes the fast path.
    fast_leq: bool,
    /// Every node in 16 bytes for the hot loops, leaves pointing at themselves (and reading
    /// feature 0): a fixed number of branch-free steps lands every row on its leaf, and a
    /// walk that checks stops where a node is its own child.
    looped: Vec<Packed>,
    /// Per tree: the longest root-to-leaf path.
    depth: Vec<u32>,
}

/// A node as the evaluation loops read it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Packed {
    threshold: f32,
    feature: u32,
    true_child: u32,
    false_child: u32,
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
        .get_attr_opt_vec::<f32>(name)?
        .map(|v| v.into_iter().map(f64::from).collect()))
}

fn ints(node: &NodeProto, name: &str) -> TractResult<Vec<i64>> {
    Ok(node.get_attr_opt_vec::<i64>(name)?.unwrap_or_default())
}

impl Forest {
    /// Parses the `nodes_*` attributes and the leaf weights named by `prefix`
    /// (`target` for regressors, `class` for classifiers).
    pub fn parse(ctx: &ParsingContext, node: &NodeProto, prefix: &str) -> TractResult<Forest> {
        let tree_ids = ints(node, "nodes_treeids")?;
        let node_ids = ints(node, "nodes_nodeids")?;
        let features = ints(node, "nodes_featureids")?;
        let modes: Vec<Mode> = node
            .get_attr_opt_vec::<String>("nodes_modes")?
            .unwrap_or_default()
            .iter()
            .map(|m| Mode::parse(m))
            .collect::<TractResult<_>>()?;
        let values = floats(ctx, node, "nodes_values")?.unwrap_or_default();
        let trues = ints(node, "nodes_truenodeids")?;
        let falses = ints(node, "nodes_falsenodeids")?;
        let missing = ints(node, "nodes_missing_value_tracks_true")?;
        let n = tree_ids.len();
        for (what, len) in [
            ("nodes_nodeids", node_ids.len()),
            ("nodes_featureids", features.len()),
            ("nodes_modes", modes.len()),
            ("nodes_values", values.len()),
            ("nodes_truenodeids", trues.len()),
            ("nodes_falsenodeids", falses.len()),
        ] {
            if len != n {
                bail!(
                    "{}: {what} has {len} entries but nodes_treeids has {n}",
                    node.name
                );
            }
        }
        if n == 0 || n > u32::MAX as usize / 2 {
            bail!(
                "{}: a tree ensemble needs between 1 and 2^31 nodes",
                node.name
            );
        }
        let mut index: HashMap<(i64, i64), u32> = HashMap::with_capacity(n);
        for i in 0..n {
            if index.insert((tree_ids[i], node_ids[i]), i as u32).is_some() {
                bail!(
                    "{}: node {} of tree {} appears twice",
                    node.name,
                    node_ids[i],
                    tree_ids[i]
                );
            }
        }
        let child = |i: usize, id: i64, which: &str| -> TractResult<u32> {
            let c = *index.get(&(tree_ids[i], id)).with_context(|| {
                format!(
                    "{}: tree {} has no node {id} ({which} child of node {})",
                    node.name, tree_ids[i], node_ids[i]
                )
            })?;
            if c as usize == i {
                bail!(
                    "{}: node {} of tree {} is its own child",
                    node.name,
                    node_ids[i],
                    tree_ids[i]
                );
            }
            Ok(c)
        };
        let mut forest = Forest {
            mode: modes,
            feature: Vec::with_capacity(n),
            threshold: values.clone(),
            true_child: vec![0; n],
            false_child: vec![0; n],
            missing_true: (0..n).map(|i| missing.get(i) == Some(&1)).collect(),
            weight_start: vec![0; n],
            weight_len: vec![0; n],
            unique_weight: values.iter().map(|v| *v as f32).collect(),
            weights: Vec::new(),
            roots: Vec::new(),
            min_features: 0,
            fast_leq: false,
            looped: Vec::new(),
            depth: Vec::new(),
        };
        for i in 0..n {
            let f = u32::try_from(features[i])
                .map_err(|_| format_err!("{}: negative feature id", node.name))?;
            forest.feature.push(f);
            if forest.mode[i] != Mode::Leaf {
                forest.true_child[i] = child(i, trues[i], "true")?;
                forest.false_child[i] = child(i, falses[i], "false")?;
                forest.min_features = forest.min_features.max(f as usize + 1);
            }
            // A tree's root is its first node in attribute order, as onnxruntime takes it.
            if i == 0 || tree_ids[i] != tree_ids[i - 1] {
                forest.roots.push(i as u32);
            }
        }
        forest.check_acyclic(&node.name)?;

        let ids = ints(node, &format!("{prefix}_ids"))?;
        let w_nodes = ints(node, &format!("{prefix}_nodeids"))?;
        let w_trees = ints(node, &format!("{prefix}_treeids"))?;
        let w_values = floats(ctx, node, &format!("{prefix}_weights"))?.unwrap_or_default();
        if ids.len() != w_nodes.len() || ids.len() != w_trees.len() || ids.len() != w_values.len() {
            bail!(
                "{}: the {prefix}_* attributes have different lengths",
                node.name
            );
        }
        // Weights sorted by (tree, node), keeping attribute order within a leaf.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&k| (w_trees[k], w_nodes[k]));
        let mut per_leaf: Vec<Vec<Weight>> = vec![Vec::new(); n];
        for k in order {
            let leaf = *index.get(&(w_trees[k], w_nodes[k])).with_context(|| {
                format!(
                    "{}: weight for missing node {} of tree {}",
                    node.name, w_nodes[k], w_trees[k]
                )
            })? as usize;
            if forest.mode[leaf] != Mode::Leaf {
                continue; // onnxruntime ignores weights on branch nodes (old converters wrote them)
            }
            let id = u32::try_from(ids[k])
                .map_err(|_| format_err!("{}: negative {prefix} id", node.name))?;
            per_leaf[leaf].push(Weight {
                id,
                value: w_values[k] as f32,
            });
        }
        for (i, ws) in per_leaf.into_iter().enumerate() {
            forest.weight_start[i] = forest.weights.len() as u32;
            forest.weight_len[i] = ws.len() as u32;
            if let Some(first) = ws.first() {
                forest.unique_weight[i] = first.value;
            }
            forest.weights.extend(ws);
        }
        forest.looped = (0..n)
            .map(|i| {
                if forest.mode[i] == Mode::Leaf {
                    Packed {
                        threshold: 0.0,
                        feature: 0,
                        true_child: i as u32,
                        false_child: i as u32,
                    }
                } else {
                    Packed {
                        threshold: forest.threshold[i] as f32,
                        feature: forest.feature[i],
                        true_child: forest.true_child[i],
                        false_child: forest.false_child[i],
                    }
                }
            })
            .collect();
        forest.depth = forest.roots.iter().map(|&r| forest.tree_depth(r)).collect();
        let branches = (0..n).filter(|&i| forest.mode[i] != Mode::Leaf);
        forest.fast_leq = branches
            .clone()
            .all(|i| forest.mode[i] == Mode::Leq && !forest.missing_true[i])
            && branches
                .clone()
                .all(|i| f64::from(forest.threshold[i] as f32) == forest.threshold[i]);
        Ok(forest)
    }

    /// Refuses cycles, which would make evaluation loop forever.
    fn check_acyclic(&self, name: &str) -> TractResult<()> {
        let n = self.mode.len();
        // 0 = unseen, 1 = on the current path, 2 = done.
        let mut state = vec![0u8; n];
        for &root in &self.roots {
            let mut stack = vec![(root as usize, false)];
            while let Some((i, leaving)) = stack.pop() {
                if leaving {
                    state[i] = 2;
                    continue;
                }
                match state[i] {
                    1 => bail!("{name}: the trees contain a cycle"),
                    2 => continue,
                    _ => {}
                }
                state[i] = 1;
                stack.push((i, true));
                if self.mode[i] != Mode::Leaf {
                    stack.push((self.true_child[i] as usize, false));
                    stack.push((self.false_child[i] as usize, false));
                }
            }
        }
        Ok(())
    }

    /// The longest root-to-leaf path of the tree at `root` (trees are acyclic by now).
    fn tree_depth(&self, root: u32) -> u32 {
        let mut best = 0;
        let mut stack = vec![(root as usize, 0u32)];
        while let Some((i, d)) = stack.pop() {
            if self.mode[i] == Mode::Leaf {
                best = best.max(d);
            } else {
                stack.push((self.true_child[i] as usize, d + 1));
                stack.push((self.false_child[i] as usize, d + 1));
            }
        }
        best
    }

    /// The leaves `LANES` rows reach in one tree, walked together without branches: every
    /// lane takes `depth` steps (leaves loop on themselves), so independent rows overlap
    /// their memory latency instead of waiting on mispredicted branches.
    #[inline(always)]
    fn leaves_leq<const LANES: usize>(
        &self,
        root: u32,
        depth: u32,
        data: &[f32],
        offsets: &[usize; LANES],
    ) -> [usize; LANES] {
        let nodes = &self.looped;
        let mut at = [root as usize; LANES];
        for _ in 0..depth {
            for lane in 0..LANES {
                let node = nodes[at[lane]];
                let x = data[offsets[lane] + node.feature as usize];
                // Arithmetic rather than a branch: the size-optimised wasm build would
                // otherwise emit a mispredicted jump per step.
                let go = usize::from(x <= node.threshold);
                let (t, f) = (node.true_child as usize, node.false_child as usize);
                at[lane] = f.wrapping_add(go.wrapping_mul(t.wrapping_sub(f)));
            }
        }
        at
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

    /// The leaf a row ends in for one tree, when every branch is `x <= t` (f32): a NaN
    /// compares false and goes to the false branch, as in onnxruntime without missing tracks.
    #[inline]
    fn leaf_leq(&self, root: u32, row: &[f32]) -> usize {
        let nodes = &self.looped;
        let mut i = root as usize;
        loop {
            let node = nodes[i];
            if node.true_child as usize == i {
                return i;
            }
            let x = row[node.feature as usize];
            i = if x <= node.threshold {
                node.true_child
            } else {
                node.false_child
            } as usize;
        }
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
        const BLOCK: usize = 128;
        const LANES: usize = 16;
        let rows = data.len() / width.max(1);
        let leaf_ref = |leaf: usize| {
            let s = self.weight_start[leaf] as usize;
            let l = self.weight_len[leaf] as usize;
            LeafRef {
                weights: &self.weights[s..s + l],
                unique: self.unique_weight[leaf],
            }
        };
        for start in (0..rows).step_by(BLOCK) {
            let end = (start + BLOCK).min(rows);
            for (t, &root) in self.roots.iter().enumerate() {
                let mut r = start;
                // Measured with bench/run.sh: lanes are ~4x faster natively but slower in the
                // size-optimised wasm build, which keeps the row-at-a-time walk.
                if self.fast_leq && width > 0 && !cfg!(target_arch = "wasm32") {
                    while r + LANES <= end {
                        let mut offsets = [0usize; LANES];
                        for (k, o) in offsets.iter_mut().enumerate() {
                            *o = (r + k) * width;
                        }
                        let leaves = self.leaves_leq(root, self.depth[t], data, &offsets);
                        for (k, leaf) in leaves.into_iter().enumerate() {
                            visit(r + k, leaf_ref(leaf));
                        }
                        r += LANES;
                    }
                }
                for r in r..end {
                    let row = &data[r * width..(r + 1) * width];
                    let leaf = if self.fast_leq {
                        self.leaf_leq(root, row)
                    } else {
                        self.leaf(root, row)
                    };
                    let s = self.weight_start[leaf] as usize;
                    let l = self.weight_len[leaf] as usize;
                    visit(
                        r,
                        LeafRef {
                            weights: &self.weights[s..s + l],
                            unique: self.unique_weight[leaf],
                        },
                    );
                }
            }
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
