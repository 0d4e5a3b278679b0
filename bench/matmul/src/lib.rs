//! Exports for bench/matmul/bench.mjs: tract's optimised plan of a one-layer ONNX graph, and
//! the register-blocked kernels of `kernel.rs`, on the same weights. Handles are leaked boxes.
#![allow(clippy::missing_safety_doc)]

mod kernel;

use tract_onnx::prelude::*;

type Plan = std::sync::Arc<TypedRunnableModel>;

#[no_mangle]
pub extern "C" fn alloc_f32(n: usize) -> *mut f32 {
    Box::leak(vec![0.0f32; n].into_boxed_slice()).as_mut_ptr()
}

#[no_mangle]
pub extern "C" fn alloc_u8(n: usize) -> *mut u8 {
    Box::leak(vec![0u8; n].into_boxed_slice()).as_mut_ptr()
}

/// Loads an ONNX graph with one input `X` of N×k, optimised as src/engine does. 0 on error.
#[no_mangle]
pub unsafe extern "C" fn tract_new(bytes: *const u8, len: usize, k: usize) -> *mut Plan {
    let bytes = std::slice::from_raw_parts(bytes, len);
    let go = || -> TractResult<Plan> {
        let mut model = tract_onnx::onnx().model_for_read(&mut &*bytes)?;
        let n = model.symbols.sym("N");
        model.set_input_fact(0, InferenceFact::dt_shape(f32::datum_type(), tvec![n.to_dim(), k.to_dim()]))?;
        model.into_optimized()?.into_runnable()
    };
    match go() {
        Ok(p) => Box::into_raw(Box::new(p)),
        Err(_) => std::ptr::null_mut(),
    }
}

/// Runs the plan on `rows` rows; copies the first output into `y`. Returns its length.
#[no_mangle]
pub unsafe extern "C" fn tract_run(p: *const Plan, x: *const f32, rows: usize, k: usize, y: *mut f32) -> usize {
    let p = &*p;
    let x = std::slice::from_raw_parts(x, rows * k);
    let t = Tensor::from_shape(&[rows, k], x).expect("shape");
    let out = p.run(tvec![t.into_tvalue()]).expect("run");
    let o = out[0].to_plain_array_view::<f32>().expect("f32");
    let y = std::slice::from_raw_parts_mut(y, o.len());
    for (d, s) in y.iter_mut().zip(o.iter()) {
        *d = *s;
    }
    o.len()
}

#[no_mangle]
pub unsafe extern "C" fn ours_new(w: *const f32, b: *const f32, k: usize, n: usize, relu: bool) -> *mut kernel::Packed {
    let w = std::slice::from_raw_parts(w, k * n);
    let b = if b.is_null() { None } else { Some(std::slice::from_raw_parts(b, n)) };
    Box::into_raw(Box::new(kernel::Packed::new(w, b, k, n, relu)))
}

#[no_mangle]
pub unsafe extern "C" fn ours_run(p: *const kernel::Packed, mr: usize, pb: usize, x: *const f32, rows: usize, y: *mut f32) {
    let p = &*p;
    let x = std::slice::from_raw_parts(x, rows * p.k);
    let y = std::slice::from_raw_parts_mut(y, rows * p.n);
    kernel::run(p, mr, pb, x, y);
}

#[no_mangle]
pub unsafe extern "C" fn reference_run(w: *const f32, b: *const f32, k: usize, n: usize, relu: bool, x: *const f32, rows: usize, y: *mut f32) {
    let w = std::slice::from_raw_parts(w, k * n);
    let b = if b.is_null() { None } else { Some(std::slice::from_raw_parts(b, n)) };
    let x = std::slice::from_raw_parts(x, rows * k);
    let y = std::slice::from_raw_parts_mut(y, rows * n);
    kernel::reference(w, b, k, n, relu, x, y);
}
