#!/usr/bin/env python3
"""Train and export the four example models of sealed-onnx.

Run from anywhere with the pinned environment:

    models/.venv/bin/python models/export.py

For each example (iris, diabetes, breast-cancer, study) this writes ``models/<name>/``:

* ``model.onnx``        skl2onnx export of the whole fitted pipeline (one float input ``X``;
                        study: one input per column, the category as a string)
* ``train.csv``         the training split (features, then the target column)
* ``meta.json``         pack metadata: provenance, feature descriptions, outputs, model card
* ``test_vectors.json`` up to 20 held-out rows with scikit-learn's own predictions
* ``holdout.json``      every held-out row with scikit-learn's own predictions (same format)
* ``model.pkl``         ``pickle.dump`` of the fitted pipeline (size comparison only)
* ``model.joblib``      ``joblib.dump`` of the fitted pipeline (size comparison only)

Everything except the two pickles is byte-for-byte reproducible (fixed seeds, single-threaded
numerics, no timestamps). ``meta.json`` records the commit that last changed this script
(``git log -1 --format=%H -- models/export.py``), not ``HEAD``, so commits elsewhere in the
repository leave it unchanged; it changes only after a commit that edits this script.

After exporting, the ONNX graph is checked with onnxruntime against scikit-learn on every test
row, and again on ``test_vectors.json`` and ``holdout.json`` as re-read from disk; the script
exits non-zero on any label mismatch, on a score outside the loosest allowed tolerance, or
when the graph uses an operator outside the set our runtime (tract) supports.
"""

from __future__ import annotations

import os

# Single-threaded BLAS/OpenMP: reproducible floating point and kind to a busy machine.
# Must be set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import csv
import io
import json
import math
import pickle
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import joblib
import numpy as np
import onnx
import onnxruntime as ort
import skl2onnx
import sklearn
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType, StringTensorType
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

SEED = 42
TEST_SIZE = 0.2
CV_FOLDS = 5
N_TEST_VECTORS = 20
VERSION = "1.0.0"
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
INPUT_NAME = "X"

# Operators the graphs may contain: the standard ai.onnx domain plus the two ONNX-ML linear
# models tract implements. skl2onnx is told not to emit the ONNX-ML ops tract lacks:
#   Scaler      -> StandardScaler is exported as Sub + Div instead
#   Normalizer  -> the multinomial L1 re-normalisation is exported as Abs + ReduceSum + Div
#   ArrayFeatureExtractor / ZipMap -> must never appear (conversion fails if they would)
ALLOWED_ML_OPS = {"LinearClassifier", "LinearRegressor"}
BLACK_OPS = {"Scaler", "Normalizer", "ArrayFeatureExtractor", "ZipMap"}

# Candidate tolerances, tightest first: |onnx - sklearn| <= absolute + relative * |sklearn|.
TOLERANCES = [
    {"relative": 1e-5, "absolute": 1e-6},
    {"relative": 1e-4, "absolute": 1e-5},
]

MODELS_DIR = Path(__file__).resolve().parent
REPO_DIR = MODELS_DIR.parent

LICENSE = "BSD-3-Clause (data) / MIT (model)"
AUTHORS = ["sealed-onnx examples"]


# --------------------------------------------------------------------------------------------
# Example definitions
# --------------------------------------------------------------------------------------------


@dataclass
class Feature:
    name: str
    description: str
    unit: str | None = None


@dataclass
class Example:
    name: str
    task: str  # "classification" | "regression"
    target: str  # target column name in train.csv
    data_source: str
    features: list[Feature]
    X: np.ndarray  # float64 [n, k]
    y: np.ndarray  # what the estimator is trained on
    y_display: Callable[[np.ndarray], list[Any]]  # train.csv target column values
    estimator: Any  # final step of the pipeline
    class_display: Callable[[Any], str] | None  # raw class label -> class name
    card: Callable[[dict[str, Any]], dict[str, str]]  # test metrics -> card texts


def snake_case(name: str) -> str:
    """'sepal length (cm)' -> 'sepal_length', 'mean concave points' -> 'mean_concave_points'."""
    name = re.sub(r"\s*\(.*?\)", "", str(name)).strip().lower()
    name = re.sub(r"[^a-z0-9]+", "_", name).strip("_")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"cannot make an identifier of {name!r}")
    return name


def iris_example() -> Example:
    data = load_iris()
    units = {"length": "cm", "width": "cm"}
    features = []
    for raw in data.feature_names:
        name = snake_case(raw)
        organ, dim = name.split("_")
        features.append(Feature(name, f"{organ.capitalize()} {dim}", units[dim]))
    assert [f.name for f in features] == [
        "sepal_length",
        "sepal_width",
        "petal_length",
        "petal_width",
    ]
    y = data.target_names[data.target]  # string labels -> string label tensor in ONNX

    def card(m: dict[str, Any]) -> dict[str, str]:
        return {
            "description": (
                "Multinomial logistic regression on standardised features that predicts the "
                "species of an iris flower (setosa, versicolor or virginica) from four sepal and "
                "petal measurements in centimetres. Trained on "
                f"{m['n_train']} of the 150 flowers of the classic iris data set (Anderson; "
                "Fisher, 1936) as shipped with scikit-learn. Held-out accuracy: "
                f"{m['test_accuracy']:.3f} on {m['n_test']} flowers."
            ),
            "intended_use": (
                "Demonstrating and testing the sealed-onnx packaging, signing, verification and "
                "serving workflow; teaching examples."
            ),
            "out_of_scope": (
                "Real botanical identification; iris species other than these three or other "
                "plants; measurements taken with another protocol or in units other than "
                "centimetres."
            ),
            "limitations": (
                "Toy data set: 150 flowers (50 per species) measured in the 1930s. Setosa is "
                "linearly separable from the others, while versicolor and virginica overlap, so "
                "errors concentrate between those two. The test set is tiny "
                f"({m['n_test']} flowers), so the accuracy estimate is very noisy. Probabilities "
                "are those of a regularised logistic regression, not calibrated against any "
                "real-world population. Inputs outside the training ranges are extrapolated "
                "silently by the model itself."
            ),
            "fairness": (
                "The data describe flowers, not people, so there are no protected groups. The "
                "classes are balanced (40 training flowers each)."
            ),
        }

    return Example(
        name="iris",
        task="classification",
        target="species",
        data_source=(
            "sklearn.datasets.load_iris, 80% stratified training split "
            f"(random_state={SEED})"
        ),
        features=features,
        X=np.asarray(data.data, dtype=np.float64),
        y=y,
        y_display=lambda ys: [str(v) for v in ys],
        estimator=LogisticRegression(max_iter=1000),
        class_display=str,
        card=card,
    )


def diabetes_example() -> Example:
    data = load_diabetes(scaled=False)
    no_unit = " (unit not documented in the data set description)"
    described = {
        "age": Feature("age", "Age at baseline", "years"),
        "sex": Feature(
            "sex",
            "Sex, coded 1 or 2 in this unscaled version of the data; the data set does not "
            "document which code is which",
        ),
        "bmi": Feature("bmi", "Body mass index", "kg/m²"),
        "bp": Feature("bp", "Average blood pressure", "mmHg"),
        "s1": Feature("s1", "Blood serum measurement s1: tc, total serum cholesterol" + no_unit),
        "s2": Feature("s2", "Blood serum measurement s2: ldl, low-density lipoproteins" + no_unit),
        "s3": Feature("s3", "Blood serum measurement s3: hdl, high-density lipoproteins" + no_unit),
        "s4": Feature("s4", "Blood serum measurement s4: tch, ratio total cholesterol / HDL"),
        "s5": Feature(
            "s5", "Blood serum measurement s5: ltg, possibly log of serum triglycerides level"
        ),
        "s6": Feature("s6", "Blood serum measurement s6: glu, blood sugar level" + no_unit),
    }
    names = [snake_case(n) for n in data.feature_names]
    assert names == list(described), names
    sex = np.unique(data.data[:, names.index("sex")])
    assert sex.tolist() == [1.0, 2.0], sex

    def card(m: dict[str, Any]) -> dict[str, str]:
        return {
            "description": (
                "Ridge regression (alpha = 1.0) on standardised features predicting a "
                "quantitative measure of diabetes disease progression one year after baseline "
                "from age, sex, body mass index, average blood pressure and six blood serum "
                f"measurements. Trained on {m['n_train']} of the 442 patients of the diabetes "
                "data set of Efron, Hastie, Johnstone and Tibshirani (2004), in the unscaled "
                "version shipped with scikit-learn. Held-out R² = "
                f"{m['test_r2']:.3f}, RMSE = {m['test_rmse']:.1f} on {m['n_test']} patients."
            ),
            "intended_use": (
                "Demonstrating regression bundles, test vectors and drift baselines in "
                "sealed-onnx; teaching linear regression."
            ),
            "out_of_scope": (
                "Any clinical use: prognosis or treatment decisions for an individual patient, "
                "triage, insurance, employment or any other decision affecting a person. "
                "Populations or measurement protocols other than those of the original study."
            ),
            "limitations": (
                "Small sample of 442 patients from a single study. The target is a progression "
                "score (25–346 in the data) whose clinical definition is not documented in the "
                "source. A linear model explains only part of the variance (held-out R² = "
                f"{m['test_r2']:.2f}), so individual predictions are typically off by tens of "
                f"units (RMSE {m['test_rmse']:.0f}). The sex column is coded 1/2 without "
                "documentation of the coding, s5 is documented only as 'possibly' log "
                "triglycerides, and units of the serum measurements are not given. Inputs "
                "outside the training ranges are extrapolated linearly without any warning from "
                "the model itself."
            ),
            "fairness": (
                "The inputs include age and sex, and sex enters the model directly, so two "
                "patients differing only in sex get different predictions. The demographic "
                "make-up of the cohort (ethnicity, socioeconomic status, region) is not "
                "documented, and performance across subgroups was not evaluated."
            ),
        }

    return Example(
        name="diabetes",
        task="regression",
        target="progression",
        data_source=(
            "sklearn.datasets.load_diabetes(scaled=False), 80% training split "
            f"(random_state={SEED})"
        ),
        features=list(described.values()),
        X=np.asarray(data.data, dtype=np.float64),
        y=np.asarray(data.target, dtype=np.float64),
        y_display=lambda ys: [float(v) for v in ys],
        estimator=Ridge(alpha=1.0),
        class_display=None,
        card=card,
    )


BREAST_CANCER_BASE = {
    "radius": "radius (mean of distances from centre to points on the perimeter)",
    "texture": "texture (standard deviation of grey-scale values)",
    "perimeter": "perimeter",
    "area": "area",
    "smoothness": "smoothness (local variation in radius lengths)",
    "compactness": "compactness (perimeter² / area − 1.0)",
    "concavity": "concavity (severity of concave portions of the contour)",
    "concave points": "concave points (number of concave portions of the contour)",
    "symmetry": "symmetry",
    "fractal dimension": 'fractal dimension ("coastline approximation" − 1)',
}


def breast_cancer_description(raw: str) -> str:
    raw = str(raw)
    if raw.startswith("mean "):
        stat, base = "Mean", raw[len("mean ") :]
    elif raw.startswith("worst "):
        stat, base = "Worst (mean of the three largest values)", raw[len("worst ") :]
    elif raw.endswith(" error"):
        stat, base = "Standard error", raw[: -len(" error")]
    else:
        raise ValueError(raw)
    return (
        f"{stat} over the cell nuclei in the FNA image of the nucleus "
        f"{BREAST_CANCER_BASE[base]}"
    )


def breast_cancer_example() -> Example:
    data = load_breast_cancer()
    features = [
        Feature(snake_case(raw), breast_cancer_description(raw)) for raw in data.feature_names
    ]
    assert features[0].name == "mean_radius" and features[-1].name == "worst_fractal_dimension"
    target_names = [str(n) for n in data.target_names]
    assert target_names == ["malignant", "benign"], target_names
    y = np.asarray(data.target, dtype=np.int64)  # 0/1 -> int64 label tensor in ONNX

    def card(m: dict[str, Any]) -> dict[str, str]:
        return {
            "description": (
                "Logistic regression on standardised features classifying a breast mass as "
                "malignant or benign from 30 features of the cell nuclei, computed from a "
                "digitised image of a fine needle aspirate (FNA). Trained on "
                f"{m['n_train']} of the 569 cases of the Breast Cancer Wisconsin (Diagnostic) "
                "data set as shipped with scikit-learn. Held-out accuracy: "
                f"{m['test_accuracy']:.3f} on {m['n_test']} cases."
            ),
            "intended_use": (
                "Educational and demonstration use only: showing a binary classifier with "
                "integer labels packaged, signed and served with sealed-onnx."
            ),
            "out_of_scope": (
                "NOT for diagnosis, screening, triage, second opinions or any other clinical "
                "use, and not for any decision about a real patient. Not validated on images "
                "from other laboratories, microscopes, stains or image-processing pipelines."
            ),
            "limitations": (
                "569 cases from a single institution (University of Wisconsin Hospitals, "
                "Madison), collected in the early 1990s. The features come from a specific, "
                "partly interactive nucleus segmentation procedure, so values produced by "
                "another pipeline are not comparable. The class balance (212 malignant, 357 "
                "benign) reflects this sample, not any screening population, so predicted "
                "probabilities are not calibrated for real-world prevalence. The test set is "
                f"small ({m['n_test']} cases): error rates are estimated with wide uncertainty, "
                "and false negatives (malignant predicted benign) were not optimised for."
            ),
            "fairness": (
                "The data contain no demographic information (age, ethnicity, ...), so "
                "performance across patient groups cannot be assessed; the single-centre "
                "origin means the population represented is narrow and unknown."
            ),
        }

    return Example(
        name="breast-cancer",
        task="classification",
        target="diagnosis",
        data_source=(
            "sklearn.datasets.load_breast_cancer, 80% stratified training split "
            f"(random_state={SEED})"
        ),
        features=features,
        X=np.asarray(data.data, dtype=np.float64),
        y=y,
        y_display=lambda ys: [target_names[int(v)] for v in ys],
        estimator=LogisticRegression(max_iter=5000),
        class_display=lambda label: target_names[int(label)],
        card=card,
    )


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def fail(msg: str) -> None:
    print(f"ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def git(*args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            ["git", "-C", str(REPO_DIR), *args], check=True, capture_output=True, text=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None


def git_commit() -> str | None:
    """The commit that last changed the training code (this script), not ``HEAD``.

    Commits that touch other files then leave ``meta.json`` (and so the bundles) unchanged.
    """
    script = Path(__file__).resolve().relative_to(REPO_DIR).as_posix()
    res = git("log", "-1", "--format=%H", "--", script)
    out = res.stdout.strip() if res else ""
    if not re.fullmatch(r"[0-9a-f]{40}", out):
        return None
    dirty = git("status", "--porcelain", "--", script)
    if dirty is not None and dirty.stdout.strip():
        print(
            f"WARNING: {script} has uncommitted changes; recording {out}, the last commit "
            "that changed it",
            file=sys.stderr,
        )
    return out


def json_scalar(value: Any) -> tuple[bool, Any]:
    """(True, plain value) for JSON-serialisable scalars, (False, None) otherwise."""
    if value is None or isinstance(value, (bool, str)):
        return True, value
    if isinstance(value, np.bool_):
        return True, bool(value)
    if isinstance(value, (int, np.integer)):
        return True, int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return (True, value) if math.isfinite(value) else (False, None)
    return False, None


def hyperparameters(pipeline: Pipeline) -> dict[str, Any]:
    out = {}
    for key, value in sorted(pipeline.get_params(deep=True).items()):
        ok, plain = json_scalar(value)
        if ok:
            out[key] = plain
    return out


def number_text(v: float) -> str:
    """Shortest text that reads back as exactly the same double."""
    return repr(float(v))


def write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_json(path: Path, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        # repr() of a Python float is the shortest text that parses back to the same double.
        writer.writerow([repr(float(v)) if isinstance(v, (float, np.floating)) else v for v in row])
    return buf.getvalue()


def describe_value_info(vi: onnx.ValueInfoProto) -> str:
    t = vi.type.tensor_type
    dims = [
        d.dim_param or (str(d.dim_value) if d.HasField("dim_value") else "None")
        for d in t.shape.dim
    ]
    dtype = onnx.TensorProto.DataType.Name(t.elem_type).lower()
    return f"{vi.name}: {dtype} [{', '.join(dims)}]"


def ort_session(model_bytes: bytes) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def score_errors(expected: np.ndarray, got: np.ndarray) -> dict[str, Any]:
    expected = np.asarray(expected, dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    if expected.shape != got.shape:
        fail(f"score shape mismatch: sklearn {expected.shape}, onnx {got.shape}")
    abs_err = np.abs(got - expected)
    rel_err = abs_err / np.maximum(np.abs(expected), np.finfo(np.float64).tiny)
    # usage: the largest fraction of a tolerance's allowance any score uses (<= 1 passes).
    usage = [
        float(np.max(abs_err / (tol["absolute"] + tol["relative"] * np.abs(expected))))
        for tol in TOLERANCES
    ]
    return {
        "max_abs": float(abs_err.max()),
        "max_rel": float(rel_err.max()),
        "usage": usage,
        "passes": [u <= 1.0 for u in usage],
    }


# --------------------------------------------------------------------------------------------
# Export of one example
# --------------------------------------------------------------------------------------------


def export(ex: Example, commit: str | None) -> dict[str, Any]:
    print(f"=== {ex.name} ===")
    out_dir = MODELS_DIR / ex.name
    out_dir.mkdir(parents=True, exist_ok=True)
    feature_names = [f.name for f in ex.features]
    n_features = len(feature_names)
    assert ex.X.shape[1] == n_features
    classification = ex.task == "classification"

    X_train, X_test, y_train, y_test = train_test_split(
        ex.X,
        ex.y,
        test_size=TEST_SIZE,
        random_state=SEED,
        stratify=ex.y if classification else None,
    )

    pipeline = Pipeline([("scaler", StandardScaler()), ("model", ex.estimator)])

    # Cross-validation on the training split only.
    if classification:
        cv = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=SEED)
        metric = "accuracy"
    else:
        cv = KFold(n_splits=CV_FOLDS, shuffle=True, random_state=SEED)
        metric = "r2"
    scores = cross_val_score(clone(pipeline), X_train, y_train, cv=cv, scoring=metric)
    cv_metric = {
        "name": metric,
        "mean": float(np.mean(scores)),
        "std": float(np.std(scores)),  # population std over the folds (numpy default, ddof=0)
        "folds": CV_FOLDS,
    }
    print(f"cv {metric}: {cv_metric['mean']:.4f} ± {cv_metric['std']:.4f} ({CV_FOLDS} folds)")

    pipeline.fit(X_train, y_train)
    model = pipeline.named_steps["model"]
    y_pred = pipeline.predict(X_test)
    metrics: dict[str, Any] = {"n_train": len(X_train), "n_test": len(X_test)}
    if classification:
        metrics["test_accuracy"] = float(accuracy_score(y_test, y_pred))
        print(f"test accuracy: {metrics['test_accuracy']:.4f} ({len(X_test)} rows)")
    else:
        metrics["test_r2"] = float(r2_score(y_test, y_pred))
        metrics["test_rmse"] = float(math.sqrt(mean_squared_error(y_test, y_pred)))
        print(f"test r2: {metrics['test_r2']:.4f}, rmse: {metrics['test_rmse']:.2f}")

    # ---- ONNX export --------------------------------------------------------------------
    options = {id(model): {"zipmap": False}} if classification else None
    onx = convert_sklearn(
        pipeline,
        name=ex.name,
        initial_types=[(INPUT_NAME, FloatTensorType([None, n_features]))],
        options=options,
        target_opset=TARGET_OPSET,
        black_op=BLACK_OPS,
    )
    onnx.checker.check_model(onx, full_check=True)

    op_types = [(n.domain or "ai.onnx", n.op_type) for n in onx.graph.node]
    print("op types:", ", ".join(f"{d}:{t}" for d, t in op_types))
    unsupported = sorted(
        {t for d, t in op_types if d not in ("ai.onnx",) and t not in ALLOWED_ML_OPS}
        | {t for d, t in op_types if d not in ("ai.onnx", "ai.onnx.ml")}
    )
    if unsupported:
        fail(f"{ex.name}: graph uses operators outside the supported set: {unsupported}")
    opsets = {o.domain or "ai.onnx": o.version for o in onx.opset_import}
    print(f"ir_version {onx.ir_version}, opset_import {opsets}")
    inputs = [describe_value_info(v) for v in onx.graph.input]
    outputs = [describe_value_info(v) for v in onx.graph.output]
    print("inputs: ", "; ".join(inputs))
    print("outputs:", "; ".join(outputs))

    if [v.name for v in onx.graph.input] != [INPUT_NAME]:
        fail(f"{ex.name}: expected exactly one input named {INPUT_NAME!r}")
    output_names = [v.name for v in onx.graph.output]
    if classification:
        if output_names != ["label", "probabilities"]:
            fail(f"{ex.name}: unexpected outputs {output_names}")
        outputs_meta: dict[str, Any] = {
            "task": "classification",
            "class_names": [ex.class_display(c) for c in model.classes_],
            "class_labels": [
                c.item() if isinstance(c, np.generic) else c for c in model.classes_
            ],
            "label": "label",
            "probabilities": "probabilities",
        }
    else:
        if output_names != ["variable"]:
            fail(f"{ex.name}: unexpected outputs {output_names}")
        outputs_meta = {"task": "regression", "value": "variable"}

    model_bytes = onx.SerializeToString()

    # ---- verification against scikit-learn on every test row ---------------------------
    sess = ort_session(model_bytes)
    got = dict(zip(output_names, sess.run(None, {INPUT_NAME: X_test.astype(np.float32)})))
    if classification:
        onnx_labels = np.asarray(got["label"]).reshape(-1)
        mismatches = [
            i for i, (a, b) in enumerate(zip(onnx_labels.tolist(), y_pred.tolist())) if a != b
        ]
        if len(onnx_labels) != len(y_pred) or mismatches:
            fail(f"{ex.name}: ONNX labels differ from sklearn on test rows {mismatches}")
        expected_scores = pipeline.predict_proba(X_test)
        got_scores = got["probabilities"]
    else:
        expected_scores = y_pred.reshape(-1, 1)
        got_scores = got["variable"]
    err = score_errors(expected_scores, got_scores)
    print(
        f"onnxruntime vs sklearn on {len(X_test)} test rows"
        f"{' (labels identical)' if classification else ''}: max abs err {err['max_abs']:.3e}, "
        f"max rel err {err['max_rel']:.3e}; share of allowance used per candidate tolerance: "
        + ", ".join(f"{u:.1%}" for u in err["usage"])
    )
    try:
        chosen = TOLERANCES[err["passes"].index(True)]
    except ValueError:
        fail(f"{ex.name}: scores exceed even the loosest tolerance {TOLERANCES[-1]}")
    if chosen is not TOLERANCES[0]:
        print(f"NOTE: tightest tolerance {TOLERANCES[0]} exceeded, using {chosen}")
    print(f"tolerance chosen: relative {chosen['relative']:g}, absolute {chosen['absolute']:g}")
    usage = err["usage"][TOLERANCES.index(chosen)]

    # ---- test vectors (first rows of the test split) and hold-out set (all of it) ----------
    cases = []
    for i in range(len(X_test)):
        record = {name: float(X_test[i, j]) for j, name in enumerate(feature_names)}
        if classification:
            proba = expected_scores[i]
            expected = {
                "label": ex.class_display(y_pred[i]),
                "probabilities": {
                    name: float(p) for name, p in zip(outputs_meta["class_names"], proba)
                },
            }
        else:
            expected = {"value": float(y_pred[i])}
        cases.append({"input": record, "expected": expected})
    test_vectors = {"tolerance": dict(chosen), "cases": cases[:N_TEST_VECTORS]}
    holdout = {"tolerance": dict(chosen), "cases": cases}

    # ---- metadata -------------------------------------------------------------------------
    training: dict[str, Any] = {
        "framework": {"name": "scikit-learn", "version": sklearn.__version__},
        "converter": {"name": "skl2onnx", "version": skl2onnx.__version__},
        "data_source": ex.data_source,
    }
    if commit:
        training["git_commit"] = commit
    training["random_seed"] = SEED
    training["cv_metric"] = cv_metric
    training["hyperparameters"] = hyperparameters(pipeline)

    features_meta = {}
    operating_ranges = {}
    for j, f in enumerate(ex.features):
        entry = {}
        if f.unit:
            entry["unit"] = f.unit
        entry["description"] = f.description
        features_meta[f.name] = entry
        lo, hi = X_train[:, j].min(), X_train[:, j].max()
        unit = f" {f.unit}" if f.unit else ""
        operating_ranges[f.name] = f"{number_text(lo)}–{number_text(hi)}{unit} (training range)"

    card = ex.card(metrics)
    meta = {
        "name": ex.name,
        "version": VERSION,
        "target": ex.target,
        "training": training,
        "features": features_meta,
        "outputs": outputs_meta,
        "card": {
            "description": card["description"],
            "intended_use": card["intended_use"],
            "out_of_scope": card["out_of_scope"],
            "limitations": card["limitations"],
            "fairness": card["fairness"],
            "authors": AUTHORS,
            "license": LICENSE,
            "operating_ranges": operating_ranges,
        },
    }

    # ---- write ----------------------------------------------------------------------------
    (out_dir / "model.onnx").write_bytes(model_bytes)
    rows = [list(X_train[i]) + [t] for i, t in enumerate(ex.y_display(y_train))]
    write_text(out_dir / "train.csv", csv_text(feature_names + [ex.target], rows))
    write_json(out_dir / "meta.json", meta)
    write_json(out_dir / "test_vectors.json", test_vectors)
    write_json(out_dir / "holdout.json", holdout)
    with open(out_dir / "model.pkl", "wb") as f:
        pickle.dump(pipeline, f)
    joblib.dump(pipeline, out_dir / "model.joblib")

    # ---- read back what was written and check it again ----------------------------------
    verify_written(ex, out_dir, X_train, y_train, pipeline)
    return {
        "name": ex.name,
        "op_types": [t for _, t in op_types],
        "inputs": inputs,
        "outputs": outputs,
        "tolerance": chosen,
        "max_abs": err["max_abs"],
        "max_rel": err["max_rel"],
        "usage": usage,
    }


def verify_written(
    ex: Example, out_dir: Path, X_train: np.ndarray, y_train: np.ndarray, pipeline: Pipeline
) -> None:
    feature_names = [f.name for f in ex.features]

    # train.csv round-trips exactly.
    with open(out_dir / "train.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        body = list(reader)
    if header != feature_names + [ex.target]:
        fail(f"{ex.name}: train.csv header {header}")
    X_back = np.array([[float(v) for v in row[:-1]] for row in body])
    if X_back.shape != X_train.shape or not np.array_equal(X_back, X_train):
        fail(f"{ex.name}: train.csv features do not round-trip exactly")
    want_targets = [repr(v) if isinstance(v, float) else str(v) for v in ex.y_display(y_train)]
    if [row[-1] for row in body] != want_targets:
        fail(f"{ex.name}: train.csv target column does not round-trip")

    # model.onnx from disk, fed the test vectors and the hold-out set as parsed from JSON.
    onx = onnx.load(out_dir / "model.onnx")
    onnx.checker.check_model(onx, full_check=True)
    sess = ort_session(onx.SerializeToString())
    meta = json.loads((out_dir / "meta.json").read_text(encoding="utf-8"))
    tv = json.loads((out_dir / "test_vectors.json").read_text(encoding="utf-8"))
    holdout = json.loads((out_dir / "holdout.json").read_text(encoding="utf-8"))
    n_tv = len(tv["cases"])
    if tv["tolerance"] != holdout["tolerance"] or tv["cases"] != holdout["cases"][:n_tv]:
        fail(f"{ex.name}: test_vectors.json is not the start of holdout.json")
    check_cases(ex, sess, onx, meta, tv, "test vector")
    check_cases(ex, sess, onx, meta, holdout, "hold-out row")
    X = case_inputs(feature_names, holdout)

    # The pickles load back and predict the same.
    with open(out_dir / "model.pkl", "rb") as f:
        from_pickle = pickle.load(f)
    from_joblib = joblib.load(out_dir / "model.joblib")
    for other in (from_pickle, from_joblib):
        if not np.array_equal(other.predict(X), pipeline.predict(X)):
            fail(f"{ex.name}: reloaded pickle predicts differently")
    print(
        f"written files re-read and verified ({n_tv} test vectors, "
        f"{len(holdout['cases'])} hold-out rows)"
    )


def case_inputs(feature_names: list[str], vectors: dict[str, Any]) -> np.ndarray:
    return np.array(
        [[case["input"][n] for n in feature_names] for case in vectors["cases"]],
        dtype=np.float64,
    )


def check_cases(
    ex: Example,
    sess: ort.InferenceSession,
    onx: onnx.ModelProto,
    meta: dict[str, Any],
    tv: dict[str, Any],
    what: str,
) -> None:
    """Runs ``tv`` (test_vectors.json format) through ``sess``; fails on any mismatch."""
    feature_names = [f.name for f in ex.features]
    tol = tv["tolerance"]
    X = case_inputs(feature_names, tv)
    res = dict(
        zip(
            [o.name for o in onx.graph.output],
            sess.run(None, {INPUT_NAME: X.astype(np.float32)}),
        )
    )

    def close(e: float, g: float) -> bool:
        return abs(g - e) <= tol["absolute"] + tol["relative"] * abs(e)

    outputs = meta["outputs"]
    for i, case in enumerate(tv["cases"]):
        exp = case["expected"]
        if outputs["task"] == "classification":
            label = res[outputs["label"]].reshape(-1)[i]
            label = label.item() if isinstance(label, np.generic) else label
            name = outputs["class_names"][outputs["class_labels"].index(label)]
            if name != exp["label"]:
                fail(f"{ex.name}: {what} {i}: onnx label {name!r} != {exp['label']!r}")
            for k, cname in enumerate(outputs["class_names"]):
                got = float(res[outputs["probabilities"]][i, k])
                if not close(exp["probabilities"][cname], got):
                    fail(f"{ex.name}: {what} {i}: probability of {cname} out of tolerance")
        else:
            if not close(exp["value"], float(res[outputs["value"]].reshape(-1)[i])):
                fail(f"{ex.name}: {what} {i}: value out of tolerance")


# --------------------------------------------------------------------------------------------
# The fourth example: mixed feature types (float with missing values, integer, boolean,
# string category), one graph input per column, generated data (nothing downloaded)
# --------------------------------------------------------------------------------------------

STUDY_N = 500
STUDY_NUMERIC = ["hours_studied", "lab_attendance", "prior_grade", "submitted_project"]
STUDY_FEATURES = STUDY_NUMERIC + ["track"]
STUDY_TARGET = "result"
# The ONNX-ML operators the crate implements itself, besides the linear ones.
STUDY_ALLOWED_ML_OPS = ALLOWED_ML_OPS | {"Imputer", "OneHotEncoder"}
STUDY_META = {
    "hours_studied": ("h/week", "Self-reported hours studied per week; missing (null) means the "
                      "student did not report it, imputed with the training median"),
    "lab_attendance": ("%", "Share of lab sessions attended"),
    "prior_grade": (None, "Grade in the prerequisite course, 1 (best) to 5 (worst)"),
    "submitted_project": (None, "Whether the course project was submitted"),
    "track": (None, "Study track: math, cs or bio"),
}


def study_data() -> tuple[Any, np.ndarray]:
    """A generated course: whether a student passes, from a made-up logistic rule plus noise."""
    import pandas as pd

    rng = np.random.default_rng(SEED)
    n = STUDY_N
    track = rng.choice(["math", "cs", "bio"], n, p=[0.35, 0.4, 0.25])
    hours = np.round(np.clip(rng.gamma(4.0, 2.0, n), 0.0, 40.0), 1)
    lab = np.round(np.clip(rng.normal(80.0, 15.0, n), 0.0, 100.0), 0)
    prior = rng.integers(1, 6, n)
    project = rng.random(n) < 0.75
    z = (
        0.30 * hours + 0.05 * lab - 0.7 * prior + 1.5 * project
        + np.select([track == "math", track == "bio"], [-0.5, 0.3], 0.0)
        - 5.0 + rng.logistic(0.0, 1.0, n)
    )
    y = np.where(z > 0, "pass", "fail")
    hours_reported = hours.copy()
    hours_reported[rng.random(n) < 0.12] = np.nan  # not reported
    df = pd.DataFrame(
        {
            "hours_studied": hours_reported,
            "lab_attendance": lab,
            "prior_grade": prior.astype(np.float64),
            "submitted_project": project.astype(np.float64),
            "track": track,
        }
    )
    return df, y


def study_feed(df: Any) -> dict[str, np.ndarray]:
    feed = {c: df[[c]].to_numpy(np.float32) for c in STUDY_NUMERIC}
    feed["track"] = df[["track"]].to_numpy().astype(object)
    return feed


def study_record(row: Any) -> dict[str, Any]:
    h = float(row["hours_studied"])
    return {
        "hours_studied": None if math.isnan(h) else h,
        "lab_attendance": float(row["lab_attendance"]),
        "prior_grade": int(row["prior_grade"]),
        "submitted_project": bool(row["submitted_project"]),
        "track": str(row["track"]),
    }


def study_frame(records: list[dict[str, Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame(
        {
            "hours_studied": [np.nan if r["hours_studied"] is None else float(r["hours_studied"]) for r in records],
            "lab_attendance": [float(r["lab_attendance"]) for r in records],
            "prior_grade": [float(r["prior_grade"]) for r in records],
            "submitted_project": [float(r["submitted_project"]) for r in records],
            "track": [r["track"] for r in records],
        }
    )


def study_check(sess: ort.InferenceSession, classes: list[str], tv: dict[str, Any], what: str) -> None:
    tol = tv["tolerance"]
    df = study_frame([c["input"] for c in tv["cases"]])
    labels, proba = sess.run(None, study_feed(df))
    labels = np.asarray(labels).reshape(-1)
    for i, case in enumerate(tv["cases"]):
        exp = case["expected"]
        if str(labels[i]) != exp["label"]:
            fail(f"study: {what} {i}: onnx label {labels[i]!r} != {exp['label']!r}")
        for k, c in enumerate(classes):
            e, g = exp["probabilities"][c], float(proba[i, k])
            if abs(g - e) > tol["absolute"] + tol["relative"] * abs(e):
                fail(f"study: {what} {i}: probability of {c} out of tolerance")


def export_study(commit: str | None) -> dict[str, Any]:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder

    name = "study"
    print(f"=== {name} ===")
    out_dir = MODELS_DIR / name
    out_dir.mkdir(parents=True, exist_ok=True)
    df, y = study_data()
    X_train, X_test, y_train, y_test = train_test_split(
        df, y, test_size=TEST_SIZE, random_state=SEED, stratify=y
    )
    X_train = X_train.reset_index(drop=True)
    X_test = X_test.reset_index(drop=True)
    prep = ColumnTransformer(
        [
            (
                "numeric",
                Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]),
                STUDY_NUMERIC,
            ),
            ("category", OneHotEncoder(handle_unknown="ignore"), ["track"]),
        ]
    )
    pipeline = Pipeline([("prep", prep), ("model", LogisticRegression())])
    cv = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=SEED)
    scores = cross_val_score(clone(pipeline), X_train, y_train, cv=cv, scoring="accuracy")
    cv_metric = {"name": "accuracy", "mean": float(np.mean(scores)), "std": float(np.std(scores)), "folds": CV_FOLDS}
    print(f"cv accuracy: {cv_metric['mean']:.4f} ± {cv_metric['std']:.4f} ({CV_FOLDS} folds)")
    pipeline.fit(X_train, y_train)
    model = pipeline.named_steps["model"]
    y_pred = pipeline.predict(X_test)
    accuracy = float(accuracy_score(y_test, y_pred))
    print(f"test accuracy: {accuracy:.4f} ({len(X_test)} rows)")

    initial_types = [(c, FloatTensorType([None, 1])) for c in STUDY_NUMERIC]
    initial_types.append(("track", StringTensorType([None, 1])))
    onx = convert_sklearn(
        pipeline,
        name=name,
        initial_types=initial_types,
        options={id(model): {"zipmap": False}},
        target_opset=TARGET_OPSET,
        black_op=BLACK_OPS,
    )
    onnx.checker.check_model(onx, full_check=True)
    op_types = [(n.domain or "ai.onnx", n.op_type) for n in onx.graph.node]
    print("op types:", ", ".join(f"{d}:{t}" for d, t in op_types))
    unsupported = sorted(
        {t for d, t in op_types if d != "ai.onnx" and t not in STUDY_ALLOWED_ML_OPS}
        | {t for d, t in op_types if d not in ("ai.onnx", "ai.onnx.ml")}
    )
    if unsupported:
        fail(f"{name}: graph uses operators outside the supported set: {unsupported}")
    if [v.name for v in onx.graph.input] != STUDY_FEATURES:
        fail(f"{name}: expected one input per column {STUDY_FEATURES}")
    if [v.name for v in onx.graph.output] != ["label", "probabilities"]:
        fail(f"{name}: unexpected outputs")
    inputs = [describe_value_info(v) for v in onx.graph.input]
    outputs = [describe_value_info(v) for v in onx.graph.output]
    print("inputs: ", "; ".join(inputs))
    print("outputs:", "; ".join(outputs))
    model_bytes = onx.SerializeToString()
    classes = [str(c) for c in model.classes_]

    sess = ort_session(model_bytes)
    labels, got_scores = sess.run(None, study_feed(X_test))
    labels = np.asarray(labels).reshape(-1)
    mismatches = [i for i, (a, b) in enumerate(zip(labels.tolist(), y_pred.tolist())) if a != b]
    if mismatches:
        fail(f"{name}: ONNX labels differ from sklearn on test rows {mismatches}")
    expected_scores = pipeline.predict_proba(X_test)
    err = score_errors(expected_scores, got_scores)
    try:
        chosen = TOLERANCES[err["passes"].index(True)]
    except ValueError:
        fail(f"{name}: scores exceed even the loosest tolerance {TOLERANCES[-1]}")
    print(
        f"onnxruntime vs sklearn on {len(X_test)} test rows (labels identical): max abs err "
        f"{err['max_abs']:.3e}, max rel err {err['max_rel']:.3e}; tolerance chosen: relative "
        f"{chosen['relative']:g}, absolute {chosen['absolute']:g}"
    )
    usage = err["usage"][TOLERANCES.index(chosen)]

    cases = []
    for i in range(len(X_test)):
        cases.append(
            {
                "input": study_record(X_test.iloc[i]),
                "expected": {
                    "label": str(y_pred[i]),
                    "probabilities": {c: float(p) for c, p in zip(classes, expected_scores[i])},
                },
            }
        )
    test_vectors = {"tolerance": dict(chosen), "cases": cases[:N_TEST_VECTORS]}
    holdout = {"tolerance": dict(chosen), "cases": cases}
    if not any(c["input"]["hours_studied"] is None for c in test_vectors["cases"]):
        fail(f"{name}: no test vector with a missing value")

    training: dict[str, Any] = {
        "framework": {"name": "scikit-learn", "version": sklearn.__version__},
        "converter": {"name": "skl2onnx", "version": skl2onnx.__version__},
        "data_source": (
            f"generated by models/export.py (study_data: numpy default_rng({SEED}), "
            f"{STUDY_N} synthetic students), 80% stratified training split (random_state={SEED})"
        ),
    }
    if commit:
        training["git_commit"] = commit
    training["random_seed"] = SEED
    training["cv_metric"] = cv_metric
    training["hyperparameters"] = hyperparameters(pipeline)

    features_meta = {}
    operating_ranges = {}
    for f in STUDY_FEATURES:
        unit, description = STUDY_META[f]
        entry = {"unit": unit} if unit else {}
        entry["description"] = description
        features_meta[f] = entry
        col = X_train[f]
        if f == "track":
            operating_ranges[f] = "math, cs, bio (training categories)"
        elif f == "submitted_project":
            operating_ranges[f] = "true or false"
        else:
            lo, hi = col.min(), col.max()
            lo_t = str(int(lo)) if f == "prior_grade" else number_text(lo)
            hi_t = str(int(hi)) if f == "prior_grade" else number_text(hi)
            operating_ranges[f] = f"{lo_t}–{hi_t}{' ' + unit if unit else ''} (training range)"
    n_missing = int(X_train["hours_studied"].isna().sum())
    pass_share = float(np.mean(y_train == "pass"))
    meta = {
        "name": name,
        "version": VERSION,
        "target": STUDY_TARGET,
        "training": training,
        "features": features_meta,
        "outputs": {
            "task": "classification",
            "class_names": classes,
            "class_labels": classes,
            "label": "label",
            "probabilities": "probabilities",
        },
        "card": {
            "description": (
                "Logistic regression that predicts whether a student passes a course (pass or "
                "fail) from hours studied per week (may be missing: median-imputed), lab "
                "attendance, prior grade, whether the project was submitted and the study track "
                "(one-hot encoded); numeric features standardised, one graph input per column. "
                f"Trained on {len(X_train)} SYNTHETIC students generated by a made-up rule with "
                f"noise (models/export.py); held-out accuracy: {accuracy:.3f} on {len(X_test)} "
                "synthetic students."
            ),
            "intended_use": (
                "Demonstrating sealed-onnx with mixed input types (numbers with units, an "
                "integer, a boolean, a category, a nullable feature) in course exercises and "
                "the demo page."
            ),
            "out_of_scope": (
                "Any decision about real students: admission, grading, counselling, predicting "
                "anyone's success. The data are invented and say nothing about real people."
            ),
            "limitations": (
                "Synthetic data from a simple logistic rule with noise, so the model mostly "
                "recovers that invented rule; the accuracy says nothing about real courses. "
                f"{n_missing} of {len(X_train)} training students have no reported hours "
                "(missing completely at random by construction, which real non-reporting rarely "
                "is). Unknown tracks are ignored by the one-hot encoder rather than refused by "
                "the model (the bundle's schema refuses them). Probabilities are not calibrated."
            ),
            "fairness": (
                "Synthetic: no real people are described, so no group was measured or harmed, "
                "and no fairness property can be claimed or tested here. The study track is the "
                "only group-like feature and its effect was chosen arbitrarily by the generator; "
                "a model trained on real student records would need its own fairness review "
                "(protected attributes, proxies, unequal error rates). "
                f"Classes: {pass_share:.0%} of training students pass."
            ),
            "authors": AUTHORS,
            "license": "MIT (generated data and model)",
            "operating_ranges": operating_ranges,
        },
    }

    (out_dir / "model.onnx").write_bytes(model_bytes)
    rows = []
    for i in range(len(X_train)):
        r = study_record(X_train.iloc[i])
        rows.append(
            [
                "" if r["hours_studied"] is None else r["hours_studied"],
                r["lab_attendance"],
                r["prior_grade"],
                "true" if r["submitted_project"] else "false",
                r["track"],
                str(y_train[i]),
            ]
        )
    write_text(out_dir / "train.csv", csv_text(STUDY_FEATURES + [STUDY_TARGET], rows))
    write_json(out_dir / "meta.json", meta)
    write_json(out_dir / "test_vectors.json", test_vectors)
    write_json(out_dir / "holdout.json", holdout)
    with open(out_dir / "model.pkl", "wb") as f:
        pickle.dump(pipeline, f)
    joblib.dump(pipeline, out_dir / "model.joblib")

    # Read back what was written and check it again.
    with open(out_dir / "train.csv", newline="", encoding="utf-8") as f:
        body = list(csv.reader(f))[1:]
    back = study_frame(
        [
            {
                "hours_studied": None if r[0] == "" else float(r[0]),
                "lab_attendance": float(r[1]),
                "prior_grade": int(r[2]),
                "submitted_project": r[3] == "true",
                "track": r[4],
            }
            for r in body
        ]
    )
    if not back.equals(X_train) or [r[5] for r in body] != [str(v) for v in y_train]:
        fail(f"{name}: train.csv does not round-trip exactly")
    onx = onnx.load(out_dir / "model.onnx")
    sess = ort_session(onx.SerializeToString())
    tv = json.loads((out_dir / "test_vectors.json").read_text(encoding="utf-8"))
    ho = json.loads((out_dir / "holdout.json").read_text(encoding="utf-8"))
    if tv["cases"] != ho["cases"][: len(tv["cases"])]:
        fail(f"{name}: test_vectors.json is not the start of holdout.json")
    study_check(sess, classes, tv, "test vector")
    study_check(sess, classes, ho, "hold-out row")
    X_ho = study_frame([c["input"] for c in ho["cases"]])
    with open(out_dir / "model.pkl", "rb") as f:
        from_pickle = pickle.load(f)
    for other in (from_pickle, joblib.load(out_dir / "model.joblib")):
        if not np.array_equal(other.predict(X_ho), pipeline.predict(X_ho)):
            fail(f"{name}: reloaded pickle predicts differently")
    print(f"written files re-read and verified ({len(tv['cases'])} test vectors, {len(cases)} hold-out rows)")
    return {
        "name": name,
        "op_types": [t for _, t in op_types],
        "inputs": inputs,
        "outputs": outputs,
        "tolerance": chosen,
        "max_abs": err["max_abs"],
        "max_rel": err["max_rel"],
        "usage": usage,
    }


def main() -> None:
    commit = git_commit()
    print(
        f"scikit-learn {sklearn.__version__}, skl2onnx {skl2onnx.__version__}, "
        f"onnx {onnx.__version__}, onnxruntime {ort.__version__}, numpy {np.__version__}"
    )
    print(f"git commit: {commit or '(unavailable, omitted)'}")
    summaries = [
        export(build(), commit)
        for build in (iris_example, diabetes_example, breast_cancer_example)
    ]
    summaries.append(export_study(commit))
    print("=== summary ===")
    for s in summaries:
        tol = s["tolerance"]
        print(
            f"{s['name']}: ops [{', '.join(s['op_types'])}]; tolerance rel {tol['relative']:g} "
            f"abs {tol['absolute']:g} ({s['usage']:.1%} of it used); max abs err "
            f"{s['max_abs']:.3e}, max rel err {s['max_rel']:.3e}"
        )


if __name__ == "__main__":
    main()
