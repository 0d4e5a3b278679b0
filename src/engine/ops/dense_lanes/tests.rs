use super::*;

/// A deterministic pseudo-random float in [-1, 1).
fn rand(state: &mut u64) -> f32 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    ((*state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
}

/// The plain triple loop, in f64.
fn reference(w: &[f32], b: Option<&[f32]>, k: usize, n: usize, relu: bool, x: &[f32]) -> Vec<f32> {
    let rows = x.len().checked_div(k).unwrap_or(0);
    let mut y = vec![0.0; rows * n];
    for r in 0..rows {
        for c in 0..n {
            let mut s = b.map_or(0.0, |b| f64::from(b[c]));
            for i in 0..k {
                s += f64::from(x[r * k + i]) * f64::from(w[i * n + c]);
            }
            y[r * n + c] = if relu { s.max(0.0) as f32 } else { s as f32 };
        }
    }
    y
}

fn check(rows: usize, k: usize, n: usize, bias: bool, relu: bool, state: &mut u64) {
    let w: Vec<f32> = (0..k * n).map(|_| rand(state)).collect();
    let b: Vec<f32> = (0..n).map(|_| rand(state)).collect();
    let x: Vec<f32> = (0..rows * k).map(|_| rand(state)).collect();
    let b = bias.then_some(b.as_slice());
    let packed = Packed::new(
        &w,
        b,
        k,
        n,
        if relu {
            Activation::Relu
        } else {
            Activation::Identity
        },
    );
    let mut y = vec![f32::NAN; rows * n];
    packed.run(&x, &mut y).expect("runs");
    let want = reference(&w, b, k, n, relu, &x);
    for (i, (got, want)) in y.iter().zip(&want).enumerate() {
        // Sums of k products of values in [-1, 1]: f32 rounding stays far below 1e-5·k.
        assert!(
            (got - want).abs() <= 1e-5 * (k as f32 + 1.0),
            "{rows}×{k}·{k}×{n} (bias {bias}, relu {relu}): y[{i}] = {got}, want {want}"
        );
    }
}

#[test]
fn matches_the_plain_product_on_odd_shapes_and_tails() {
    let mut state = 7;
    // Rows around the 4-row tile, columns around the 8-column panel, k from 1.
    for rows in [1, 2, 3, 4, 5, 7, 8, 9, 13] {
        for n in [1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 64] {
            for k in [1, 2, 5, 8, 33] {
                check(rows, k, n, true, true, &mut state);
            }
        }
    }
}

#[test]
fn bias_and_relu_are_optional() {
    let mut state = 11;
    for (bias, relu) in [(false, false), (true, false), (false, true), (true, true)] {
        check(6, 19, 10, bias, relu, &mut state);
    }
}

#[test]
fn relu_clamps_negative_sums_to_zero() {
    // One row, k = 1: y = x·w + b exactly.
    let packed = Packed::new(
        &[1.0, -1.0, 2.0],
        Some(&[0.5, 0.0, -3.0]),
        1,
        3,
        Activation::Relu,
    );
    let mut y = [f32::NAN; 3];
    packed.run(&[1.0], &mut y).expect("runs");
    assert_eq!(y, [1.5, 0.0, 0.0]);
}

#[test]
fn the_shapes_of_the_benchmark_layers() {
    let mut state = 3;
    check(37, 64, 256, true, true, &mut state);
    check(1, 512, 512, true, true, &mut state);
    check(5, 256, 10, true, false, &mut state);
}

#[test]
fn an_empty_batch_writes_nothing() {
    let packed = Packed::new(&[1.0; 6], None, 2, 3, Activation::Identity);
    let mut y: [f32; 0] = [];
    packed.run(&[], &mut y).expect("runs");
}

#[test]
fn tanh_and_sigmoid_are_tracts_own_kernels_on_the_finished_rows() {
    use tract_onnx::tract_core::tract_linalg::Func;
    let mut state = 5;
    for func in [Func::Tanh, Func::Sigmoid] {
        for (rows, k, n) in [(1, 7, 33), (3, 5, 9), (6, 19, 10), (9, 33, 17)] {
            let w: Vec<f32> = (0..k * n).map(|_| 2.0 * rand(&mut state)).collect();
            let b: Vec<f32> = (0..n).map(|_| rand(&mut state)).collect();
            let x: Vec<f32> = (0..rows * k).map(|_| rand(&mut state)).collect();
            let kernel = func.ew_f32().expect("kernel");
            let fused = Packed::new(&w, Some(&b), k, n, Activation::Kernel(kernel.clone()));
            let plain = Packed::new(&w, Some(&b), k, n, Activation::Identity);
            let (mut got, mut want) = (vec![f32::NAN; rows * n], vec![f32::NAN; rows * n]);
            fused.run(&x, &mut got).expect("runs");
            plain.run(&x, &mut want).expect("runs");
            // What tract's Tanh / Sigmoid operator does to the whole product afterwards.
            kernel.run(&mut want).expect("kernel runs");
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{func:?}, {rows}×{k}·{k}×{n}");
        }
    }
}
