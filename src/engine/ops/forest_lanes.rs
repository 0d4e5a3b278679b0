//! The fast walk for tree ensembles, every branch brought to `x <= t` with an f32 threshold
//! (`super::forest` rewrites `<`, `>`, `>=` and float64 thresholds so) and a per-branch side
//! for NaN.
//!
//! [`LANES`] rows walk one tree together, without branches: every lane takes as many steps
//! as the tree is deep (a leaf's children are itself), so independent rows overlap their
//! memory latency instead of waiting on mispredicted branches.
//!
//! The layout is chosen so that the walk needs no bounds checks, which were a third of its
//! instructions: each tree sits in its own power-of-two-sized slice of nodes with children
//! as positions inside it, so `tree[at & mask]` is always in bounds; and the rows of a group
//! are copied into a fixed-size scratch array, column after column, so a node's
//! `column * LANES + lane` (masked the same way) is too. Masks never change a position the
//! build produced: they only let the compiler see that.
//!
//! Missing values cost the walk nothing: `x <= t` is false for a NaN, so a NaN goes to the
//! false child by itself. A branch that sends NaN to its true child instead (missing-value
//! tracking, as scikit-learn's HistGradientBoosting exports on about half its branches) reads
//! its feature from a second copy of the columns in which NaN is −∞ (`−∞ <= t` holds for any
//! threshold but NaN, which such a branch never has). Which copy a branch reads is part of its
//! column, so every branch runs the same instructions.

/// Rows walked together through one tree (16 beats 8 in wasm and natively).
pub const LANES: usize = 16;

/// Rows per block: every tree is walked for a block of rows before the next tree, so the
/// tree stays in cache (onnxruntime does the same).
pub const BLOCK: usize = 8 * LANES;

/// Widest rows the lane walk takes: the scratch array holds this many columns per lane (and
/// as many again for the NaN-as-−∞ copy).
pub const MAX_COLUMNS: usize = 256;

/// Values in one group's scratch array: both copies of the columns.
const SCRATCH: usize = 2 * MAX_COLUMNS * LANES;

/// A node as the walk reads it; positions are relative to its tree's slice.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Packed {
    /// For leaves: the value a single-target sum adds (both children are the leaf, so the
    /// comparison does not matter).
    threshold: f32,
    /// `column * LANES`: where the column read starts in a scratch group. The column is the
    /// feature, or `columns + feature` (the NaN-as-−∞ copy) when NaN goes to the true child.
    column: u32,
    true_child: u32,
    false_child: u32,
}

/// A node of the forest being laid out: what the walk needs of a [`super::forest::Forest`] node.
#[derive(Debug, Clone, Copy)]
pub enum Node {
    /// `x[feature] <= threshold` goes to `true_child`, anything else to `false_child`; a NaN
    /// goes to `true_child` when `nan_true`, else to `false_child`.
    Leq {
        /// Feature read.
        feature: u32,
        /// Threshold (never NaN when `nan_true`).
        threshold: f32,
        /// Index of the true child.
        true_child: u32,
        /// Index of the false child.
        false_child: u32,
        /// Where a NaN goes.
        nan_true: bool,
    },
    /// A leaf, with the value a single-target sum adds.
    Leaf {
        /// The leaf's first weight (or node value).
        value: f32,
    },
}

/// One tree's slice of [`LaneForest::nodes`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tree {
    start: usize,
    /// The slice has `1 << bits` nodes, its root first.
    bits: u32,
    depth: u32,
}

/// All trees of a forest in the walk's layout.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneForest {
    nodes: Vec<Packed>,
    /// Per position in `nodes`: the node of the original forest it copies.
    origin: Vec<u32>,
    trees: Vec<Tree>,
    /// Columns the trees read (the largest feature plus one).
    columns: usize,
    /// Whether a branch sends NaN to its true child (so the NaN-as-−∞ copy is needed).
    nan_copy: bool,
}

/// No position assigned yet.
const UNSEEN: u32 = u32::MAX;

impl LaneForest {
    /// Lays out the trees at `roots` (with their heights in `depth`, every branch's feature
    /// below `columns`), or `None` when the forest cannot take this path: rows wider than
    /// [`MAX_COLUMNS`] are read, a node is reached twice (trees sharing subtrees), or a branch
    /// sending NaN to its true child has a NaN threshold.
    pub fn build(nodes: &[Node], roots: &[u32], depth: &[u32], columns: usize) -> Option<Self> {
        if columns > MAX_COLUMNS || roots.len() != depth.len() {
            return None;
        }
        let mut forest = LaneForest {
            nodes: Vec::with_capacity(nodes.len()),
            origin: Vec::with_capacity(nodes.len()),
            trees: Vec::with_capacity(roots.len()),
            columns,
            nan_copy: false,
        };
        // Per original node: its position inside its tree.
        let mut position = vec![UNSEEN; nodes.len()];
        let mut stack = Vec::new();
        for (&root, &depth) in roots.iter().zip(depth) {
            // Depth first, true child first: the converters' own order, so a row going
            // left mostly stays in the same cache line.
            let start = forest.origin.len();
            stack.push(root);
            while let Some(i) = stack.pop() {
                let slot = position.get_mut(i as usize)?;
                if *slot != UNSEEN {
                    return None;
                }
                *slot = u32::try_from(forest.origin.len() - start).ok()?;
                forest.origin.push(i);
                if let Node::Leq {
                    true_child,
                    false_child,
                    ..
                } = nodes[i as usize]
                {
                    stack.extend([false_child, true_child]);
                }
            }
            let len = forest.origin.len() - start;
            let size = len.checked_next_power_of_two()?;
            for at in start..start + len {
                let i = forest.origin[at] as usize;
                let here = (at - start) as u32;
                forest.nodes.push(match nodes[i] {
                    Node::Leaf { value } => Packed {
                        threshold: value,
                        column: 0,
                        true_child: here,
                        false_child: here,
                    },
                    Node::Leq {
                        feature,
                        threshold,
                        true_child,
                        false_child,
                        nan_true,
                    } => {
                        if (feature as usize) >= columns || (nan_true && threshold.is_nan()) {
                            return None;
                        }
                        forest.nan_copy |= nan_true;
                        let copy = if nan_true { columns as u32 } else { 0 };
                        Packed {
                            threshold,
                            column: (copy + feature) * LANES as u32,
                            true_child: position[true_child as usize],
                            false_child: position[false_child as usize],
                        }
                    }
                });
            }
            // Padding, never reached: leaves at position 0's origin.
            for at in len..size {
                forest.nodes.push(Packed {
                    threshold: 0.0,
                    column: 0,
                    true_child: at as u32,
                    false_child: at as u32,
                });
                forest.origin.push(root);
            }
            forest.trees.push(Tree {
                start,
                bits: size.trailing_zeros(),
                depth,
            });
        }
        Some(forest)
    }

    /// Per row, the sum over trees (in tree order, in f32, as onnxruntime adds) of the
    /// leaf values: a single-target regressor's score.
    ///
    /// `width` must cover every feature the trees read (checked by callers).
    pub fn sums(&self, data: &[f32], width: usize) -> Vec<f32> {
        let mut sums = vec![0f32; data.len() / width.max(1)];
        self.walk(data, width, |r, _, leaf| sums[r] += leaf.threshold);
        sums
    }

    /// Calls `hit(row, leaf)` for every row and every tree, trees in order for each row;
    /// `leaf` is the index of the reached leaf in the original forest.
    ///
    /// `width` must cover every feature the trees read (checked by callers).
    pub fn for_each_leaf(&self, data: &[f32], width: usize, mut hit: impl FnMut(usize, usize)) {
        self.walk(data, width, |r, origin, _| hit(r, origin as usize));
    }

    /// Calls `hit(row, origin, leaf)` for every row and every tree, trees in order for each
    /// row: the reached leaf's node in the original forest, and the leaf itself. Always
    /// inlined, so that the size-optimised wasm build keeps `hit` inside the loop.
    #[inline(always)]
    fn walk(&self, data: &[f32], width: usize, mut hit: impl FnMut(usize, u32, &Packed)) {
        let rows = data.len() / width.max(1);
        let mut scratch = Vec::new();
        let mut rest = Vec::new();
        let stride = self.stride();
        for start in (0..rows).step_by(BLOCK) {
            let end = (start + BLOCK).min(rows);
            let groups = self.fill(&mut scratch, data, width, start..end);
            // The rows past the last whole group, each as the one-row walk reads it.
            let first = start + groups * LANES;
            rest.clear();
            for r in first..end {
                self.push_row(&mut rest, &data[r * width..(r + 1) * width]);
            }
            for tree in &self.trees {
                let (nodes, mask) = self.tree(tree);
                let origin = &self.origin[tree.start..tree.start + mask + 1];
                for (g, group) in scratch[..groups].iter().enumerate() {
                    let leaves = lanes(nodes, mask, group, tree.depth);
                    for (k, &leaf) in leaves.iter().enumerate() {
                        hit(
                            start + g * LANES + k,
                            origin[leaf & mask],
                            &nodes[leaf & mask],
                        );
                    }
                }
                for k in 0..end - first {
                    let leaf = leaf(nodes, &rest[k * stride..(k + 1) * stride]);
                    hit(first + k, origin[leaf], &nodes[leaf]);
                }
            }
        }
    }

    /// A tree's nodes and the mask that keeps positions inside them.
    fn tree(&self, tree: &Tree) -> (&[Packed], usize) {
        let size = 1usize << (tree.bits & 31);
        // In range: the build made exactly this slice. Indexing (not `get`) tells the
        // compiler the length is `size`, which is what removes the walk's bounds checks.
        (&self.nodes[tree.start..tree.start + size], size - 1)
    }

    /// Columns per row as the walk reads them: the features, then (when a branch needs it)
    /// their NaN-as-−∞ copy.
    fn stride(&self) -> usize {
        if self.nan_copy {
            2 * self.columns
        } else {
            self.columns
        }
    }

    /// Appends one row as the one-row walk reads it: its first [`LaneForest::stride`] columns.
    fn push_row(&self, out: &mut Vec<f32>, row: &[f32]) {
        let row = &row[..self.columns];
        out.extend_from_slice(row);
        if self.nan_copy {
            out.extend(row.iter().map(|&x| nan_low(x)));
        }
    }

    /// Copies the whole groups of [`LANES`] rows of `rows` into `scratch` (one array per
    /// group, `[column * LANES + lane]`, both copies of the columns); returns how many groups
    /// it filled. The rows past the last whole group are left to the one-row walk.
    fn fill(
        &self,
        scratch: &mut Vec<Box<[f32; SCRATCH]>>,
        data: &[f32],
        width: usize,
        rows: std::ops::Range<usize>,
    ) -> usize {
        let groups = rows.len() / LANES;
        while scratch.len() < groups {
            // Built on the heap: 32 KiB would be a big stack frame in wasm.
            let zeros = vec![0.0; SCRATCH].into_boxed_slice();
            scratch.push(zeros.try_into().expect("a slice of SCRATCH values"));
        }
        let columns = self.columns;
        debug_assert!(width >= columns, "callers check the row width");
        for (g, group) in scratch[..groups].iter_mut().enumerate() {
            let first = rows.start + g * LANES;
            for k in 0..LANES {
                let row = &data[(first + k) * width..(first + k) * width + columns];
                for (c, &x) in row.iter().enumerate() {
                    group[c * LANES + k] = x;
                }
                if self.nan_copy {
                    for (c, &x) in row.iter().enumerate() {
                        group[(columns + c) * LANES + k] = nan_low(x);
                    }
                }
            }
        }
        groups
    }
}

/// A value of the NaN-as-−∞ copy.
#[inline]
fn nan_low(x: f32) -> f32 {
    if x.is_nan() {
        f32::NEG_INFINITY
    } else {
        x
    }
}

/// The position of the leaf one row reaches in a tree; `row` as
/// [`LaneForest::push_row`] lays it out.
fn leaf(nodes: &[Packed], row: &[f32]) -> usize {
    let mut at = 0;
    loop {
        let node = nodes[at];
        if node.true_child as usize == at {
            return at;
        }
        let x = row[node.column as usize / LANES];
        at = if x <= node.threshold {
            node.true_child
        } else {
            node.false_child
        } as usize;
    }
}

/// The leaf positions the [`LANES`] rows of one scratch group reach in a tree (its nodes,
/// `mask` = their count − 1), walked together without branches. Written out lane by lane,
/// so that each lane's position is a local (a register) even in the size-optimised wasm
/// build, which unrolls nothing.
#[inline(always)]
fn lanes(nodes: &[Packed], mask: usize, group: &[f32; SCRATCH], depth: u32) -> [usize; LANES] {
    macro_rules! walk {
        ($(($at:ident, $k:literal)),+) => {{
            $(let mut $at = 0usize;)+
            for _ in 0..depth {
                $(
                    let node = nodes[$at & mask];
                    let x = group[(node.column as usize & (SCRATCH - LANES)) + $k];
                    $at = if x <= node.threshold { node.true_child } else { node.false_child } as usize;
                )+
            }
            [$($at),+]
        }};
    }
    walk!(
        (a0, 0),
        (a1, 1),
        (a2, 2),
        (a3, 3),
        (a4, 4),
        (a5, 5),
        (a6, 6),
        (a7, 7),
        (a8, 8),
        (a9, 9),
        (a10, 10),
        (a11, 11),
        (a12, 12),
        (a13, 13),
        (a14, 14),
        (a15, 15)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random number in `0..n`.
    fn rand(state: &mut u64, n: u64) -> u64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*state >> 33) % n
    }

    /// `trees` random trees of uneven depth (at most `max_depth`) reading features below
    /// `columns`, in converter order (preorder, true child first); returns the nodes, the
    /// roots and the heights. With an odd seed about half the branches send NaN to their true
    /// child; with an even one none does (the walk then keeps one copy of the columns).
    fn forest(
        trees: usize,
        max_depth: u32,
        columns: u64,
        seed: u64,
    ) -> (Vec<Node>, Vec<u32>, Vec<u32>) {
        fn grow(nodes: &mut Vec<Node>, depth: u32, columns: u64, state: &mut u64) -> (u32, u32) {
            let at = nodes.len() as u32;
            if depth == 0 || rand(state, 5) == 0 {
                nodes.push(Node::Leaf {
                    value: rand(state, 1000) as f32 / 8.0,
                });
                return (at, 0);
            }
            nodes.push(Node::Leaf { value: 0.0 }); // replaced below
            let feature = rand(state, columns) as u32;
            let threshold = match rand(state, 30) {
                0 => f32::INFINITY,
                1 => f32::NEG_INFINITY,
                v => (v * 7) as f32 / 10.0 - 10.0,
            };
            let nan_true = rand(state, 2) == 0;
            let (t, ht) = grow(nodes, depth - 1, columns, state);
            let (f, hf) = grow(nodes, depth - 1, columns, state);
            nodes[at as usize] = Node::Leq {
                feature,
                threshold,
                true_child: t,
                false_child: f,
                nan_true,
            };
            (at, 1 + ht.max(hf))
        }
        let mut state = seed;
        let (mut nodes, mut roots, mut heights) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..trees {
            let (root, h) = grow(&mut nodes, max_depth, columns, &mut state);
            roots.push(root);
            heights.push(h);
        }
        if seed.is_multiple_of(2) {
            for node in &mut nodes {
                if let Node::Leq { nan_true, .. } = node {
                    *nan_true = false;
                }
            }
        }
        (nodes, roots, heights)
    }

    /// The plain walk: per row, per tree, the leaf reached, as `x <= t` and the NaN side
    /// define it.
    fn reference(nodes: &[Node], roots: &[u32], data: &[f32], width: usize) -> Vec<Vec<usize>> {
        data.chunks(width)
            .map(|row| {
                roots
                    .iter()
                    .map(|&root| {
                        let mut i = root as usize;
                        while let Node::Leq {
                            feature,
                            threshold,
                            true_child,
                            false_child,
                            nan_true,
                        } = nodes[i]
                        {
                            let x = row[feature as usize];
                            let go_true = if x.is_nan() { nan_true } else { x <= threshold };
                            i = if go_true { true_child } else { false_child } as usize;
                        }
                        i
                    })
                    .collect()
            })
            .collect()
    }

    fn rows(n: usize, width: usize, seed: u64) -> Vec<f32> {
        let mut state = seed;
        (0..n * width)
            .map(|_| match rand(&mut state, 100) {
                0..20 => f32::NAN,
                20..23 => f32::INFINITY,
                23..26 => f32::NEG_INFINITY,
                v => v as f32 / 4.0 - 15.0,
            })
            .collect()
    }

    fn check(nodes: &[Node], roots: &[u32], heights: &[u32], width: usize) {
        let lanes = LaneForest::build(nodes, roots, heights, width).expect("lane layout");
        // Row counts around the group and block sizes.
        for n in [
            0,
            1,
            LANES - 1,
            LANES,
            LANES + 1,
            BLOCK - 1,
            BLOCK + 3,
            2 * BLOCK + LANES,
        ] {
            let data = rows(n, width, n as u64 + 7);
            let expected = reference(nodes, roots, &data, width);
            let mut got = vec![Vec::new(); n];
            lanes.for_each_leaf(&data, width, |r, leaf| got[r].push(leaf));
            assert_eq!(got, expected, "{n} rows");
            let value = |i: usize| match nodes[i] {
                Node::Leaf { value } => value,
                Node::Leq { .. } => unreachable!("a branch reached as a leaf"),
            };
            let sums: Vec<f32> = expected
                .iter()
                .map(|leaves| leaves.iter().fold(0f32, |s, &l| s + value(l)))
                .collect();
            assert_eq!(lanes.sums(&data, width), sums, "{n} rows");
        }
    }

    #[test]
    fn lanes_reach_the_leaves_the_plain_walk_reaches() {
        for seed in 0..40 {
            let depth = 1 + (seed % 11) as u32;
            let width = 1 + (seed * 7 % 23) as usize;
            let (nodes, roots, heights) = forest(1 + seed as usize % 9, depth, width as u64, seed);
            check(&nodes, &roots, &heights, width);
        }
    }

    #[test]
    fn the_widest_rows_taken_read_their_last_column() {
        let (nodes, roots, heights) = forest(3, 6, MAX_COLUMNS as u64, 2);
        check(&nodes, &roots, &heights, MAX_COLUMNS);
        assert!(LaneForest::build(&nodes, &roots, &heights, MAX_COLUMNS + 1).is_none());
    }

    #[test]
    fn rows_wider_than_the_trees_read_are_walked_alike() {
        let (nodes, roots, heights) = forest(4, 5, 3, 3);
        let lanes = LaneForest::build(&nodes, &roots, &heights, 3).expect("lane layout");
        let data = rows(40, 9, 4);
        let mut got = vec![Vec::new(); 40];
        lanes.for_each_leaf(&data, 9, |r, leaf| got[r].push(leaf));
        assert_eq!(got, reference(&nodes, &roots, &data, 9));
    }

    #[test]
    fn shared_subtrees_are_left_to_the_general_walk() {
        let leaf = Node::Leaf { value: 1.0 };
        let branch = |t, f| Node::Leq {
            feature: 0,
            threshold: 0.5,
            true_child: t,
            false_child: f,
            nan_true: false,
        };
        // Node 3 is the false child of both 0 and 1.
        let nodes = [branch(1, 3), branch(2, 3), leaf, leaf];
        assert!(LaneForest::build(&nodes, &[0], &[2], 1).is_none());
        let tree = [branch(1, 4), branch(2, 3), leaf, leaf, leaf];
        assert!(LaneForest::build(&tree, &[0], &[2], 1).is_some());
    }

    #[test]
    fn a_nan_threshold_sending_nan_true_is_left_to_the_general_walk() {
        let leaf = Node::Leaf { value: 1.0 };
        let branch = |threshold: f32, nan_true| Node::Leq {
            feature: 0,
            threshold,
            true_child: 1,
            false_child: 2,
            nan_true,
        };
        for (threshold, nan_true, taken) in [
            (f32::NAN, true, false),
            (f32::NAN, false, true),
            (0.5, true, true),
        ] {
            let tree = [branch(threshold, nan_true), leaf, leaf];
            let built = LaneForest::build(&tree, &[0], &[1], 1);
            assert_eq!(built.is_some(), taken, "{threshold} {nan_true}");
        }
    }
}
