"""Writes one-layer ONNX graphs Y = Relu(X·W + b) for bench/matmul/bench.mjs into
bench/matmul/data/: layer_<k>x<n>.onnx plus W and b as raw little-endian float32 (the same
weights for every engine). Deterministic. Run with models/.venv/bin/python."""

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = Path(__file__).resolve().parent / "data"
SHAPES = [(64, 256), (256, 256), (512, 512), (256, 10)]


def main():
    OUT.mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    for k, n in SHAPES:
        w = (rng.standard_normal((k, n)) * np.sqrt(2.0 / k)).astype(np.float32)
        b = (rng.standard_normal(n) * 0.1).astype(np.float32)
        nodes = [
            helper.make_node("MatMul", ["X", "W"], ["m"]),
            helper.make_node("Add", ["m", "b"], ["a"]),
            helper.make_node("Relu", ["a"], ["Y"]),
        ]
        graph = helper.make_graph(
            nodes, f"layer_{k}x{n}",
            [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, k])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, n])],
            [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b")])
        onx = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        onx.ir_version = 8
        onnx.checker.check_model(onx)
        (OUT / f"layer_{k}x{n}.onnx").write_bytes(onx.SerializeToString())
        w.astype("<f4").tofile(OUT / f"layer_{k}x{n}.w.f32")
        b.astype("<f4").tofile(OUT / f"layer_{k}x{n}.b.f32")


if __name__ == "__main__":
    main()
