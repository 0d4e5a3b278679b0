#!/usr/bin/env python3
"""Generate the test fixtures in tests/data/ (deterministic; re-run to regenerate):

    models/.venv/bin/python tests/data/make_fixtures.py

* ``unsupported_tree.onnx``      skl2onnx export of a DecisionTreeRegressor (max_depth=2, 20
                                 generated rows, features f0, f1, one float input ``X``): its
                                 graph holds ``TreeEnsembleRegressor`` (domain ai.onnx.ml), an
                                 operator our runtime does not implement
* ``unsupported_tree.json``      pack metadata for it (the format of models/<name>/meta.json)
* ``unsupported_tree_train.csv`` the 20 training rows (header f0,f1,y)
* ``unsupported_tree_tv.json``   2 test vectors with scikit-learn's own predictions

The generator checks that the graph contains TreeEnsembleRegressor and that onnxruntime
reproduces the test vectors, and exits non-zero otherwise.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import skl2onnx
import sklearn
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.tree import DecisionTreeRegressor

DATA_DIR = Path(__file__).resolve().parent
SEED = 0
N_ROWS = 20
NAME = "unsupported_tree"
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
TOLERANCE = {"relative": 1e-5, "absolute": 1e-6}


def fail(msg: str) -> None:
    print(f"ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_json(path: Path, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def unknown_op_model() -> bytes:
    """A graph whose only node is an operator no runtime implements (com.example:MadeUpOp),
    for the "unsupported operator fails at load, naming it" tests."""
    from onnx import TensorProto, helper

    node = helper.make_node("MadeUpOp", ["X"], ["variable"], domain="com.example", name="made_up")
    graph = helper.make_graph(
        [node],
        "unknown_op",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 2])],
        [helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, 1])],
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)],
        producer_name="sealed-onnx tests",
    )
    model.ir_version = 8
    return model.SerializeToString()


def main() -> None:
    rng = np.random.RandomState(SEED)
    # Multiples of 1/4: exact in float32, so the float32 graph input equals the float64
    # training data and no row sits ambiguously on a split threshold.
    X = rng.randint(0, 40, size=(N_ROWS, 2)).astype(np.float64) / 4.0
    y = np.round(X[:, 0] + 2.0 * X[:, 1] + rng.normal(0.0, 0.5, N_ROWS), 2)

    model = DecisionTreeRegressor(max_depth=2, random_state=SEED).fit(X, y)
    onx = convert_sklearn(
        model,
        name=NAME,
        initial_types=[("X", FloatTensorType([None, 2]))],
        target_opset=TARGET_OPSET,
    )
    onnx.checker.check_model(onx, full_check=True)
    ops = [(n.domain, n.op_type) for n in onx.graph.node]
    if ("ai.onnx.ml", "TreeEnsembleRegressor") not in ops:
        fail(f"expected a TreeEnsembleRegressor node, got {ops}")
    if [i.name for i in onx.graph.input] != ["X"]:
        fail(f"unexpected inputs {[i.name for i in onx.graph.input]}")
    outputs = [o.name for o in onx.graph.output]
    if outputs != ["variable"]:
        fail(f"unexpected outputs {outputs}")
    model_bytes = onx.SerializeToString()

    # Two test vectors that fall in different leaves.
    X_tv = np.array([[1.5, 2.25], [8.75, 7.5]])
    expected = model.predict(X_tv)
    if len(set(model.apply(X_tv).tolist())) != 2:
        fail("the two test vectors should land in different leaves")
    sess = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    got = sess.run(None, {"X": X_tv.astype(np.float32)})[0].reshape(-1)
    for e, g in zip(expected, got):
        if abs(float(g) - e) > TOLERANCE["absolute"] + TOLERANCE["relative"] * abs(e):
            fail(f"onnxruntime {g} != scikit-learn {e}")

    tv = {
        "tolerance": TOLERANCE,
        "cases": [
            {"input": {"f0": float(r[0]), "f1": float(r[1])}, "expected": {"value": float(v)}}
            for r, v in zip(X_tv, expected)
        ],
    }
    meta = {
        "name": "unsupported-tree",
        "version": "0.1.0",
        "target": "y",
        "training": {
            "framework": {"name": "scikit-learn", "version": sklearn.__version__},
            "converter": {"name": "skl2onnx", "version": skl2onnx.__version__},
            "data_source": f"{N_ROWS} rows generated by tests/data/make_fixtures.py",
            "random_seed": SEED,
            "hyperparameters": {"max_depth": 2, "random_state": SEED},
        },
        "features": {
            "f0": {"description": "Generated feature 0"},
            "f1": {"description": "Generated feature 1"},
        },
        "outputs": {"task": "regression", "value": "variable"},
        "card": {
            "description": (
                "Test fixture: a depth-2 decision tree regressor whose ONNX graph uses "
                "TreeEnsembleRegressor (ai.onnx.ml), an operator the runtime does not support."
            ),
            "intended_use": "Tests that unsupported operators are rejected with a clear error.",
            "out_of_scope": "Everything else.",
            "authors": ["sealed-onnx tests"],
            "license": "MIT",
        },
    }

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["f0", "f1", "y"])
    for row, target in zip(X, y):
        writer.writerow([repr(float(row[0])), repr(float(row[1])), repr(float(target))])

    (DATA_DIR / f"{NAME}.onnx").write_bytes(model_bytes)
    (DATA_DIR / "unknown_op.onnx").write_bytes(unknown_op_model())
    write_json(DATA_DIR / f"{NAME}.json", meta)
    write_text(DATA_DIR / f"{NAME}_train.csv", buf.getvalue())
    write_json(DATA_DIR / f"{NAME}_tv.json", tv)
    op_list = ", ".join(f"{d or 'ai.onnx'}:{t}" for d, t in ops)
    print(
        f"wrote {NAME}.onnx ({len(model_bytes)} bytes; ops {op_list}), {NAME}.json, "
        f"{NAME}_train.csv ({N_ROWS} rows), {NAME}_tv.json (2 cases: "
        f"{', '.join(f'{v:g}' for v in expected)})"
    )


if __name__ == "__main__":
    main()
