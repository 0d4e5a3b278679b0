//! Register-blocked f32 products `Y = act(X·W + b)` with W packed once, in safe Rust:
//! SIMD128 intrinsics are safe functions when the target feature is on at compile time; W is
//! packed into `v128`s (so the kernel's loads are plain `v128.load`s), X's elements are
//! splatted (`v128.load32_splat`). Layout: W (k×n) in panels of 8 columns, each `[k][2 × v128]`,
//! zero-padded. The tiles are written out straight-line by a macro: at opt-level "s" LLVM
//! unrolls no loop, and a loop over accumulators left them in memory.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub struct Packed {
    pub k: usize,
    pub n: usize,
    pub panels: Vec<v128>,
    pub bias: Vec<v128>,
    pub relu: bool,
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl Packed {
    pub fn new(w: &[f32], b: Option<&[f32]>, k: usize, n: usize, relu: bool) -> Packed {
        let np = n.div_ceil(8);
        let at = |kk: usize, col: usize| if col < n { w[kk * n + col] } else { 0.0 };
        let mut panels = Vec::with_capacity(np * k * 2);
        for p in 0..np {
            for kk in 0..k {
                for h in 0..2 {
                    let c = p * 8 + 4 * h;
                    panels.push(f32x4(at(kk, c), at(kk, c + 1), at(kk, c + 2), at(kk, c + 3)));
                }
            }
        }
        let bb = |c: usize| b.map_or(0.0, |b| if c < n { b[c] } else { 0.0 });
        let bias = (0..np * 2).map(|i| f32x4(bb(4 * i), bb(4 * i + 1), bb(4 * i + 2), bb(4 * i + 3))).collect();
        Packed { k, n, panels, bias, relu }
    }
}

/// Plain reference.
pub fn reference(w: &[f32], b: Option<&[f32]>, k: usize, n: usize, relu: bool, x: &[f32], y: &mut [f32]) {
    let rows = x.len() / k;
    for r in 0..rows {
        for c in 0..n {
            let mut s = b.map_or(0.0, |b| b[c]);
            for kk in 0..k {
                s += x[r * k + kk] * w[kk * n + c];
            }
            y[r * n + c] = if relu { s.max(0.0) } else { s };
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn put(v: v128, relu: bool, out: &mut [f32; 8], at: usize) {
    let v = if relu { f32x4_max(v, f32x4_splat(0.0)) } else { v };
    out[at] = f32x4_extract_lane::<0>(v);
    out[at + 1] = f32x4_extract_lane::<1>(v);
    out[at + 2] = f32x4_extract_lane::<2>(v);
    out[at + 3] = f32x4_extract_lane::<3>(v);
}

macro_rules! tile {
    ($name:ident, $mr:literal; $($r:literal),*) => {
        /// One tile: rows r0.. of X (MR of them), one 8-column panel.
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        #[inline(never)]
        fn $name(p: &Packed, x: &[f32], r0: usize, panel: usize, y: &mut [f32]) {
            let k = p.k;
            let pw = &p.panels[panel * k * 2..(panel + 1) * k * 2];
            let b0 = p.bias[panel * 2];
            let b1 = p.bias[panel * 2 + 1];
            let xr: [&[f32]; $mr] = [$(&x[(r0 + $r) * k..(r0 + $r + 1) * k]),*];
            let mut lo = [b0; $mr];
            let mut hi = [b1; $mr];
            for (kk, b) in pw.chunks_exact(2).enumerate() {
                let (w0, w1) = (b[0], b[1]);
                $(
                    let s = f32x4_splat(xr[$r][kk]);
                    lo[$r] = f32x4_add(lo[$r], f32x4_mul(s, w0));
                    hi[$r] = f32x4_add(hi[$r], f32x4_mul(s, w1));
                )*
            }
            let n = p.n;
            let c0 = panel * 8;
            let cols = 8.min(n - c0);
            $(
                let mut out = [0.0f32; 8];
                put(lo[$r], p.relu, &mut out, 0);
                put(hi[$r], p.relu, &mut out, 4);
                let at = (r0 + $r) * n + c0;
                y[at..at + cols].copy_from_slice(&out[..cols]);
            )*
        }
    };
}

tile!(tile1, 1; 0);
tile!(tile2, 2; 0, 1);
tile!(tile3, 3; 0, 1, 2);
tile!(tile4, 4; 0, 1, 2, 3);
tile!(tile5, 5; 0, 1, 2, 3, 4);
tile!(tile6, 6; 0, 1, 2, 3, 4, 5);
tile!(tile7, 7; 0, 1, 2, 3, 4, 5, 6);
tile!(tile8, 8; 0, 1, 2, 3, 4, 5, 6, 7);

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
type Tile = fn(&Packed, &[f32], usize, usize, &mut [f32]);

/// Rows in tiles of `mr`; panels in blocks of `pb` (each block's panels stay in cache while
/// every row tile passes over them).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn run(p: &Packed, mr: usize, pb: usize, x: &[f32], y: &mut [f32]) {
    const TILES: [Tile; 8] = [tile1, tile2, tile3, tile4, tile5, tile6, tile7, tile8];
    let rows = x.len() / p.k;
    let np = p.n.div_ceil(8);
    let pb = pb.max(1);
    let mut p0 = 0;
    while p0 < np {
        let p1 = (p0 + pb).min(np);
        let mut r = 0;
        while r < rows {
            let m = mr.min(rows - r);
            let t = TILES[m - 1];
            for panel in p0..p1 {
                t(p, x, r, panel, y);
            }
            r += m;
        }
        p0 = p1;
    }
}
