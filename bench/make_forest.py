"""Trains the benchmark forest (RandomForestRegressor, 100 trees, depth 12, on 1000 generated
rows x 10 features), exports it with skl2onnx, and writes what bench/forest.mjs needs into
bench/.data/: the ONNX file, a training CSV, pack metadata, test vectors and the 1000 rows.
Deterministic; nothing is downloaded. Run with models/.venv/bin/python."""

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import skl2onnx
import sklearn
from skl2onnx import to_onnx
from sklearn.datasets import make_regression
from sklearn.ensemble import RandomForestRegressor

OUT = Path(__file__).resolve().parent / ".data"
OUT.mkdir(exist_ok=True)
X, y = make_regression(n_samples=1000, n_features=10, noise=5.0, random_state=0)
X = X.astype(np.float32)
model = RandomForestRegressor(n_estimators=100, max_depth=12, random_state=0).fit(X, y)
onx = to_onnx(model, X[:1], target_opset={"": 17, "ai.onnx.ml": 3})
(OUT / "forest.onnx").write_bytes(onx.SerializeToString())
sess = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
pred = sess.run(None, {"X": X})[0].reshape(-1)
names = [f"f{i}" for i in range(10)]
with open(OUT / "train.csv", "w") as f:
    f.write(",".join(names + ["y"]) + "\n")
    for row, t in zip(X, y):
        f.write(",".join(repr(float(v)) for v in row) + f",{float(t)!r}\n")
meta = {
    "name": "bench-forest", "version": "1.0.0", "target": "y",
    "training": {"framework": {"name": "scikit-learn", "version": sklearn.__version__},
                 "converter": {"name": "skl2onnx", "version": skl2onnx.__version__},
                 "data_source": "make_regression(1000, 10, random_state=0)", "random_seed": 0},
    "outputs": {"task": "regression", "value": "variable"},
    "card": {"description": "Benchmark forest: 100 trees, depth 12."},
}
(OUT / "meta.json").write_text(json.dumps(meta, indent=2))
cases = [{"input": dict(zip(names, map(float, X[i]))), "expected": {"value": float(pred[i])}} for i in range(5)]
(OUT / "tv.json").write_text(json.dumps({"tolerance": {"relative": 1e-5, "absolute": 1e-4}, "cases": cases}))
(OUT / "rows.json").write_text(json.dumps({"rows": X.tolist(), "onnxruntime": pred.tolist()}))
nodes = sum(len(a.ints) for n in onx.graph.node for a in n.attribute if a.name == "nodes_treeids")
print(f"forest: {len(model.estimators_)} trees, {nodes} nodes, onnx {len((OUT / 'forest.onnx').read_bytes())} bytes")
