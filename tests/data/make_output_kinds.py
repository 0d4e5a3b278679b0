#!/usr/bin/env python3
"""Generate the output-kind test data in tests/data/output_kinds/ (deterministic; re-run to
regenerate):

    models/.venv/bin/python tests/data/make_output_kinds.py

Real scikit-learn models whose ONNX export is not one label or one value per row, exported
with skl2onnx and written in the formats of ``models/<name>/`` *without* an ``outputs``
section in ``meta.json``, so that ``tests/e2e/output_kinds.rs`` checks what ``pack`` infers
(or is told with ``--task``) and then ``predict``s every held-out row against scikit-learn:

* ``multioutput/``      StandardScaler → MultiOutputRegressor(Ridge) on make_regression with
                        three targets ``t0, t1, t2`` (meta.json names them as its targets;
                        packed with ``--task regression``)
* ``pca/``              StandardScaler → PCA(3) on iris (packed with ``--task transform``)
* ``kmeans/``           StandardScaler → KMeans(3) on iris (inferred: clustering)
* ``isolationforest/``  IsolationForest(30 trees) on make_blobs with 5 % outliers
                        (inferred: outlier)
* ``lof/``              LocalOutlierFactor(novelty=True) on the same data (inferred: outlier)

Per case: ``model.onnx``, ``meta.json``, ``train.csv`` (features, then the targets if any),
``test_vectors.json`` (the first 10 held-out rows with scikit-learn's outputs) and
``holdout.json`` (every held-out row inside the training ranges, same format). Expected parts: ``values`` per target,
``vector``, ``cluster`` + ``distances``, ``outlier`` (scikit-learn's label -1) + ``score``
(``decision_function``). Rows where float32 could flip a cluster or an outlier label (two
centres within 1e-4, a score within 1e-4 of 0) are left out. The tolerance is the tightest
candidate with which onnxruntime reproduces scikit-learn on every held-out row.

``--dense DIR [WIDTH] [LAYERS]`` instead writes a plain network (LAYERS × MatMul WIDTH×WIDTH +
Relu, seeded weights; default 512 and 4, issue 15's dense benchmark model) into DIR with the
same files, its expected vectors computed by onnxruntime: the e2e test makes it at run time
(4 MiB of weights are not committed) and packs it with ``--task transform``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import csv
import io
import json
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import skl2onnx
import sklearn
from onnx import TensorProto, helper, numpy_helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.cluster import KMeans
from sklearn.datasets import load_iris, make_blobs, make_regression
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.multioutput import MultiOutputRegressor
from sklearn.neighbors import LocalOutlierFactor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parent / "output_kinds"
SEED = 0
TOLERANCES = [
    {"relative": 1e-5, "absolute": 1e-6},
    {"relative": 1e-4, "absolute": 1e-5},
    {"relative": 1e-3, "absolute": 1e-4},
]
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
N_TEST_VECTORS = 10
MARGIN = 1e-4


def number(v: float) -> float:
    return float(np.float64(v))


def f32(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.float32)


def export(model: Any, k: int, name: str) -> bytes:
    onx = convert_sklearn(model, name=name, initial_types=[("X", FloatTensorType([None, k]))],
                          target_opset=TARGET_OPSET)
    onx.producer_version = skl2onnx.__version__
    del onx.opset_import[:]
    for domain, version in sorted(TARGET_OPSET.items()):
        onx.opset_import.append(helper.make_opsetid(domain, version))
    return onx.SerializeToString()


def ort_run(model: bytes, X: np.ndarray) -> list[np.ndarray]:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    return [np.asarray(o) for o in sess.run(None, {"X": f32(X)})]


def close(o: np.ndarray, s: np.ndarray, t: dict) -> bool:
    o, s = np.asarray(o, np.float64).ravel(), np.asarray(s, np.float64).ravel()
    return bool(np.all(np.abs(o - s) <= t["absolute"] + t["relative"] * np.abs(s)))


def tolerance(pairs: list[tuple[np.ndarray, np.ndarray]]) -> dict:
    for t in TOLERANCES:
        if all(close(o, s, t) for o, s in pairs):
            return t
    worst = max(float(np.max(np.abs(np.asarray(o, np.float64) - s))) for o, s in pairs)
    raise SystemExit(f"onnxruntime differs from scikit-learn by up to {worst:.3g}")


def write_case(name: str, features: list[str], X_train: np.ndarray, targets: list[str],
               y_train: np.ndarray | None, model_bytes: bytes, rows: np.ndarray,
               expected: list[dict], tol: dict, description: str, pipeline: Any) -> None:
    d = ROOT / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    (d / "model.onnx").write_bytes(model_bytes)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(features + targets)
    for i, row in enumerate(X_train):
        extra = [] if y_train is None else [repr(number(v)) for v in np.atleast_1d(y_train[i])]
        w.writerow([repr(number(v)) for v in row] + extra)
    (d / "train.csv").write_text(buf.getvalue())
    meta: dict[str, Any] = {
        "name": name,
        "version": "1.0.0",
        "training": {
            "framework": {"name": "scikit-learn", "version": sklearn.__version__},
            "converter": {"name": "skl2onnx", "version": skl2onnx.__version__},
            "random_seed": SEED,
            "hyperparameters": {"pipeline": str(pipeline)},
        },
        "card": {"description": description},
    }
    if targets:
        meta["target"] = targets if len(targets) > 1 else targets[0]
    # Only rows inside the training ranges: pack's schema takes the data's own ranges, and
    # predict refuses a row beyond them (tested elsewhere).
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    inside = [bool(np.all((row >= lo) & (row <= hi))) for row in rows]
    cases = [{"input": {f: number(v) for f, v in zip(features, row)}, "expected": e}
             for row, e, ok in zip(rows, expected, inside) if ok]
    dump = lambda doc: json.dumps(doc, indent=2) + "\n"  # noqa: E731
    (d / "meta.json").write_text(dump(meta))
    (d / "test_vectors.json").write_text(dump({"tolerance": tol, "cases": cases[:N_TEST_VECTORS]}))
    (d / "holdout.json").write_text(dump({"tolerance": tol, "cases": cases}))
    print(f"{name}: {len(cases)} held-out rows, tolerance {tol}", file=sys.stderr)


def multioutput() -> None:
    X, y = make_regression(n_samples=300, n_features=5, n_informative=4, n_targets=3,
                           noise=3.0, random_state=SEED)
    X = f32(X).astype(np.float64)
    Xtr, Xte, ytr, _ = train_test_split(X, y, test_size=0.3, random_state=SEED)
    pipe = make_pipeline(StandardScaler(), MultiOutputRegressor(Ridge(alpha=1.0))).fit(Xtr, ytr)
    model = export(pipe, X.shape[1], "multioutput")
    want = pipe.predict(Xte)
    (got,) = ort_run(model, Xte)
    tol = tolerance([(got, want)])
    targets = ["t0", "t1", "t2"]
    expected = [{"values": {t: number(v) for t, v in zip(targets, row)}} for row in want]
    write_case("multioutput", [f"x{i}" for i in range(5)], Xtr, targets, ytr, model, Xte,
               expected, tol, "Three regression targets from five features (synthetic).", pipe)


def iris_split():
    d = load_iris()
    X = f32(d.data).astype(np.float64)
    Xtr, Xte = train_test_split(X, test_size=0.3, random_state=SEED, stratify=d.target)
    return ["sepal_length", "sepal_width", "petal_length", "petal_width"], Xtr, Xte


def pca() -> None:
    features, Xtr, Xte = iris_split()
    pipe = make_pipeline(StandardScaler(), PCA(n_components=3, random_state=SEED)).fit(Xtr)
    model = export(pipe, 4, "pca")
    want = pipe.transform(Xte)
    (got,) = ort_run(model, Xte)
    tol = tolerance([(got, want)])
    expected = [{"vector": [number(v) for v in row]} for row in want]
    write_case("pca", features, Xtr, [], None, model, Xte, expected, tol,
               "Iris flowers projected on their first three principal components.", pipe)


def kmeans() -> None:
    features, Xtr, Xte = iris_split()
    pipe = make_pipeline(StandardScaler(), KMeans(n_clusters=3, n_init=10, random_state=SEED))
    pipe.fit(Xtr)
    model = export(pipe, 4, "kmeans")
    dist = pipe.transform(Xte)
    top = np.sort(dist, axis=1)
    keep = (top[:, 1] - top[:, 0]) > MARGIN
    Xte, dist = Xte[keep], dist[keep]
    label = pipe.predict(Xte)
    got_label, got_dist = ort_run(model, Xte)
    assert np.array_equal(got_label.ravel(), label), "onnxruntime's clusters differ"
    tol = tolerance([(got_dist, dist)])
    expected = [{"cluster": int(c), "distances": [number(v) for v in row]}
                for c, row in zip(label, dist)]
    write_case("kmeans", features, Xtr, [], None, model, Xte, expected, tol,
               "Iris flowers in three clusters (k-means on standardised measurements).", pipe)


def blobs():
    X, _ = make_blobs(n_samples=400, n_features=4, centers=2, cluster_std=1.5,
                      random_state=SEED)
    rng = np.random.RandomState(SEED)
    X = np.vstack([X, rng.uniform(-12, 12, size=(20, 4))])
    X = f32(X).astype(np.float64)
    Xtr, Xte = train_test_split(X, test_size=0.3, random_state=SEED)
    return [f"x{i}" for i in range(4)], Xtr, Xte


def outlier_case(name: str, est: Any, description: str) -> None:
    features, Xtr, Xte = blobs()
    est.fit(Xtr)
    model = export(est, 4, name)
    score = est.decision_function(Xte)
    keep = np.abs(score) > MARGIN
    Xte, score = Xte[keep], score[keep]
    label = est.predict(Xte)
    got_label, got_score = ort_run(model, Xte)
    assert np.array_equal(got_label.ravel(), label), f"{name}: onnxruntime's labels differ"
    tol = tolerance([(got_score, score)])
    expected = [{"outlier": bool(lab == -1), "score": number(s)} for lab, s in zip(label, score)]
    assert any(e["outlier"] for e in expected) and not all(e["outlier"] for e in expected)
    write_case(name, features, Xtr, [], None, model, Xte, expected, tol, description, est)


def dense(out: Path, width: int = 512, layers: int = 4) -> None:
    """LAYERS × (MatMul WIDTH×WIDTH + Relu): a plain network layer stack, no scikit-learn."""
    rng = np.random.RandomState(SEED)
    weights = [f32(rng.normal(0, 1.0 / np.sqrt(width), size=(width, width))) for _ in range(layers)]
    nodes, inits, prev = [], [], "X"
    for i, w in enumerate(weights):
        inits.append(numpy_helper.from_array(w, f"W{i}"))
        nodes.append(helper.make_node("MatMul", [prev, f"W{i}"], [f"m{i}"]))
        last = "Y" if i == layers - 1 else f"r{i}"
        nodes.append(helper.make_node("Relu", [f"m{i}"], [last]))
        prev = last
    graph = helper.make_graph(
        nodes, "dense", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, width])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, width])], inits)
    onx = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                            producer_name="make_output_kinds.py")
    onx.ir_version = 8
    onnx.checker.check_model(onx)
    model = onx.SerializeToString()
    X = f32(rng.normal(0, 1, size=(60, width))).astype(np.float64)
    (got,) = ort_run(model, X)
    # Expected: the float64 computation, which onnxruntime's float32 must also meet.
    want = X
    for w in weights:
        want = np.maximum(want @ w.astype(np.float64), 0.0)
    tol = tolerance([(got, want)])
    global ROOT
    ROOT = out.parent
    features = [f"f{i}" for i in range(width)]
    expected = [{"vector": [number(v) for v in row]} for row in want[30:]]
    # The schema's ranges come from all 60 rows (the data never enters the bundle).
    write_case(out.name, features, X, [], None, model, X[30:], expected, tol,
               f"A plain network: {layers} x (MatMul {width}x{width} + Relu).", "dense")


def main(argv: list[str]) -> int:
    warnings.filterwarnings("ignore")
    if len(argv) > 1 and argv[1] == "--dense":
        width = int(argv[3]) if len(argv) > 3 else 512
        layers = int(argv[4]) if len(argv) > 4 else 4
        dense(Path(argv[2]).resolve(), width, layers)
        return 0
    multioutput()
    pca()
    kmeans()
    outlier_case("isolationforest", IsolationForest(n_estimators=30, random_state=SEED),
                 "Flags rows unlike the training data (isolation forest, 30 trees).")
    outlier_case("lof", LocalOutlierFactor(n_neighbors=20, novelty=True),
                 "Flags rows unlike the training data (local outlier factor, 20 neighbours).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
