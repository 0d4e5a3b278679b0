#!/usr/bin/env python3
"""Train the four example models of sealed-onnx and seal each with ``sealed_onnx.seal()``.

Run from anywhere with the pinned environment plus the sealed-onnx wheel (``bash
scripts/test-python.sh`` builds it and a venv that has both, ``target/python-test-venv``):

    target/python-test-venv/bin/python models/export.py [--out DIR]

For each example (iris, diabetes, breast-cancer, study) ``seal()`` exports the fitted pipeline,
infers the schema, checks every held-out row against the engine, signs with the demo key and
writes ``<name>-1.0.0.sonnx``; with ``save_inputs`` it also writes what it packed into
``<name>/`` (``model.onnx``, ``meta.json``, ``train.csv``, ``test_vectors.json``) and
``holdout.json`` (every held-out row with scikit-learn's own predictions). This script adds
``model.pkl``/``model.joblib`` (size comparison only). ``models/build_bundles.sh`` rebuilds the
same bundles from ``<name>/`` with the CLI, and the tests check both give the same bytes.

Byte-reproducible: fixed seeds, single-threaded numerics, the creation time from
``$SOURCE_DATE_EPOCH`` (default 2026-11-23), RFC 6979 signatures, and ``training.git_commit``
is the commit that last changed this script, not ``HEAD``.
"""

from __future__ import annotations

import os

# Single-threaded BLAS/OpenMP: reproducible floating point and kind to a busy machine.
# Must be set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("SOURCE_DATE_EPOCH", "1795392000")  # 2026-11-23T00:00:00Z, as build_bundles.sh

import argparse
import json
import math
import pickle
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import joblib
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import sealed_onnx as so

SEED = 42
TEST_SIZE = 0.2
CV_FOLDS = 5
VERSION = "1.0.0"
# Held-out flowers, patients and students fall just outside the training ranges: widen each
# by 10 % of its span (the manifest says so in every feature's range_source).
RANGE_MARGIN = 0.1

MODELS_DIR = Path(__file__).resolve().parent
REPO_DIR = MODELS_DIR.parent
KEY = MODELS_DIR / "keys" / "demo-private-key.DO-NOT-USE.pem"
LICENSE = "BSD-3-Clause (data) / MIT (model)"
AUTHORS = ["sealed-onnx examples"]


@dataclass
class Feature:
    name: str
    description: str
    unit: str | None = None


@dataclass
class Example:
    name: str
    X: pd.DataFrame
    y: np.ndarray
    pipeline: Pipeline
    classification: bool
    data_source: str
    card: Callable[[dict[str, Any]], dict[str, str]]  # metrics -> card texts
    descriptions: dict[str, str]
    units: dict[str, str] = field(default_factory=dict)
    class_names: list[str] | None = None
    ranges: dict[str, tuple[float, float]] | None = None
    license: str = LICENSE


def snake_case(name: str) -> str:
    """'sepal length (cm)' -> 'sepal_length', 'mean concave points' -> 'mean_concave_points'."""
    name = re.sub(r"\s*\(.*?\)", "", str(name)).strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def scaled(estimator: Any) -> Pipeline:
    return Pipeline([("scaler", StandardScaler()), ("model", estimator)])


# --------------------------------------------------------------------------------------------
# The examples: data, pipeline, descriptions and model card
# --------------------------------------------------------------------------------------------


def iris() -> Example:
    data = load_iris()
    names = [snake_case(n) for n in data.feature_names]
    return Example(
        name="iris",
        X=pd.DataFrame(data.data, columns=names),
        y=data.target_names[data.target],  # string labels -> a string label tensor
        pipeline=scaled(LogisticRegression(max_iter=1000)),
        classification=True,
        data_source=f"sklearn.datasets.load_iris, 80% stratified training split (random_state={SEED})",
        card=iris_card,
        descriptions={n: n.replace("_", " ").capitalize() for n in names},
        units={n: "cm" for n in names},
    )


def iris_card(m: dict[str, Any]) -> dict[str, str]:
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


def diabetes() -> Example:
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
    return Example(
        name="diabetes",
        X=pd.DataFrame(data.data, columns=names),
        y=np.asarray(data.target, dtype=np.float64),
        pipeline=scaled(Ridge(alpha=1.0)),
        classification=False,
        data_source=f"sklearn.datasets.load_diabetes(scaled=False), 80% training split (random_state={SEED})",
        card=diabetes_card,
        descriptions={n: f.description for n, f in described.items()},
        units={n: f.unit for n, f in described.items() if f.unit},
    )


def diabetes_card(m: dict[str, Any]) -> dict[str, str]:
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



def breast_cancer_description(raw: str) -> str:
    if raw.startswith("mean "):
        stat, base = "Mean", raw[len("mean ") :]
    elif raw.startswith("worst "):
        stat, base = "Worst (mean of the three largest values)", raw[len("worst ") :]
    else:
        stat, base = "Standard error", raw.removesuffix(" error")
    return f"{stat} over the cell nuclei in the FNA image of the nucleus {BREAST_CANCER_BASE[base]}"


def breast_cancer() -> Example:
    data = load_breast_cancer()
    names = [snake_case(n) for n in data.feature_names]
    return Example(
        name="breast-cancer",
        X=pd.DataFrame(data.data, columns=names),
        y=np.asarray(data.target, dtype=np.int64),  # 0/1 -> an int64 label tensor, named below
        pipeline=scaled(LogisticRegression(max_iter=5000)),
        classification=True,
        data_source=f"sklearn.datasets.load_breast_cancer, 80% stratified training split (random_state={SEED})",
        card=breast_cancer_card,
        descriptions={n: breast_cancer_description(raw) for n, raw in zip(names, data.feature_names)},
        class_names=[str(n) for n in data.target_names],  # malignant, benign
    )


def breast_cancer_card(m: dict[str, Any]) -> dict[str, str]:
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


# The fourth example: mixed feature types (a float with missing values, an integer, a boolean,
# a string category), one graph input per column, generated data (nothing downloaded).

STUDY_N = 500
STUDY_NUMERIC = ["hours_studied", "lab_attendance", "prior_grade", "submitted_project"]
STUDY_META = {
    "hours_studied": ("h/week", "Self-reported hours studied per week; missing (null) means the "
                      "student did not report it, imputed with the training median"),
    "lab_attendance": ("%", "Share of lab sessions attended"),
    "prior_grade": (None, "Grade in the prerequisite course, 1 (best) to 5 (worst)"),
    "submitted_project": (None, "Whether the course project was submitted"),
    "track": (None, "Study track: math, cs or bio"),
}


def study() -> Example:
    """Whether a (synthetic) student passes a course, from a made-up logistic rule plus noise."""
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
    hours[rng.random(n) < 0.12] = np.nan  # not reported
    X = pd.DataFrame(
        {
            "hours_studied": hours,
            "lab_attendance": lab,
            "prior_grade": prior.astype(np.int64),
            "submitted_project": project,
            "track": track,
        }
    )
    prep = ColumnTransformer(
        [
            ("numeric", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), STUDY_NUMERIC),
            ("category", OneHotEncoder(handle_unknown="ignore"), ["track"]),
        ]
    )
    return Example(
        name="study",
        X=X,
        y=y,
        pipeline=Pipeline([("prep", prep), ("model", LogisticRegression())]),
        classification=True,
        data_source=(
            f"generated by models/export.py (study: numpy default_rng({SEED}), {STUDY_N} synthetic "
            f"students), 80% stratified training split (random_state={SEED})"
        ),
        card=study_card,
        descriptions={c: d for c, (_, d) in STUDY_META.items()},
        units={c: u for c, (u, _) in STUDY_META.items() if u},
        # Generated within known bounds (above): the author states them rather than the sample.
        ranges={"hours_studied": (0, 40), "lab_attendance": (0, 100)},
        license="MIT (generated data and model)",
    )


def study_card(m: dict[str, Any]) -> dict[str, str]:
    n_missing = int(m["X_train"]["hours_studied"].isna().sum())
    pass_share = float(np.mean(m["y_train"] == "pass"))
    return {
        "description": (
            "Logistic regression that predicts whether a student passes a course (pass or "
            "fail) from hours studied per week (may be missing: median-imputed), lab "
            "attendance, prior grade, whether the project was submitted and the study track "
            "(one-hot encoded); numeric features standardised, one graph input per column. "
            f"Trained on {m['n_train']} SYNTHETIC students generated by a made-up rule with "
            f"noise (models/export.py); held-out accuracy: {m['test_accuracy']:.3f} on {m['n_test']} "
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
            f"{n_missing} of {m['n_train']} training students have no reported hours "
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
    }


# --------------------------------------------------------------------------------------------
# Training and sealing
# --------------------------------------------------------------------------------------------


def script_commit() -> str | bool:
    """The commit that last changed the training code (this script), not ``HEAD``: commits
    elsewhere then leave ``meta.json`` and the bundles unchanged. ``False`` outside git."""
    script = Path(__file__).resolve().relative_to(REPO_DIR).as_posix()
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO_DIR), "log", "-1", "--format=%H", "--", script],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_DIR), "status", "--porcelain", "--", script],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return False
    if not re.fullmatch(r"[0-9a-f]{40}", out):
        return False
    if dirty:
        print(f"WARNING: {script} has uncommitted changes; recording {out}, the last commit that changed it", file=sys.stderr)
    return out


def operating_ranges(X: pd.DataFrame, units: dict[str, str]) -> dict[str, str]:
    """The training ranges as the model card states them."""
    out = {}
    for c in X.columns:
        s = X[c].dropna()
        unit = f" {units[c]}" if c in units else ""
        if pd.api.types.is_bool_dtype(s):
            out[c] = "true or false"
        elif pd.api.types.is_integer_dtype(s):
            out[c] = f"{int(s.min())}–{int(s.max())}{unit} (training range)"
        elif pd.api.types.is_float_dtype(s):
            out[c] = f"{float(s.min())!r}–{float(s.max())!r}{unit} (training range)"
        else:
            out[c] = ", ".join(dict.fromkeys(map(str, s))) + " (training categories)"
    return out


def seal_example(ex: Example, commit: str | bool, out_dir: Path) -> so.Bundle:
    print(f"=== {ex.name} ===")
    X_train, X_test, y_train, y_test = train_test_split(
        ex.X, ex.y, test_size=TEST_SIZE, random_state=SEED, stratify=ex.y if ex.classification else None
    )
    X_train, X_test = X_train.reset_index(drop=True), X_test.reset_index(drop=True)
    metric = "accuracy" if ex.classification else "r2"
    folds = (StratifiedKFold if ex.classification else KFold)(n_splits=CV_FOLDS, shuffle=True, random_state=SEED)
    scores = cross_val_score(clone(ex.pipeline), X_train, y_train, cv=folds, scoring=metric)
    pipe = ex.pipeline.fit(X_train, y_train)
    y_pred = pipe.predict(X_test)
    m: dict[str, Any] = {"n_train": len(X_train), "n_test": len(X_test), "X_train": X_train, "y_train": y_train}
    if ex.classification:
        m["test_accuracy"] = float(accuracy_score(y_test, y_pred))
    else:
        m["test_r2"] = float(r2_score(y_test, y_pred))
        m["test_rmse"] = float(math.sqrt(mean_squared_error(y_test, y_pred)))
    print(f"cv {metric} {scores.mean():.4f} ± {scores.std():.4f}; held out: " + ", ".join(f"{k} {v:.4f}" for k, v in m.items() if k.startswith("test_")))

    inputs = out_dir / ex.name
    bundle = so.seal(
        pipe, X_train, y_train, X_test=X_test,
        name=ex.name, version=VERSION,
        card={**ex.card(m), "authors": AUTHORS, "license": ex.license, "operating_ranges": operating_ranges(X_train, ex.units)},
        key=KEY, out=out_dir / f"{ex.name}-{VERSION}.sonnx", force=True,
        descriptions=ex.descriptions, units=ex.units, class_names=ex.class_names, ranges=ex.ranges,
        range_margin=RANGE_MARGIN, cv_scores=scores, cv_metric=metric, random_seed=SEED,
        data_source=ex.data_source, git_commit=commit, save_inputs=inputs,
    )
    # holdout.json keeps every held-out row; the few beyond the (widened) training ranges are
    # refused by the bundle's schema, which the package tests check row by row.
    for note in bundle.notes:
        print(f"note: {note}")
    vectors = json.loads((inputs / "test_vectors.json").read_text(encoding="utf-8"))["cases"]
    for c in X_train.columns[X_train.isna().any()]:
        if not any(v["input"][c] is None for v in vectors):
            sys.exit(f"{ex.name}: no test vector has {c} missing; the bundle should show it handled")
    print(f"{bundle.path.name}: {bundle.checked_rows} held-out rows equal to scikit-learn's")
    with open(inputs / "model.pkl", "wb") as f:
        pickle.dump(pipe, f)
    joblib.dump(pipe, inputs / "model.joblib")
    return bundle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="folder for the bundles and <name>/ inputs (default: models/)")
    args = parser.parse_args()
    commit = script_commit()
    print(f"git commit recorded: {commit or '(none)'}")
    for build in (iris, diabetes, breast_cancer, study):
        seal_example(build(), commit, args.out)


if __name__ == "__main__":
    main()
