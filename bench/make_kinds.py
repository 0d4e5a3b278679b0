"""Writes the five model kinds of the side-by-side benchmark (bench/kinds.mjs) into
bench/.data/kinds/<kind>/: model.onnx, meta.json, train.csv, tv.json (test vectors) and
rows.f32 (the benchmark rows, row-major float32) with rows.json (their shape). Deterministic;
nothing is downloaded. Run with models/.venv/bin/python; bench/run.sh then packs and signs
each kind.

- iris: StandardScaler + LogisticRegression on the iris flowers (4 features, 3 classes)
- forest: RandomForestClassifier, 100 trees, depth 12, 32 features, 3 classes
- mlp: MLPClassifier 256x256, 64 features, 10 classes
- dense: 4 x (MatMul 512x512 + Relu), built with onnx.helper; a 512-vector per row (transform)
- hgb: HistGradientBoostingRegressor, 200 iterations, 20 features
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import skl2onnx
import sklearn
from onnx import TensorProto, helper, numpy_helper
from skl2onnx import to_onnx
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

OUT = Path(__file__).resolve().parent / ".data" / "kinds"
BENCH_ROWS = 1000
OPSET = {"": 17, "ai.onnx.ml": 3}


def write_kind(kind, onx, X_train, y_train, X_bench, meta, task, description, source):
    d = OUT / kind
    d.mkdir(parents=True, exist_ok=True)
    raw = onx.SerializeToString()
    (d / "model.onnx").write_bytes(raw)
    width = X_train.shape[1]
    names = [f"f{i}" for i in range(width)]
    with open(d / "train.csv", "w") as f:
        f.write(",".join(names + (["y"] if y_train is not None else [])) + "\n")
        for i, row in enumerate(X_train):
            cells = [repr(float(v)) for v in row]
            if y_train is not None:
                cells.append(str(y_train[i]))
            f.write(",".join(cells) + "\n")
    meta = {
        "name": f"bench-{kind}", "version": "1.0.0",
        "training": {"framework": {"name": "scikit-learn", "version": sklearn.__version__},
                     "converter": {"name": "skl2onnx", "version": skl2onnx.__version__},
                     "data_source": source, "random_seed": 0},
        "card": {"description": description},
        **meta,
    }
    (d / "meta.json").write_text(json.dumps(meta, indent=2))
    sess = ort.InferenceSession(raw, providers=["CPUExecutionProvider"])
    got = sess.run(None, {"X": X_train[:5]})
    cases = []
    for i in range(5):
        inp = dict(zip(names, map(float, X_train[i])))
        if task == "classification":
            classes = meta["outputs"]["class_names"]
            exp = {"label": str(got[0][i]), "probabilities": dict(zip(classes, map(float, got[1][i])))}
        elif task == "regression":
            exp = {"value": float(np.asarray(got[0]).reshape(5, -1)[i, 0])}
        else:
            exp = {"vector": list(map(float, got[0][i]))}
        cases.append({"input": inp, "expected": exp})
    (d / "tv.json").write_text(json.dumps({"tolerance": {"relative": 1e-4, "absolute": 1e-4}, "cases": cases}))
    X_bench.astype("<f4").tofile(d / "rows.f32")
    (d / "rows.json").write_text(json.dumps({"rows": int(X_bench.shape[0]), "width": int(width), "task": task}))
    print(f"{kind}: onnx {len(raw)} bytes, {width} features", file=sys.stderr)


def classifier(kind, model, X, y, classes, description, source):
    labels = np.array(classes)[y]
    model.fit(X, labels)
    onx = to_onnx(model, X[:1], target_opset=OPSET, options={"zipmap": False})
    bench = X[np.arange(BENCH_ROWS) % len(X)]
    meta = {"target": "y", "outputs": {"task": "classification", "class_names": classes,
                                       "class_labels": classes, "label": "label",
                                       "probabilities": "probabilities"}}
    write_kind(kind, onx, X, labels, bench, meta, "classification", description, source)


def main():
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    only = set(sys.argv[1:])
    want = lambda k: not only or k in only  # noqa: E731
    rng = np.random.default_rng(0)

    if want("iris"):
        data = load_iris()
        X = data.data.astype(np.float32)
        classifier("iris", make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)), X,
                   data.target, [str(n) for n in data.target_names],
                   "Benchmark: StandardScaler + LogisticRegression on iris.", "sklearn.datasets.load_iris")
    if want("forest"):
        X, y = make_classification(n_samples=2000, n_features=32, n_informative=16, n_classes=3, random_state=0)
        classifier("forest", RandomForestClassifier(n_estimators=100, max_depth=12, random_state=0),
                   X.astype(np.float32), y, ["c0", "c1", "c2"],
                   "Benchmark: random forest, 100 trees, depth 12, 32 features.",
                   "make_classification(2000, 32, n_classes=3, random_state=0)")
    if want("mlp"):
        X, y = make_classification(n_samples=2000, n_features=64, n_informative=32, n_classes=10, random_state=0)
        X = StandardScaler().fit_transform(X).astype(np.float32)
        classifier("mlp", MLPClassifier(hidden_layer_sizes=(256, 256), max_iter=30, random_state=0),
                   X, y, [f"c{i}" for i in range(10)],
                   "Benchmark: MLP 256x256, 64 features, 10 classes.",
                   "make_classification(2000, 64, n_classes=10, random_state=0), standardised")
    if want("dense"):
        width = 512
        inits, nodes, prev = [], [], "X"
        for i in range(4):
            w = (rng.standard_normal((width, width)) * np.sqrt(2.0 / width)).astype(np.float32)
            inits.append(numpy_helper.from_array(w, f"W{i}"))
            nodes.append(helper.make_node("MatMul", [prev, f"W{i}"], [f"m{i}"]))
            out = "Y" if i == 3 else f"h{i}"
            nodes.append(helper.make_node("Relu", [f"m{i}"], [out]))
            prev = out
        graph = helper.make_graph(
            nodes, "dense",
            [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, width])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, width])], inits)
        onx = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        onx.ir_version = 8
        onnx.checker.check_model(onx)
        X = rng.standard_normal((BENCH_ROWS, width)).astype(np.float32)
        write_kind("dense", onx, X, None, X, {}, "transform",
                   "Benchmark: 4 x (MatMul 512x512 + Relu), random weights.",
                   "numpy default_rng(0) standard normal rows and He-scaled weights")
    if want("hgb"):
        X, y = make_regression(n_samples=2000, n_features=20, noise=5.0, random_state=0)
        X = X.astype(np.float32)
        model = HistGradientBoostingRegressor(max_iter=200, random_state=0).fit(X, y)
        onx = to_onnx(model, X[:1], target_opset=OPSET)
        write_kind("hgb", onx, X, y, X[:BENCH_ROWS], {"target": "y", "outputs": {"task": "regression", "value": "variable"}},
                   "regression", "Benchmark: HistGradientBoostingRegressor, 200 iterations, 20 features.",
                   "make_regression(2000, 20, random_state=0)")


if __name__ == "__main__":
    main()
