//! The register-blocked product behind [`super::dense`]: `Y = X·W + b`, then an activation
//! ([`Activation`]: Relu in the tiles, or tract's own tanh/sigmoid kernel on each finished block
//! of rows), with W packed once when the model loads.
//!
//! W (k×n) is packed in panels of 8 columns, each `k` rows of two 4-lane vectors, zero-padded
//! past `n`. A tile is 4 rows of X × one panel: 8 accumulators, 2 weight vectors and the 4
//! broadcast X values fit V8's 16 SIMD registers on x86 (6 and 8 rows spilled and measured
//! slower; bench/matmul). X is read in place, one element splatted at a time, so the
//! activations are never repacked (tract repacks them for every product).
//!
//! In wasm with SIMD128 the lanes are `v128` and the intrinsics (safe functions when the
//! feature is on at compile time); elsewhere a plain `[f32; 4]` stands in, so native builds
//! and tests run the same tiling. The tiles are written out straight-line by a macro: the
//! crate is built at opt-level "s", where LLVM unrolls no loop, and a loop over the
//! accumulators left them in memory.

/// Rows of X per tile.
pub const ROWS: usize = 4;
/// Columns of W per panel.
pub const PANEL: usize = 8;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::*;

    pub type V = v128;
    #[inline(always)]
    pub fn from4(a: [f32; 4]) -> V {
        f32x4(a[0], a[1], a[2], a[3])
    }
    #[inline(always)]
    pub fn splat(x: f32) -> V {
        f32x4_splat(x)
    }
    #[inline(always)]
    pub fn madd(acc: V, a: V, b: V) -> V {
        f32x4_add(acc, f32x4_mul(a, b))
    }
    #[inline(always)]
    pub fn add(a: V, b: V) -> V {
        f32x4_add(a, b)
    }
    #[inline(always)]
    pub fn relu(v: V) -> V {
        f32x4_max(v, f32x4_splat(0.0))
    }
    #[inline(always)]
    pub fn to4(v: V) -> [f32; 4] {
        [
            f32x4_extract_lane::<0>(v),
            f32x4_extract_lane::<1>(v),
            f32x4_extract_lane::<2>(v),
            f32x4_extract_lane::<3>(v),
        ]
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    pub type V = [f32; 4];
    #[inline(always)]
    pub fn from4(a: [f32; 4]) -> V {
        a
    }
    #[inline(always)]
    pub fn splat(x: f32) -> V {
        [x; 4]
    }
    #[inline(always)]
    pub fn madd(acc: V, a: V, b: V) -> V {
        core::array::from_fn(|i| acc[i] + a[i] * b[i])
    }
    #[inline(always)]
    pub fn add(a: V, b: V) -> V {
        core::array::from_fn(|i| a[i] + b[i])
    }
    #[inline(always)]
    pub fn relu(v: V) -> V {
        v.map(|x| x.max(0.0))
    }
    #[inline(always)]
    pub fn to4(v: V) -> [f32; 4] {
        v
    }
}

use lanes::V;
use tract_onnx::tract_core::internal::TractResult;
use tract_onnx::tract_core::tract_linalg::element_wise::ElementWise;

/// What follows the bias, applied to every output value.
#[derive(Debug, Clone)]
pub enum Activation {
    /// Nothing.
    Identity,
    /// `max(y, 0)`, in the tiles' registers.
    Relu,
    /// One of tract's own element-wise f32 kernels (tanh, sigmoid: what tract's `Tanh` and
    /// `Sigmoid` operators run), on each block of rows as soon as its products are done, so
    /// the results are tract's while the block is still in cache.
    Kernel(Box<dyn ElementWise<f32>>),
}

/// W and b packed for the tiles, and the activation that follows.
#[derive(Debug, Clone)]
pub struct Packed {
    k: usize,
    n: usize,
    /// Panel after panel: `k` × (columns 0–3, columns 4–7).
    panels: Vec<V>,
    /// Two vectors per panel.
    bias: Vec<V>,
    /// Whether the tiles clamp at 0 (`activation` is [`Activation::Relu`]).
    relu: bool,
    activation: Activation,
}

impl Packed {
    /// Packs `w` (k×n, row-major) and the optional bias (n values).
    ///
    /// Panics if the lengths disagree with `k` and `n` (the caller took them from the
    /// tensors' shapes).
    pub fn new(w: &[f32], b: Option<&[f32]>, k: usize, n: usize, activation: Activation) -> Packed {
        assert_eq!(w.len(), k * n, "weights are k×n");
        assert!(b.is_none_or(|b| b.len() == n), "bias has n values");
        let panels_n = n.div_ceil(PANEL);
        let at = |row: usize, col: usize| if col < n { w[row * n + col] } else { 0.0 };
        let mut panels = Vec::with_capacity(panels_n * k * 2);
        for p in 0..panels_n {
            for row in 0..k {
                for half in 0..2 {
                    let c = p * PANEL + 4 * half;
                    panels.push(lanes::from4(core::array::from_fn(|i| at(row, c + i))));
                }
            }
        }
        let bias_at = |c: usize| b.and_then(|b| b.get(c)).copied().unwrap_or(0.0);
        let bias = (0..panels_n * 2)
            .map(|v| lanes::from4(core::array::from_fn(|i| bias_at(4 * v + i))))
            .collect();
        Packed {
            k,
            n,
            panels,
            bias,
            relu: matches!(activation, Activation::Relu),
            activation,
        }
    }

    /// The inner dimension (columns of X).
    pub fn k(&self) -> usize {
        self.k
    }

    /// The output width (columns of Y).
    pub fn n(&self) -> usize {
        self.n
    }

    /// `y = x·W + b`, then the activation, for the rows of `x` (row-major, `k` wide) into `y`
    /// (row-major, `n` wide). Panics if `x` is not whole rows or `y` not as many rows as `x`.
    ///
    /// # Errors
    ///
    /// Only what tract's element-wise kernel reports.
    pub fn run(&self, x: &[f32], y: &mut [f32]) -> TractResult<()> {
        let rows = x
            .len()
            .checked_div(self.k)
            .unwrap_or(y.len() / self.n.max(1));
        assert_eq!(x.len(), rows * self.k, "x holds whole rows");
        assert_eq!(y.len(), rows * self.n, "y holds as many rows as x");
        let panels = self.n.div_ceil(PANEL);
        let mut r = 0;
        while r < rows {
            let m = ROWS.min(rows - r);
            if m == 1 {
                // One row: four panels at a time, so that each splat feeds 8 accumulators.
                let mut panel = 0;
                while panel + 4 <= panels {
                    tile1x4(self, x, r, panel, y);
                    panel += 4;
                }
                for panel in panel..panels {
                    tile1(self, x, r, panel, y);
                }
                self.finish(&mut y[r * self.n..(r + 1) * self.n])?;
                r += 1;
                continue;
            }
            let tile: Tile = match m {
                1 => tile1,
                2 => tile2,
                3 => tile3,
                _ => tile4,
            };
            for panel in 0..panels {
                tile(self, x, r, panel, y);
            }
            self.finish(&mut y[r * self.n..(r + m) * self.n])?;
            r += m;
        }
        Ok(())
    }

    /// Applies a kernel activation to finished rows (Relu is done in the tiles).
    fn finish(&self, rows: &mut [f32]) -> TractResult<()> {
        match &self.activation {
            Activation::Kernel(kernel) => kernel.run(rows),
            Activation::Identity | Activation::Relu => Ok(()),
        }
    }
}

type Tile = fn(&Packed, &[f32], usize, usize, &mut [f32]);

macro_rules! tile {
    ($name:ident, $mr:literal; $($r:literal),*) => {
        /// Rows `r0..r0 + MR` of X times one panel, into Y.
        #[inline(never)]
        fn $name(p: &Packed, x: &[f32], r0: usize, panel: usize, y: &mut [f32]) {
            let k = p.k;
            let weights = &p.panels[panel * k * 2..(panel + 1) * k * 2];
            let xr: [&[f32]; $mr] = [$(&x[(r0 + $r) * k..(r0 + $r + 1) * k]),*];
            let mut lo = [p.bias[panel * 2]; $mr];
            let mut hi = [p.bias[panel * 2 + 1]; $mr];
            for (kk, w) in weights.chunks_exact(2).enumerate() {
                let (w0, w1) = (w[0], w[1]);
                $(
                    let s = lanes::splat(xr[$r][kk]);
                    lo[$r] = lanes::madd(lo[$r], s, w0);
                    hi[$r] = lanes::madd(hi[$r], s, w1);
                )*
            }
            let n = p.n;
            let c0 = panel * PANEL;
            let cols = PANEL.min(n - c0);
            $(
                let (a, b) = if p.relu {
                    (lanes::relu(lo[$r]), lanes::relu(hi[$r]))
                } else {
                    (lo[$r], hi[$r])
                };
                let (a, b) = (lanes::to4(a), lanes::to4(b));
                let out = [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]];
                let at = (r0 + $r) * n + c0;
                y[at..at + cols].copy_from_slice(&out[..cols]);
            )*
        }
    };
}

/// One row times four panels (`panel..panel + 4`, all within W): 8 accumulators, one splat
/// per step of k.
#[inline(never)]
fn tile1x4(p: &Packed, x: &[f32], r0: usize, panel: usize, y: &mut [f32]) {
    let k = p.k;
    let span = k * 2;
    let weights = &p.panels[panel * span..(panel + 4) * span];
    let (w0, rest) = weights.split_at(span);
    let (w1, rest) = rest.split_at(span);
    let (w2, w3) = rest.split_at(span);
    let row = &x[r0 * k..(r0 + 1) * k];
    let mut acc: [V; 8] = core::array::from_fn(|i| p.bias[panel * 2 + i]);
    let steps = row
        .iter()
        .zip(w0.chunks_exact(2))
        .zip(w1.chunks_exact(2))
        .zip(w2.chunks_exact(2))
        .zip(w3.chunks_exact(2));
    for ((((x, a), b), c), d) in steps {
        let s = lanes::splat(*x);
        acc[0] = lanes::madd(acc[0], s, a[0]);
        acc[1] = lanes::madd(acc[1], s, a[1]);
        acc[2] = lanes::madd(acc[2], s, b[0]);
        acc[3] = lanes::madd(acc[3], s, b[1]);
        acc[4] = lanes::madd(acc[4], s, c[0]);
        acc[5] = lanes::madd(acc[5], s, c[1]);
        acc[6] = lanes::madd(acc[6], s, d[0]);
        acc[7] = lanes::madd(acc[7], s, d[1]);
    }
    let n = p.n;
    for j in 0..4 {
        let (mut a, mut b) = (acc[2 * j], acc[2 * j + 1]);
        if p.relu {
            (a, b) = (lanes::relu(a), lanes::relu(b));
        }
        let (a, b) = (lanes::to4(a), lanes::to4(b));
        let out = [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]];
        let c0 = (panel + j) * PANEL;
        let cols = PANEL.min(n - c0);
        let at = r0 * n + c0;
        y[at..at + cols].copy_from_slice(&out[..cols]);
    }
}

/// One row times one panel, with even and odd steps of k in separate accumulators: with one
/// row, two accumulators would make each step wait for the previous one's add (a single
/// row is a one-row prediction, where this is most of the time).
#[inline(never)]
fn tile1(p: &Packed, x: &[f32], r0: usize, panel: usize, y: &mut [f32]) {
    let k = p.k;
    let weights = &p.panels[panel * k * 2..(panel + 1) * k * 2];
    let row = &x[r0 * k..(r0 + 1) * k];
    let (mut lo, mut hi) = (p.bias[panel * 2], p.bias[panel * 2 + 1]);
    let (mut lo2, mut hi2) = (lanes::splat(0.0), lanes::splat(0.0));
    let mut w4 = weights.chunks_exact(4);
    let mut x2 = row.chunks_exact(2);
    for (w, x) in (&mut w4).zip(&mut x2) {
        let (s0, s1) = (lanes::splat(x[0]), lanes::splat(x[1]));
        lo = lanes::madd(lo, s0, w[0]);
        hi = lanes::madd(hi, s0, w[1]);
        lo2 = lanes::madd(lo2, s1, w[2]);
        hi2 = lanes::madd(hi2, s1, w[3]);
    }
    if let ([w0, w1], [x0]) = (w4.remainder(), x2.remainder()) {
        let s = lanes::splat(*x0);
        lo = lanes::madd(lo, s, *w0);
        hi = lanes::madd(hi, s, *w1);
    }
    let (mut a, mut b) = (lanes::add(lo, lo2), lanes::add(hi, hi2));
    if p.relu {
        (a, b) = (lanes::relu(a), lanes::relu(b));
    }
    let (a, b) = (lanes::to4(a), lanes::to4(b));
    let out = [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]];
    let c0 = panel * PANEL;
    let cols = PANEL.min(p.n - c0);
    let at = r0 * p.n + c0;
    y[at..at + cols].copy_from_slice(&out[..cols]);
}

tile!(tile2, 2; 0, 1);
tile!(tile3, 3; 0, 1, 2);
tile!(tile4, 4; 0, 1, 2, 3);

#[cfg(test)]
mod tests;
