#!/usr/bin/env python3
"""Generate the scikit-learn export corpus in ``tests/corpus/`` (deterministic; re-run to
regenerate, the output is byte-identical):

    models/.venv/bin/python models/corpus/generate.py            # every case
    models/.venv/bin/python models/corpus/generate.py rf- svc-   # only cases starting so

Each case is a fitted scikit-learn estimator or pipeline (or a LightGBM/XGBoost model:
alone, converted with onnxmltools; in a pipeline, with onnxmltools' converter registered in
skl2onnx) exported with skl2onnx defaults (``zipmap`` off, except in the ``zipmap-*`` cases, whose probabilities end in a ZipMap and are
stored as onnxruntime's list of ``{label: probability}`` maps, and the ``treeensemble5-*``
cases, rewritten into (or, for ``treeensemble5-handmade``, written as) the ai.onnx.ml opset 5
``TreeEnsemble`` that skl2onnx 1.20 never emits; no ``black_op``, so the graphs contain the ONNX-ML operators: Scaler,
Imputer, TreeEnsemble*, SVM*, Linear*, Normalizer, Binarizer, OneHotEncoder, LabelEncoder,
ArrayFeatureExtractor, FeatureVectorizer, ...). Per case it writes

* ``tests/corpus/<case>/model.onnx``
* ``tests/corpus/<case>/io.json``: held-out inputs, onnxruntime's outputs on them,
  scikit-learn's outputs on them and the tolerance that separates the two

and finally ``tests/corpus/index.json`` (one entry per case). The format is described in
``models/corpus/README.md``.

The script checks, on every stored row, that onnxruntime agrees with scikit-learn: labels and
integer/string outputs exactly, scores within the tightest tolerance of ``TOLERANCES`` that
passes (the one recorded in io.json). A case that fails even the loosest tolerance is reported
and makes the script exit non-zero (its files are still written, flagged ``"agrees": false``),
unless it is a documented ``known_issue`` (a skl2onnx or onnxruntime divergence from
scikit-learn): those are built and checked on every run but not written, and reported as
skipped. A case skl2onnx cannot export is skipped and reported (``CORPUS_DEBUG=1`` prints the
traceback). A full run also refreshes the case table in ``models/corpus/README.md``.
"""

from __future__ import annotations

import os

# Single-threaded BLAS/OpenMP: reproducible floating point. Must precede the numpy import.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import json
import math
import shutil
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lightgbm
import numpy as np
import onnx
import onnxmltools
import onnxruntime as ort
import pandas as pd
import skl2onnx
import sklearn
import xgboost
from onnxmltools.convert.common.data_types import FloatTensorType as MLToolsFloatTensorType
from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm
from onnxmltools.convert.xgboost.operator_converters.XGBoost import convert_xgboost
from skl2onnx import convert_sklearn, update_registered_converter
from skl2onnx.common import _topology as skl2onnx_topology
from skl2onnx.common import utils as skl2onnx_utils
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from skl2onnx.common.shape_calculator import (
    calculate_linear_classifier_output_shapes,
    calculate_linear_regressor_output_shapes,
)
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
    make_regression,
)
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.discriminant_analysis import (
    LinearDiscriminantAnalysis,
    QuadraticDiscriminantAnalysis,
)
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    BaggingRegressor,
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    IsolationForest,
    RandomForestClassifier,
    RandomForestRegressor,
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.feature_selection import SelectKBest, VarianceThreshold, f_classif, f_regression
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, DotProduct, WhiteKernel
from sklearn.impute import KNNImputer, SimpleImputer
from sklearn.linear_model import (
    ElasticNet,
    HuberRegressor,
    Lasso,
    LinearRegression,
    LogisticRegression,
    PassiveAggressiveClassifier,
    Perceptron,
    PoissonRegressor,
    Ridge,
    RidgeClassifier,
    SGDClassifier,
    TweedieRegressor,
)
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputRegressor
from sklearn.naive_bayes import (
    BernoulliNB,
    CategoricalNB,
    ComplementNB,
    GaussianNB,
    MultinomialNB,
)
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor, LocalOutlierFactor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    Binarizer,
    KBinsDiscretizer,
    LabelEncoder,
    MaxAbsScaler,
    MinMaxScaler,
    Normalizer,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    RobustScaler,
    StandardScaler,
    TargetEncoder,
)
from sklearn.svm import SVC, SVR, LinearSVC, LinearSVR, NuSVC, NuSVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

SEED = 0
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
# What a plain to_onnx(model, X) targets with skl2onnx 1.20 (its latest tested opset): from
# opset 18 the Reduce* operators take their axes as an input instead of an attribute.
LATEST_OPSET = {"": 22, "ai.onnx.ml": 3}
N_REGULAR = 60  # held-out rows taken from the test split (fewer when the split is smaller)
EXTREME_FACTOR = 10.0

# Candidate tolerances, tightest first: |onnxruntime - sklearn| <= absolute + relative*|sklearn|.
TOLERANCES = [
    {"relative": 1e-5, "absolute": 1e-6},
    {"relative": 1e-4, "absolute": 1e-5},
    {"relative": 1e-3, "absolute": 1e-4},
]
# float64 graphs are held to float64 precision first: a graph computed in float32 anywhere
# (about 1e-7 relative) cannot meet it, so the engine test catches a silent float32 step.
FLOAT64_TOLERANCE = {"relative": 1e-12, "absolute": 1e-14}
# A classifier row whose two best scikit-learn scores are closer than this is a near-tie that
# float32 arithmetic may break either way: it is left out of the corpus.
TIE_MARGIN = 1e-4
MAX_IO_BYTES = 200_000
# scikit-learn's float64 outputs are written with this many significant digits (far below any
# tolerance, and it keeps the corpus small); inputs and onnxruntime outputs are exact.
SKLEARN_DIGITS = 12

CORPUS_DIR = Path(__file__).resolve().parent
REPO_DIR = CORPUS_DIR.parent.parent
OUT_DIR = REPO_DIR / "tests" / "corpus"

warnings.filterwarnings("ignore")


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def f32(a: np.ndarray) -> np.ndarray:
    """Round to float32 and back: the values the float32 graph and scikit-learn both see."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


@dataclass
class Data:
    name: str  # how the data were made, for io.json
    X_train: np.ndarray  # float64, float32-representable
    y_train: np.ndarray
    X_test: np.ndarray  # candidate held-out rows (test split), float32-representable
    y_test: np.ndarray


def split(name, X, y, stratify: bool, test_size=0.4) -> Data:
    X = f32(X)
    Xtr, Xte, ytr, yte = train_test_split(
        X, y, test_size=test_size, random_state=SEED, stratify=y if stratify else None
    )
    return Data(name, Xtr, ytr, Xte, yte)


def iris(labels: str) -> Data:
    d = load_iris()
    y = d.target_names[d.target] if labels == "str" else d.target.astype(np.int64)
    return split(f"load_iris, {labels} labels", d.data, y, True)


def wine(labels: str) -> Data:
    d = load_wine()
    if labels == "str":
        y = np.array(["barolo", "grignolino", "barbera"])[d.target]
    else:  # non-contiguous integer classes: the label mapping must not be the identity
        y = np.array([3, 7, 11], dtype=np.int64)[d.target]
    return split(f"load_wine, {labels} labels", d.data, y, True)


def cancer(labels: str) -> Data:
    d = load_breast_cancer()
    y = d.target_names[d.target] if labels == "str" else d.target.astype(np.int64)
    return split(f"load_breast_cancer, {labels} labels", d.data, y, True, test_size=0.3)


def digits(labels: str) -> Data:
    d = load_digits()
    names = np.array("zero one two three four five six seven eight nine".split())
    y = names[d.target] if labels == "str" else d.target.astype(np.int64)
    return split(f"load_digits, {labels} labels", d.data, y, True, test_size=0.2)


def synth_binary(labels: str) -> Data:
    X, y = make_classification(
        n_samples=500, n_features=8, n_informative=5, n_redundant=1, random_state=SEED
    )
    y = np.array([-1, 1], dtype=np.int64)[y] if labels == "int" else np.array(["no", "yes"])[y]
    return split(f"make_classification(500x8), {labels} labels", X, y, True)


def synth_multi(labels: str) -> Data:
    X, y = make_classification(
        n_samples=600,
        n_features=6,
        n_informative=4,
        n_redundant=1,
        n_classes=4,
        n_clusters_per_class=1,
        random_state=SEED,
    )
    if labels == "str":
        y = np.array(["north", "east", "south", "west"])[y]
    else:
        y = y.astype(np.int64)
    return split(f"make_classification(600x6, 4 classes), {labels} labels", X, y, True)


def diabetes() -> Data:
    d = load_diabetes(scaled=False)
    return split("load_diabetes(scaled=False)", d.data, d.target.astype(np.float64), False)


def synth_reg(n_targets: int = 1) -> Data:
    X, y = make_regression(
        n_samples=400, n_features=6, n_informative=5, n_targets=n_targets, noise=5.0,
        random_state=SEED,
    )
    return split(f"make_regression(400x6, {n_targets} target(s))", X, y, False)


def with_nans(X: np.ndarray, frac: float, seed: int) -> np.ndarray:
    """A copy of X with about `frac` of its cells set to NaN (never a whole column)."""
    rng = np.random.RandomState(seed)
    X = X.copy()
    mask = rng.rand(*X.shape) < frac
    X[mask] = np.nan
    return X


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    model: Any  # unfitted estimator or pipeline
    data: Data
    task: str  # classification | regression | transform
    options: dict = field(default_factory=dict)  # skl2onnx options by estimator role
    nocl: bool = False  # LinearSVC / RidgeClassifier / hinge SGD: {"nocl": False}
    zipmap: bool = False  # default options: the probabilities end in a ZipMap
    v5: bool = False  # the tree ensemble rewritten as ai.onnx.ml opset 5 TreeEnsemble
    input_kind: str = "float"  # float | double | columns | columns-float | labels-*
    nan_rows: int = 0  # held-out rows with NaN cells
    nan_train: float = 0.0  # fraction of NaN cells in the training data
    extremes: bool = True
    nonneg: bool = False  # held-out rows made non-negative (np.abs)
    regular: int = N_REGULAR
    fit_y: bool = True
    # Two more rows: the per-feature training maximum and minimum, as they are.
    edges: bool = False
    target_opset: dict = field(default_factory=lambda: dict(TARGET_OPSET))
    note: str = ""
    # A known disagreement between onnxruntime and scikit-learn: the case is built and checked
    # but not written (reported as skipped); if it starts agreeing, that is reported instead.
    known_issue: str = ""
    # "onnxmltools": a LightGBM/XGBoost model converted alone with onnxmltools' own
    # convert_lightgbm/convert_xgboost (default target opset); otherwise skl2onnx.
    converter: str = "skl2onnx"
    # The first NaN row has every cell NaN unless this is False (KNNImputer: onnxruntime fails
    # on a row with no observed feature, see define_float64_and_function_cases).
    all_nan_row: bool = True
    # float64 cases: also export with a float32 input and record how far that is from
    # scikit-learn, which must be beyond FLOAT64_TOLERANCE (a float32 step would be caught).
    float32_contrast: bool = False


CASES: list[Case] = []
SKIPPED: list[tuple[str, str]] = []


def add(*args, **kwargs) -> None:
    CASES.append(Case(*args, **kwargs))


def scaled(est) -> Pipeline:
    return Pipeline([("scaler", StandardScaler()), ("model", est)])


def define_cases() -> None:
    C, R, T = "classification", "regression", "transform"
    define_course_cases()
    define_float64_and_function_cases()
    define_output_kind_cases()
    # ---- classifiers -----------------------------------------------------------------------
    add("logreg-binary-int", scaled(LogisticRegression(max_iter=2000)), cancer("int"), C)
    add("logreg-multiclass-str", LogisticRegression(max_iter=2000), iris("str"), C)
    add("logreg-multiclass-int", scaled(LogisticRegression(C=0.5, max_iter=2000)), wine("int"), C)
    add("linearsvc-binary-int", scaled(LinearSVC(random_state=SEED)), synth_binary("int"), C,
        nocl=True)
    add("linearsvc-multiclass-str", scaled(LinearSVC(random_state=SEED)), wine("str"), C,
        nocl=True)
    add("svc-rbf-binary-str", scaled(SVC(kernel="rbf", probability=True, random_state=SEED)),
        cancer("str"), C)
    add("svc-rbf-multiclass-int", scaled(SVC(kernel="rbf", probability=True,
                                             random_state=SEED)), wine("int"), C)
    add("svc-poly-multiclass-str", scaled(SVC(kernel="poly", degree=3, probability=True,
                                              random_state=SEED)), iris("str"), C)
    add("svc-poly-binary-int", scaled(SVC(kernel="poly", degree=2, coef0=1.0, probability=True,
                                          random_state=SEED)), synth_binary("int"), C)
    add("svc-linear-multiclass-str", scaled(SVC(kernel="linear", probability=True,
                                                random_state=SEED)), wine("str"), C)
    add("svc-linear-binary-int", scaled(SVC(kernel="linear", probability=True,
                                            random_state=SEED)), synth_binary("int"), C)
    add("svc-rbf-decision-multiclass-int", scaled(SVC(kernel="rbf", random_state=SEED)),
        synth_multi("int"), C, note="probability=False: the scores are the decision function")
    add("svc-sigmoid-decision-binary-str", scaled(SVC(kernel="sigmoid", random_state=SEED)),
        synth_binary("str"), C, note="probability=False: the scores are the decision function")
    add("dtree-binary-int", DecisionTreeClassifier(max_depth=6, random_state=SEED),
        cancer("int"), C)
    add("dtree-multiclass-str", DecisionTreeClassifier(max_depth=6, random_state=SEED),
        wine("str"), C)
    add("rf-binary-int", RandomForestClassifier(n_estimators=15, max_depth=6,
                                                random_state=SEED), cancer("int"), C)
    add("rf-multiclass-str", RandomForestClassifier(n_estimators=15, max_depth=6,
                                                    random_state=SEED), synth_multi("str"), C)
    add("extratrees-binary-str", ExtraTreesClassifier(n_estimators=15, max_depth=6,
                                                      random_state=SEED), synth_binary("str"), C)
    add("extratrees-multiclass-int", ExtraTreesClassifier(n_estimators=15, max_depth=6,
                                                          random_state=SEED), wine("int"), C)
    add("gb-binary-int", GradientBoostingClassifier(n_estimators=30, max_depth=3,
                                                    random_state=SEED), cancer("int"), C)
    add("gb-multiclass-str", GradientBoostingClassifier(n_estimators=20, max_depth=3,
                                                        random_state=SEED), iris("str"), C)
    add("hgb-binary-int", HistGradientBoostingClassifier(max_iter=30, max_depth=5,
                                                         random_state=SEED),
        synth_binary("int"), C, nan_train=0.05, nan_rows=10,
        note="trained with 5% missing cells; held-out rows with NaN take the learnt branch")
    add("hgb-multiclass-str", HistGradientBoostingClassifier(max_iter=20, max_depth=4,
                                                             random_state=SEED),
        wine("str"), C)
    add("knn-binary-int", scaled(KNeighborsClassifier(n_neighbors=5)), synth_binary("int"), C)
    add("knn-multiclass-str", scaled(KNeighborsClassifier(n_neighbors=7)), wine("str"), C)
    add("gaussiannb-binary-int", GaussianNB(), cancer("int"), C)
    add("gaussiannb-multiclass-str", GaussianNB(), wine("str"), C)
    add("bernoullinb-binary-int", scaled(BernoulliNB(alpha=1.0)), synth_binary("int"), C)
    add("bernoullinb-multiclass-str", BernoulliNB(alpha=1.0, binarize=8.0), digits("str"), C,
        regular=50)
    # ---- log-sum-exp of large log-likelihoods, exported at the opset a plain to_onnx() picks
    # (ReduceLogSumExp with its axes as an input), with the training max/min rows ---------
    lse_note = ("exported with target opset 22 (a plain to_onnx()): ReduceLogSumExp takes its "
                "axes as an input; joint log-likelihoods in the thousands on the extreme and "
                "training max/min rows")
    add("gaussiannb-opset18-binary-int", GaussianNB(), cancer("int"), C, edges=True,
        target_opset=LATEST_OPSET, note=lse_note)
    add("multinomialnb-multiclass-str", MultinomialNB(), digits("str"), C, regular=50,
        nonneg=True, edges=True, target_opset=LATEST_OPSET,
        note=lse_note + "; 8x8 digit images, extreme rows made non-negative (counts)")
    add("complementnb-multiclass-int", ComplementNB(), digits("int"), C, regular=50,
        extremes=False, edges=True, target_opset=LATEST_OPSET,
        note=lse_note + "; 8x8 digit images; no x10 rows: there onnxruntime's float32 "
                        "log-likelihoods (about 1e4) differ from scikit-learn's by more than "
                        "the loosest tolerance")
    add("voting-soft-gaussiannb-binary-int",
        VotingClassifier([("nb", GaussianNB()),
                          ("lr", scaled(LogisticRegression(max_iter=2000))),
                          ("tree", DecisionTreeClassifier(max_depth=4, random_state=SEED))],
                         voting="soft", flatten_transform=False),
        cancer("int"), C, edges=True, target_opset=LATEST_OPSET,
        note=lse_note + "; flatten_transform=False (skl2onnx 1.20 refuses the default True)")
    add("calibrated-gaussiannb-multiclass-str",
        CalibratedClassifierCV(GaussianNB(), method="sigmoid", cv=3), wine("str"), C,
        edges=True, target_opset=LATEST_OPSET, note=lse_note)
    add("mlp-binary-int", scaled(MLPClassifier((16,), max_iter=2000, random_state=SEED)),
        cancer("int"), C)
    add("mlp-multiclass-str", scaled(MLPClassifier((16, 8), max_iter=2000, random_state=SEED)),
        iris("str"), C)
    add("sgd-hinge-binary-int", scaled(SGDClassifier(loss="hinge", random_state=SEED)),
        synth_binary("int"), C, nocl=True)
    add("sgd-hinge-multiclass-str", scaled(SGDClassifier(loss="hinge", random_state=SEED)),
        wine("str"), C, nocl=True)
    add("sgd-log-binary-str", scaled(SGDClassifier(loss="log_loss", random_state=SEED)),
        cancer("str"), C)
    add("sgd-log-multiclass-int", scaled(SGDClassifier(loss="log_loss", random_state=SEED)),
        synth_multi("int"), C)
    add("ridgeclf-binary-int", scaled(RidgeClassifier()), cancer("int"), C, nocl=True)
    add("ridgeclf-multiclass-str", scaled(RidgeClassifier()), wine("str"), C, nocl=True)
    # ---- classifiers with default options: probabilities as a ZipMap (sequence of maps) ---
    zipmap_note = ("default options: the probabilities end in a ZipMap; onnxruntime's sequence "
                   "of maps is stored as a list of {label: probability} objects")
    add("zipmap-logreg-binary-int", scaled(LogisticRegression(max_iter=2000)), cancer("int"), C,
        zipmap=True, note=zipmap_note)
    add("zipmap-logreg-multiclass-str", LogisticRegression(max_iter=2000), iris("str"), C,
        zipmap=True, note=zipmap_note)
    add("zipmap-rf-multiclass-int", RandomForestClassifier(n_estimators=15, max_depth=6,
                                                           random_state=SEED), wine("int"), C,
        zipmap=True, note=zipmap_note)
    add("zipmap-gb-binary-str", GradientBoostingClassifier(n_estimators=20, max_depth=3,
                                                           random_state=SEED),
        synth_binary("str"), C, zipmap=True, note=zipmap_note)
    add("zipmap-svc-binary-int", scaled(SVC(kernel="rbf", probability=True, random_state=SEED)),
        synth_binary("int"), C, zipmap=True, note=zipmap_note)
    # ---- tree ensembles as ai.onnx.ml opset 5 TreeEnsemble (skl2onnx 1.20 never writes it:
    # the export is rewritten by tree_ensemble_v5 below) -------------------------------------
    v5_note = ("skl2onnx's TreeEnsembleRegressor/Classifier rewritten as ai.onnx.ml opset 5 "
               "TreeEnsemble (skl2onnx 1.20 never emits it)")
    add("treeensemble5-rf-reg", RandomForestRegressor(n_estimators=20, max_depth=6,
                                                      random_state=SEED), diabetes(), R,
        v5=True, note=v5_note)
    add("treeensemble5-rf-multiclass-str", RandomForestClassifier(n_estimators=15, max_depth=6,
                                                                  random_state=SEED),
        wine("str"), C, v5=True,
        note=v5_note + "; one copy of each tree per class (opset 5 leaves hold one weight), "
                       "label by ArgMax + Gather")
    # ---- regressors ------------------------------------------------------------------------
    add("linreg", LinearRegression(), diabetes(), R)
    add("linreg-float64", LinearRegression(), diabetes(), R, input_kind="double",
        float32_contrast=True, note="float64 graph input")
    add("logreg-float64-multiclass-str", scaled(LogisticRegression(max_iter=2000)),
        wine("str"), C, input_kind="double", edges=True, float32_contrast=True,
        note="float64 graph input (DoubleTensorType): scaler, MatMul and Softmax in float64")
    add("gaussiannb-float64-multiclass-int", GaussianNB(), wine("int"), C, input_kind="double",
        edges=True, target_opset=LATEST_OPSET, float32_contrast=True,
        note="float64 graph input (DoubleTensorType) at target opset 22: ReduceLogSumExp in "
             "float64 with its axes as an input")
    add("linreg-multioutput", LinearRegression(), synth_reg(2), R)
    add("ridge", scaled(Ridge(alpha=1.0)), diabetes(), R)
    add("lasso", Lasso(alpha=0.5, random_state=SEED), diabetes(), R)
    add("elasticnet", scaled(ElasticNet(alpha=0.1, l1_ratio=0.5, random_state=SEED)),
        synth_reg(), R)
    add("svr-rbf", scaled(SVR(kernel="rbf", C=50.0)), diabetes(), R)
    add("svr-linear", scaled(SVR(kernel="linear", C=5.0)), synth_reg(), R)
    add("svr-poly", scaled(SVR(kernel="poly", degree=2, coef0=1.0, C=20.0)), synth_reg(), R)
    add("dtree-reg", DecisionTreeRegressor(max_depth=6, random_state=SEED), diabetes(), R)
    add("rf-reg", RandomForestRegressor(n_estimators=20, max_depth=6, random_state=SEED),
        diabetes(), R)
    add("extratrees-reg", ExtraTreesRegressor(n_estimators=20, max_depth=6, random_state=SEED),
        synth_reg(), R)
    add("gb-reg", GradientBoostingRegressor(n_estimators=30, max_depth=3, random_state=SEED),
        diabetes(), R)
    add("hgb-reg", HistGradientBoostingRegressor(max_iter=30, max_depth=5, random_state=SEED),
        synth_reg(), R, nan_train=0.05, nan_rows=10,
        note="trained with 5% missing cells; held-out rows with NaN take the learnt branch")
    add("knn-reg", scaled(KNeighborsRegressor(n_neighbors=5)), synth_reg(), R)
    knn_issue = ("skl2onnx 1.20 exports weights='distance' with weights 1 / Max(d, 1e-6) where "
                 "the d it takes from TopK are negated distances, so every weight is 1e6: "
                 "onnxruntime (and the ONNX reference evaluator) give the uniform-weight result")
    add("knn-multiclass-distance-str", scaled(KNeighborsClassifier(n_neighbors=7,
                                                                   weights="distance")),
        wine("str"), C, known_issue=knn_issue)
    add("knn-reg-distance", scaled(KNeighborsRegressor(n_neighbors=4, weights="distance")),
        diabetes(), R, known_issue=knn_issue)
    add("mlp-reg", scaled(MLPRegressor(hidden_layer_sizes=(16,), max_iter=3000,
                                       random_state=SEED)), synth_reg(), R)
    # ---- preprocessing ---------------------------------------------------------------------
    add("standardscaler", StandardScaler(), wine("int"), T, fit_y=False)
    add("minmaxscaler", MinMaxScaler(feature_range=(-1, 2)), wine("int"), T, fit_y=False)
    add("robustscaler", RobustScaler(), diabetes(), T, fit_y=False)
    add("maxabsscaler", MaxAbsScaler(), synth_reg(), T, fit_y=False)
    add("minmaxscaler-ridge", Pipeline([("scaler", MinMaxScaler()), ("model", Ridge())]),
        diabetes(), R)
    add("robustscaler-logreg", Pipeline([("scaler", RobustScaler()),
                                         ("model", LogisticRegression(max_iter=2000))]),
        cancer("str"), C)
    add("maxabsscaler-logreg", Pipeline([("scaler", MaxAbsScaler()),
                                         ("model", LogisticRegression(max_iter=2000))]),
        synth_multi("int"), C)
    add("imputer-mean", SimpleImputer(strategy="mean"), wine("int"), T, fit_y=False,
        nan_train=0.1, nan_rows=20)
    add("imputer-median", SimpleImputer(strategy="median"), diabetes(), T, fit_y=False,
        nan_train=0.1, nan_rows=20)
    add("imputer-most-frequent", SimpleImputer(strategy="most_frequent"), iris("int"), T,
        fit_y=False, nan_train=0.1, nan_rows=20)
    add("imputer-constant", SimpleImputer(strategy="constant", fill_value=-7.5), synth_reg(), T,
        fit_y=False, nan_train=0.1, nan_rows=20)
    add("imputer-logreg", Pipeline([("impute", SimpleImputer(strategy="median")),
                                    ("scaler", StandardScaler()),
                                    ("model", LogisticRegression(max_iter=2000))]),
        cancer("int"), C, nan_train=0.05, nan_rows=20)
    add("normalizer-max-signed", Normalizer(norm="max"), synth_reg(), T, fit_y=False,
        known_issue="Normalizer(norm='max') becomes ONNX-ML Normalizer MAX, which onnxruntime "
                    "computes as x / max(x); scikit-learn divides by max(|x|), so rows whose "
                    "largest |x| is negative differ")
    add("normalizer-l1", Normalizer(norm="l1"), synth_reg(), T, fit_y=False)
    add("normalizer-l2", Normalizer(norm="l2"), wine("int"), T, fit_y=False)
    add("normalizer-max", Normalizer(norm="max"), synth_reg(), T, fit_y=False, nonneg=True,
        note="inputs made non-negative: for a row whose largest |x| is negative onnxruntime "
             "divides by max(x), scikit-learn by max(|x|)")
    add("binarizer", Binarizer(threshold=0.25), synth_reg(), T, fit_y=False)
    add("kbins-onehot-uniform", KBinsDiscretizer(n_bins=4, encode="onehot-dense",
                                                 strategy="uniform"), synth_reg(), T,
        fit_y=False)
    add("kbins-ordinal-kmeans", KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="kmeans"),
        diabetes(), T, fit_y=False)
    add("kbins-ordinal-quantile", KBinsDiscretizer(n_bins=4, encode="ordinal",
                                                   strategy="quantile",
                                                   quantile_method="averaged_inverted_cdf"),
        synth_reg(), T, fit_y=False)
    add("polyfeatures", PolynomialFeatures(degree=3), iris("int"), T, fit_y=False)
    add("polyfeatures-interaction", PolynomialFeatures(degree=2, interaction_only=True,
                                                       include_bias=False), synth_reg(), T,
        fit_y=False)
    add("polyfeatures-ridge", Pipeline([("scaler", StandardScaler()),
                                        ("poly", PolynomialFeatures(degree=2)),
                                        ("model", Ridge(alpha=10.0))]), diabetes(), R)
    add("pca", PCA(n_components=5, random_state=SEED), wine("int"), T, fit_y=False)
    add("pca-whiten-logreg", Pipeline([("scaler", StandardScaler()),
                                       ("pca", PCA(n_components=8, whiten=True,
                                                   random_state=SEED)),
                                       ("model", LogisticRegression(max_iter=2000))]),
        cancer("str"), C)
    add("scaler-columns-logreg", scaled(LogisticRegression(max_iter=2000)), iris("str"), C,
        input_kind="columns-float",
        note="one float32 [None, 1] graph input per column, joined by FeatureVectorizer")
    add("columns-onehot-ordinal-logreg", "columns-classifier", None, C, input_kind="columns",
        note="string columns (one graph input each) with categories unseen in training")
    add("columns-onehot-rf-reg", "columns-regressor", None, R, input_kind="columns",
        note="string columns (one graph input each) with categories unseen in training")
    add("labelencoder-str", LabelEncoder(), None, T, input_kind="labels-str",
        note="unseen labels: onnxruntime gives -1, scikit-learn raises (null here)")
    add("labelencoder-int", LabelEncoder(), None, T, input_kind="labels-int",
        note="unseen labels: onnxruntime gives -1, scikit-learn raises (null here)")
    add("labelencoder-float", LabelEncoder(), None, T, input_kind="labels-float",
        note="unseen labels: onnxruntime gives -1, scikit-learn raises (null here)")
    # ---- text: StringNormalizer -> Tokenizer -> TfIdfVectorizer ------------------------------
    text = dict(input_kind="text", extremes=False)
    add("text-tfidf-logreg", Pipeline([("tfidf", TfidfVectorizer()),
                                       ("model", LogisticRegression(max_iter=2000))]),
        None, C, **text)
    add("text-tfidf-bigram-linearsvc",
        Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_df=0.9)),
                  ("model", LinearSVC())]), None, C, nocl=True, **text)
    add("text-tfidf-sublinear-logreg",
        Pipeline([("tfidf", TfidfVectorizer(sublinear_tf=True)),
                  ("model", LogisticRegression(max_iter=2000))]), None, C, **text,
        known_issue="sublinear_tf: skl2onnx 1.20 writes log(tf + 1) where scikit-learn computes "
                    "1 + log(tf), so documents that repeat a word differ")
    add("text-count-stopwords-multinomialnb",
        Pipeline([("count", CountVectorizer(stop_words="english", max_df=0.8)),
                  ("model", MultinomialNB())]), None, C, **text,
        note="stop words with 1-grams only: skl2onnx gives them to StringNormalizer, which "
             "drops whole documents equal to a stop word and leaves the words in the text")
    add("text-count-binary-complementnb",
        Pipeline([("count", CountVectorizer(binary=True, min_df=3, lowercase=False)),
                  ("model", ComplementNB())]), None, C, **text)
    add("text-char-tfidf-logreg",
        Pipeline([("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=2)),
                  ("model", LogisticRegression(max_iter=2000))]), None, C, **text,
        note="character n-grams: onnxruntime's Tokenizer splits on every character (tokenexp "
             "'.'), the edge rows keep single spaces (scikit-learn first squeezes runs of "
             "white space)")
    add("text-tfidf-svd-logreg",
        Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2))),
                  ("svd", TruncatedSVD(n_components=12, random_state=SEED)),
                  ("model", LogisticRegression(max_iter=2000))]), None, C, **text)
    add("text-tfidf-transform", TfidfVectorizer(ngram_range=(1, 2), min_df=8),
        None, T, fit_y=False, regular=20, **text)
    add("text-tfidf-nonascii-vocabulary",
        Pipeline([("tfidf", TfidfVectorizer()),
                  ("model", LogisticRegression(max_iter=2000))]), None, C,
        input_kind="text-nonascii", extremes=False,
        known_issue="non-ASCII words: scikit-learn's token pattern \\w is Unicode and it "
                    "lowercases with Python's full case mapping, while skl2onnx replaces the "
                    "pattern by RE2's ASCII [a-zA-Z0-9_]+ (so 'naïve' is 'na' + 've' and "
                    "'Émile' is 'mile') and onnxruntime lowercases one code point at a time")
    add("text-bigram-oneletter-words",
        Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2))),
                  ("model", LogisticRegression(max_iter=2000))]), None, C,
        input_kind="text-oneletter", extremes=False,
        known_issue="one-letter words between two words: scikit-learn's token pattern "
                    "(\\w\\w+) skips them, so 'the a goal' has the bigram 'the goal'; "
                    "skl2onnx's [a-zA-Z0-9_]+ keeps them as tokens, and onnxruntime sees "
                    "'the a' and 'a goal' instead")


def register_booster_converters() -> None:
    """LightGBM and XGBoost inside a scikit-learn pipeline: skl2onnx converts the pipeline and
    hands the booster to onnxmltools' converter (the pattern onnxmltools' and skl2onnx's docs
    show), with the classifier options skl2onnx passes (zipmap, nocl)."""
    cls_options = {"nocl": [True, False], "zipmap": [True, False, "columns"]}
    update_registered_converter(lightgbm.LGBMClassifier, "LightGbmLGBMClassifier",
                                calculate_linear_classifier_output_shapes, convert_lightgbm,
                                options=cls_options)
    update_registered_converter(lightgbm.LGBMRegressor, "LightGbmLGBMRegressor",
                                calculate_linear_regressor_output_shapes, convert_lightgbm,
                                options={"split": None})
    update_registered_converter(xgboost.XGBClassifier, "XGBoostXGBClassifier",
                                calculate_linear_classifier_output_shapes, convert_xgboost,
                                options=cls_options)
    update_registered_converter(xgboost.XGBRegressor, "XGBoostXGBRegressor",
                                calculate_linear_regressor_output_shapes, convert_xgboost)


def define_course_cases() -> None:
    """What supervised-learning courses commonly export beyond the core estimators: more
    classifiers and regressors, meta-estimators, feature selection, encoders with unknown
    categories, LightGBM/XGBoost (onnxmltools) alone and in pipelines with NaN rows."""
    C, R = "classification", "regression"
    register_booster_converters()
    # ---- discriminant analysis, naive Bayes on categories, linear classifiers --------------
    add("qda-multiclass-str", QuadraticDiscriminantAnalysis(), iris("str"), C)
    add("qda-binary-int", QuadraticDiscriminantAnalysis(reg_param=0.01), synth_binary("int"), C)
    add("lda-multiclass-str", LinearDiscriminantAnalysis(), wine("str"), C)
    add("lda-binary-int", LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto"),
        cancer("int"), C,
        known_issue="binary LinearDiscriminantAnalysis: skl2onnx 1.20 writes a LinearClassifier "
                    "scoring [-d, d] with SOFTMAX, which is sigmoid(2d); scikit-learn's "
                    "predict_proba is sigmoid(d) (the labels agree)")
    add("catnb-multiclass-str", CategoricalNB(min_categories=17), digits("str"), C, regular=50,
        extremes=False, edges=True,
        note="8x8 digit images: pixel values 0-16 are the categories (min_categories=17); no "
             "x10 rows (scikit-learn refuses categories it was not fitted on)")
    add("catnb-kbins-binary-int",
        Pipeline([("bins", KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="quantile",
                                            quantile_method="averaged_inverted_cdf")),
                  ("model", CategoricalNB())]), synth_binary("int"), C)
    add("perceptron-binary-int", scaled(Perceptron(random_state=SEED)), synth_binary("int"), C)
    add("perceptron-multiclass-str", scaled(Perceptron(random_state=SEED)), wine("str"), C)
    add("pa-binary-str", scaled(PassiveAggressiveClassifier(random_state=SEED)), cancer("str"),
        C)
    add("pa-multiclass-int", scaled(PassiveAggressiveClassifier(C=0.1, random_state=SEED)),
        synth_multi("int"), C)
    # ---- meta-estimators ------------------------------------------------------------------
    add("adaboost-binary-int", AdaBoostClassifier(n_estimators=30, random_state=SEED),
        cancer("int"), C)
    add("adaboost-multiclass-str",
        AdaBoostClassifier(DecisionTreeClassifier(max_depth=2), n_estimators=20,
                           random_state=SEED), wine("str"), C)
    add("adaboost-reg", AdaBoostRegressor(n_estimators=20, random_state=SEED), diabetes(), R,
        note="AdaBoostRegressor predicts the weighted median of its trees")
    add("bagging-binary-int",
        scaled(BaggingClassifier(LogisticRegression(max_iter=2000), n_estimators=8,
                                 max_features=0.7, random_state=SEED)), cancer("int"), C,
        note="each LogisticRegression sees 70% of the features")
    add("bagging-multiclass-str",
        BaggingClassifier(DecisionTreeClassifier(max_depth=5), n_estimators=10,
                          random_state=SEED), synth_multi("str"), C)
    add("bagging-reg",
        BaggingRegressor(DecisionTreeRegressor(max_depth=5), n_estimators=10, max_samples=0.8,
                         random_state=SEED), diabetes(), R)
    hard_note = ("hard voting: the probabilities output is the (weighted) share of votes per "
                 "class; flatten_transform=False (skl2onnx 1.20 refuses the default True)")
    add("voting-hard-multiclass-str",
        VotingClassifier([("lr", scaled(LogisticRegression(max_iter=2000))),
                          ("tree", DecisionTreeClassifier(max_depth=4, random_state=SEED)),
                          ("nb", GaussianNB())], voting="hard", flatten_transform=False),
        wine("str"), C, note=hard_note)
    add("voting-hard-binary-int",
        VotingClassifier([("lr", scaled(LogisticRegression(max_iter=2000))),
                          ("tree", DecisionTreeClassifier(max_depth=4, random_state=SEED)),
                          ("knn", scaled(KNeighborsClassifier(n_neighbors=5)))],
                         voting="hard", weights=np.array([2.0, 1.0, 1.0]),
                         flatten_transform=False),
        cancer("int"), C,
        note=hard_note + "; weights 2, 1, 1 as a numpy array (skl2onnx 1.20 fails on a list: "
                         "'list' object has no attribute 'sum')")
    add("voting-reg",
        VotingRegressor([("ridge", scaled(Ridge())),
                         ("tree", DecisionTreeRegressor(max_depth=5, random_state=SEED)),
                         ("rf", RandomForestRegressor(n_estimators=10, max_depth=5,
                                                      random_state=SEED))]), diabetes(), R)
    add("stacking-multiclass-str",
        StackingClassifier([("lr", scaled(LogisticRegression(max_iter=2000))),
                            ("rf", RandomForestClassifier(n_estimators=10, max_depth=5,
                                                          random_state=SEED))],
                           final_estimator=LogisticRegression(max_iter=2000)),
        wine("str"), C)
    add("stacking-binary-int",
        StackingClassifier([("svc", scaled(SVC(probability=True, random_state=SEED))),
                            ("tree", DecisionTreeClassifier(max_depth=4, random_state=SEED))],
                           final_estimator=LogisticRegression(max_iter=2000),
                           passthrough=True),
        cancer("int"), C, note="passthrough=True: the final estimator also sees the features")
    add("stacking-reg",
        StackingRegressor([("ridge", scaled(Ridge())),
                           ("svr", scaled(SVR(C=50.0))),
                           ("tree", DecisionTreeRegressor(max_depth=4, random_state=SEED))],
                          final_estimator=Ridge()), diabetes(), R)
    add("calibrated-sigmoid-binary-int",
        scaled(CalibratedClassifierCV(LinearSVC(random_state=SEED), method="sigmoid", cv=3)),
        cancer("int"), C)
    add("calibrated-sigmoid-multiclass-str",
        CalibratedClassifierCV(RandomForestClassifier(n_estimators=10, max_depth=5,
                                                      random_state=SEED),
                               method="sigmoid", cv=3), synth_multi("str"), C)
    isotonic_note = ("isotonic calibration of a tree: its scores are leaf probabilities, which "
                     "are the calibrators' thresholds, where skl2onnx's nearest-threshold "
                     "lookup and scikit-learn's interpolation agree")
    add("calibrated-isotonic-binary-int",
        CalibratedClassifierCV(DecisionTreeClassifier(max_depth=5, random_state=SEED),
                               method="isotonic", cv=3), cancer("int"), C, note=isotonic_note)
    add("calibrated-isotonic-multiclass-str",
        scaled(CalibratedClassifierCV(SVC(random_state=SEED), method="isotonic", cv=3)),
        wine("str"), C,
        known_issue="isotonic calibration: skl2onnx 1.20 takes the y of the nearest threshold "
                    "(ArgMin of |x - X_thresholds|) where scikit-learn interpolates linearly "
                    "between thresholds, so scores between two thresholds differ (a binary "
                    "tree's leaf probabilities, being thresholds, agree: "
                    "calibrated-isotonic-binary-int)")
    add("ovr-multiclass-str", scaled(OneVsRestClassifier(LogisticRegression(max_iter=2000))),
        wine("str"), C)
    add("ovr-tree-multiclass-int",
        OneVsRestClassifier(DecisionTreeClassifier(max_depth=4, random_state=SEED)),
        synth_multi("int"), C)
    # ---- more SVMs and linear regressors --------------------------------------------------
    add("nusvc-binary-int", scaled(NuSVC(nu=0.3, probability=True, random_state=SEED)),
        cancer("int"), C)
    add("nusvc-multiclass-str", scaled(NuSVC(nu=0.2, probability=True, random_state=SEED)),
        wine("str"), C)
    add("nusvr", scaled(NuSVR(nu=0.5, C=50.0)), diabetes(), R)
    add("linearsvr", scaled(LinearSVR(C=1.0, max_iter=20000, random_state=SEED)), synth_reg(),
        R)
    add("huber", scaled(HuberRegressor(max_iter=1000)), diabetes(), R)
    add("poisson", scaled(PoissonRegressor(alpha=1e-3, max_iter=1000)), diabetes(), R,
        note="log link: the prediction is exp(Xw + b)")
    add("tweedie", scaled(TweedieRegressor(power=1.5, alpha=0.01, link="log", max_iter=1000)),
        diabetes(), R, note="power 1.5, log link")
    # ---- feature selection in pipelines ---------------------------------------------------
    add("selectkbest-logreg-binary-int",
        Pipeline([("scaler", StandardScaler()), ("select", SelectKBest(f_classif, k=8)),
                  ("model", LogisticRegression(max_iter=2000))]), cancer("int"), C)
    add("selectkbest-ridge", Pipeline([("select", SelectKBest(f_regression, k=5)),
                                       ("model", Ridge())]), diabetes(), R)
    add("variancethreshold-logreg-multiclass-str",
        Pipeline([("variance", VarianceThreshold(threshold=2.0)),
                  ("scaler", StandardScaler()),
                  ("model", LogisticRegression(max_iter=3000))]), digits("str"), C,
        regular=50)
    add("variancethreshold-transform", VarianceThreshold(threshold=2.0), digits("int"),
        "transform", fit_y=False, regular=50)
    # ---- encoders with categories unseen in training --------------------------------------
    unknown_note = "string columns (one graph input each) with categories unseen in training"
    add("ordinalencoder-unknown-logreg", "ordinal-classifier", None, C,
        input_kind="columns-encoded",
        note=unknown_note + "; OrdinalEncoder(handle_unknown='use_encoded_value', "
                            "unknown_value=-1)")
    add("ordinalencoder-unknown-rf-reg", "ordinal-regressor", None, R,
        input_kind="columns-encoded",
        note=unknown_note + "; OrdinalEncoder(handle_unknown='use_encoded_value', "
                            "unknown_value=-1)")
    add("targetencoder-logreg", "target-classifier", None, C, input_kind="columns-encoded",
        note=unknown_note + "; TargetEncoder maps them to the target mean")
    add("targetencoder-ridge", "target-regressor", None, R, input_kind="columns-encoded",
        note=unknown_note + "; TargetEncoder maps them to the target mean")
    # ---- LightGBM and XGBoost (onnxmltools), with missing values ---------------------------
    nan = dict(nan_train=0.05, nan_rows=10)
    alone = ("converted alone with onnxmltools (default target opset); trained with 5% "
             "missing cells, held-out rows with NaN take the learnt branch")
    inside = ("inside a scikit-learn Pipeline: skl2onnx with onnxmltools' converter registered "
              "(update_registered_converter); trained with 5% missing cells, held-out rows "
              "with NaN take the learnt branch")

    def lgbm_c():
        return lightgbm.LGBMClassifier(n_estimators=30, num_leaves=15, random_state=SEED,
                                       verbose=-1)

    def lgbm_r():
        return lightgbm.LGBMRegressor(n_estimators=30, num_leaves=15, random_state=SEED,
                                      verbose=-1)

    def xgb_c():
        return xgboost.XGBClassifier(n_estimators=30, max_depth=4, random_state=SEED,
                                     n_jobs=1)

    def xgb_r():
        return xgboost.XGBRegressor(n_estimators=30, max_depth=4, random_state=SEED, n_jobs=1)

    add("lgbm-binary-int", lgbm_c(), cancer("int"), C, converter="onnxmltools", note=alone,
        **nan)
    add("lgbm-multiclass-str", lgbm_c(), synth_multi("str"), C, converter="onnxmltools",
        note=alone, **nan)
    add("lgbm-reg", lgbm_r(), synth_reg(), R, converter="onnxmltools", note=alone, **nan)
    add("lgbm-reg-diabetes", lgbm_r(), diabetes(), R, converter="onnxmltools", **nan,
        known_issue="LightGBM compares with float64 thresholds (30.69999980926514, just below "
                    "the float32 input 30.7) that onnxmltools writes as float32, where they "
                    "round to the input itself (30.7): onnxruntime takes the left branch, "
                    "LightGBM the right one (diabetes' one-decimal BMI values hit this)")
    add("lgbm-pipeline-multiclass-int", scaled(lgbm_c()), synth_multi("int"), C, note=inside,
        **nan)
    add("lgbm-pipeline-binary-str", scaled(lgbm_c()), synth_binary("str"), C, note=inside,
        **nan)
    add("lgbm-pipeline-reg", scaled(lgbm_r()), synth_reg(), R, note=inside, **nan)
    add("xgb-binary-int", xgb_c(), cancer("int"), C, converter="onnxmltools", note=alone, **nan)
    add("xgb-multiclass-int", xgb_c(), synth_multi("int"), C, converter="onnxmltools",
        note=alone, **nan)
    add("xgb-reg", xgb_r(), diabetes(), R, converter="onnxmltools", note=alone, **nan)
    add("xgb-pipeline-binary-int", scaled(xgb_c()), cancer("int"), C, note=inside, **nan)
    add("xgb-pipeline-reg", scaled(xgb_r()), synth_reg(), R, note=inside, **nan)
    # ---- MLP with early stopping ----------------------------------------------------------
    add("mlp-earlystop-binary-int",
        scaled(MLPClassifier((32,), early_stopping=True, max_iter=1000, random_state=SEED)),
        cancer("int"), C)
    add("mlp-earlystop-multiclass-str",
        scaled(MLPClassifier((32, 16), early_stopping=True, max_iter=1000, random_state=SEED)),
        wine("str"), C)
    add("mlp-earlystop-reg",
        scaled(MLPRegressor(hidden_layer_sizes=(32,), early_stopping=True, max_iter=2000, random_state=SEED)),
        synth_reg(), R)
    # ---- MLP with tanh / logistic hidden layers (ONNX Tanh / Sigmoid after the MatMul and Add)
    add("mlp-tanh-multiclass-str",
        scaled(MLPClassifier((16, 8), activation="tanh", max_iter=2000, random_state=SEED)),
        wine("str"), C)
    add("mlp-logistic-binary-int",
        scaled(MLPClassifier((16,), activation="logistic", max_iter=2000, random_state=SEED)),
        cancer("int"), C)
    add("mlp-logistic-reg",
        scaled(MLPRegressor(hidden_layer_sizes=(16,), activation="logistic", max_iter=3000,
                            random_state=SEED)), synth_reg(), R)


def define_output_kind_cases() -> None:
    """Models whose output is not one label or one value per row: several regression targets,
    a vector (transform), a cluster with the distance to each centre, an outlier label with
    a score. Fitted without a target where scikit-learn's estimator takes none."""
    R, T = "regression", "transform"
    add("multioutput-ridge", scaled(MultiOutputRegressor(Ridge(alpha=1.0))), synth_reg(3), R,
        note="MultiOutputRegressor: one Ridge per target, three targets ([N, 3] output)")
    add("multioutput-forest", RandomForestRegressor(n_estimators=10, max_depth=6,
                                                    random_state=SEED), synth_reg(3), R,
        note="a RandomForestRegressor fitted on a 2-D target (three targets, one tree ensemble)")
    add("kmeans-iris", scaled(KMeans(n_clusters=3, n_init=10, random_state=SEED)),
        iris("int"), "clustering", fit_y=False,
        note="label = nearest centre (ArgMin), scores = distance to each centre")
    add("minibatchkmeans-blobs", MiniBatchKMeans(n_clusters=4, n_init=3, random_state=SEED),
        synth_multi("int"), "clustering", fit_y=False)
    add("isolationforest-blobs", IsolationForest(n_estimators=30, random_state=SEED),
        synth_multi("int"), "outlier", fit_y=False,
        note="label -1 (outlier) or 1, scores = decision_function")
    add("lof-novelty", scaled(LocalOutlierFactor(n_neighbors=20, novelty=True)), wine("int"),
        "outlier", fit_y=False, note="LocalOutlierFactor(novelty=True): label -1 or 1, "
                                     "scores = decision_function")
    add("truncatedsvd-digits", TruncatedSVD(n_components=5, random_state=SEED), digits("int"), T,
        fit_y=False, regular=50)


def define_float64_and_function_cases() -> None:
    """float64 end to end (DoubleTensorType inputs, held to FLOAT64_TOLERANCE, each with the
    error a float32 export of the same model has, which that tolerance would catch), and
    KNNImputer: skl2onnx writes it as nine model-local functions (domain ``local_domain``)
    with NonZero, Compress and If, at opset 18 at least."""
    C, R, T = "classification", "regression", "transform"
    f64 = dict(input_kind="double", float32_contrast=True)
    add("gpr-rbf-float64",
        scaled(GaussianProcessRegressor(
            kernel=ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(1.0), normalize_y=True,
            random_state=SEED)),
        diabetes(), R, edges=True, **f64,
        note="StandardScaler -> GaussianProcessRegressor (ConstantKernel * RBF + WhiteKernel, "
             "normalize_y) on a float64 input: the kernel against 265 training rows in "
             "float64; its graph multiplies ConstantOfShape zeros, which tract could not "
             "optimise with a symbolic batch")
    add("gpr-dotproduct-float64",
        GaussianProcessRegressor(kernel=DotProduct() + WhiteKernel(), random_state=SEED),
        diabetes(), R, edges=True, **f64,
        note="GaussianProcessRegressor (DotProduct + WhiteKernel) on a float64 input")
    add("kmeans-float64-minibatch", MiniBatchKMeans(n_clusters=3, n_init=3, random_state=SEED),
        wine("int"), "clustering", fit_y=False, edges=True, **f64,
        note="MiniBatchKMeans on a float64 input: label = nearest centre, scores = distances "
             "(transform), in float64")
    knn = dict(fit_y=False, nan_train=0.1, nan_rows=20, all_nan_row=False,
               target_opset=LATEST_OPSET)
    knn_note = ("skl2onnx writes KNNImputer as nine model-local functions (local_domain) "
                "called from the graph, from each other and from If branches, with NonZero and "
                "Compress (lengths known only at run time); it needs opset 18. No row is "
                "entirely NaN: onnxruntime fails on such a row (GatherElements index out of "
                "range), and so does sealed-onnx")
    add("knnimputer-uniform", KNNImputer(n_neighbors=3), wine("int"), T, **knn, note=knn_note)
    add("knnimputer-uniform-5", KNNImputer(n_neighbors=5), diabetes(), T, **knn,
        note=knn_note + "; skl2onnx 1.20 accepts only a float32 input for KNNImputer")
    add("knnimputer-logreg",
        Pipeline([("impute", KNNImputer(n_neighbors=4)), ("scaler", StandardScaler()),
                  ("model", LogisticRegression(max_iter=2000))]),
        cancer("int"), C, nan_train=0.05, nan_rows=12, all_nan_row=False,
        target_opset=LATEST_OPSET, note=knn_note + "; inside a pipeline")


def float32_contrast(case: Case, b: Built, sk: dict, problems: list[str]) -> dict:
    """The same fitted model exported with a float32 input, run by onnxruntime on the same
    rows: how far from scikit-learn it is. It must miss FLOAT64_TOLERANCE, so that the
    engine's float64 result (held to it) proves no step ran in float32."""
    types = [(n, FloatTensorType(t.shape)) for n, t in b.initial_types]
    onx = convert_with_skl2onnx(
        case, Built(b.model, b.inputs, b.sk_in, types, b.dataset, b.rows, b.sk_mask),
        skl2onnx_options(case, b.model))
    sess = session(onx.SerializeToString())
    names = [o.name for o in sess.get_outputs()]
    feed = {k: v.astype(np.float32) for k, v in b.inputs.items()}
    out = dict(zip(names, sess.run(None, feed)))
    pairs, exact_ok, _, _ = compare(case, b, sk, out, names)
    max_abs = max_rel = 0.0
    for o, s in pairs:
        a, r = max_errors(o, s)
        max_abs, max_rel = max(max_abs, a), max(max_rel, r)
    meets = exact_ok and all(passes(o, s, FLOAT64_TOLERANCE) for o, s in pairs)
    if meets:
        problems.append("the float32 export meets the float64 tolerance: this case cannot "
                        "show that the graph is computed in float64")
    return {"max_error": {"absolute": max_abs, "relative": max_rel},
            "meets_float64_tolerance": meets}


def write_localfn_handmade() -> Result:
    """localfn-handmade: a graph written with onnx.helper that uses what the KNNImputer export
    uses of model-local functions and more: a function called twice with and without an
    attribute (the second call takes the function's default), a function that passes its own
    attribute on by reference to another, an If with a data-dependent condition inside a
    function whose branches call a function, and Compress/NonZero on data. Checked against a
    numpy computation of the same formula."""
    name = "localfn-handmade"
    h = onnx.helper
    L = "local"
    f = onnx.TensorProto.FLOAT
    opsets = [h.make_opsetid("", 18), h.make_opsetid(L, 1)]
    # weighted(x, w; alpha) = ReduceSum(x * w, axis 1, keepdims) * alpha
    def ref(name: str, to: str) -> onnx.AttributeProto:
        a = h.make_attribute_ref(name, onnx.AttributeProto.FLOAT)
        a.ref_attr_name = to
        return a

    c_alpha = h.make_node("Constant", [], ["a"])
    c_alpha.attribute.append(ref("value_float", "alpha"))
    weighted = h.make_function(
        L, "weighted", ["x", "w"], ["y"],
        [h.make_node("Mul", ["x", "w"], ["xw"]),
         h.make_node("Constant", [], ["ax"], value=h.make_tensor("ax", onnx.TensorProto.INT64,
                                                                  [1], [1])),
         h.make_node("ReduceSum", ["xw", "ax"], ["s"], keepdims=1),
         c_alpha,
         h.make_node("Mul", ["s", "a"], ["y"])],
        opsets, attributes=[], attribute_protos=[h.make_attribute("alpha", 2.0)])
    # gated(x, w; gain) = If(ReduceMax(x) > 0, weighted(x, w; alpha=gain), -x[:, :1])
    call_gain = h.make_node("weighted", ["x", "w"], ["pos"], domain=L)
    call_gain.attribute.append(ref("alpha", "gain"))
    then_g = h.make_graph([call_gain], "then", [],
                          [h.make_tensor_value_info("pos", f, None)])
    else_g = h.make_graph(
        [h.make_node("Constant", [], ["st"], value=h.make_tensor("st", onnx.TensorProto.INT64,
                                                                 [1], [0])),
         h.make_node("Constant", [], ["en"], value=h.make_tensor("en", onnx.TensorProto.INT64,
                                                                 [1], [1])),
         h.make_node("Slice", ["x", "st", "en", "en"], ["first"]),
         h.make_node("Neg", ["first"], ["neg"])],
        "else", [], [h.make_tensor_value_info("neg", f, None)])
    gated = h.make_function(
        L, "gated", ["x", "w"], ["y"],
        [h.make_node("ReduceMax", ["x"], ["m"], keepdims=0),
         h.make_node("Constant", [], ["zero"], value=h.make_tensor("zero", f, [], [0.0])),
         h.make_node("Greater", ["m", "zero"], ["cond"]),
         h.make_node("If", ["cond"], ["y"], then_branch=then_g, else_branch=else_g)],
        opsets, attributes=["gain"])
    rng = np.random.RandomState(SEED)
    k = 4
    w = rng.normal(0, 1, size=(1, k)).astype(np.float32)
    nodes = [
        # a: every row's weighted sum with gain 3 (one If per call: the whole batch decides).
        h.make_node("gated", ["X", "W"], ["a"], domain=L, gain=3.0),
        # b: the default alpha (2).
        h.make_node("weighted", ["X", "W"], ["b"], domain=L),
        h.make_node("Add", ["a", "b"], ["Y"]),
        # positives: the entries of X above zero (NonZero, then Compress on the flat input).
        h.make_node("Constant", [], ["flat"], value=h.make_tensor("flat", onnx.TensorProto.INT64,
                                                                   [1], [-1])),
        h.make_node("Reshape", ["X", "flat"], ["xf"]),
        h.make_node("Constant", [], ["z"], value=h.make_tensor("z", f, [], [0.0])),
        h.make_node("Greater", ["xf", "z"], ["keep"]),
        h.make_node("Compress", ["xf", "keep"], ["positives"], axis=0),
        h.make_node("NonZero", ["keep"], ["where"]),
    ]
    graph = h.make_graph(
        nodes, name, [h.make_tensor_value_info("X", f, [None, k])],
        [h.make_tensor_value_info("Y", f, [None, 1]),
         h.make_tensor_value_info("positives", f, [None]),
         h.make_tensor_value_info("where", onnx.TensorProto.INT64, [1, None])],
        [onnx.numpy_helper.from_array(w, "W")])
    onx = h.make_model(graph, opset_imports=opsets, functions=[weighted, gated])
    onx.ir_version = 9
    onx = normalise_model(onx)
    onnx.checker.check_model(onx)
    data = onx.SerializeToString()
    sess = session(data)
    names = [o.name for o in sess.get_outputs()]

    def numpy(X: np.ndarray) -> dict:
        s = (X.astype(np.float64) * w.astype(np.float64)).sum(axis=1, keepdims=True)
        a = 3.0 * s if X.max() > 0 else -X[:, :1].astype(np.float64)
        flat = X.ravel()
        return {"Y": a + 2.0 * s, "positives": flat[flat > 0].astype(np.float64),
                "where": np.flatnonzero(flat > 0)[None, :]}

    # Two batches: one with a positive entry (then branch), one all negative (else branch);
    # io.json holds one input, so the second is checked here only.
    X = f32(rng.normal(0, 2, size=(60, k)))
    X = np.vstack([X, extreme_rows(X, X)]).astype(np.float32)
    outs = dict(zip(names, sess.run(None, {"X": X})))
    problems = []
    max_abs = max_rel = 0.0
    for batch, got in [(X, outs), (-np.abs(X[:5]) - 1,
                                   dict(zip(names, sess.run(None, {"X": -np.abs(X[:5]) - 1}))))]:
        want = numpy(batch)
        if not np.array_equal(got["where"], want["where"]):
            problems.append("NonZero differs from numpy")
        for key in ("Y", "positives"):
            a, r = max_errors(got[key], want[key])
            max_abs, max_rel = max(max_abs, a), max(max_rel, r)
            if not passes(got[key], want[key], TOLERANCES[0]):
                problems.append(f"{key} differs from numpy beyond {TOLERANCES[0]}")
    doc = {
        "estimator": "local functions",
        "task": "transform",
        "ops": ops_of(onx),
        "inputs": {"X": tensor_json(X)},
        "onnxruntime": {n: tensor_json(outs[n]) for n in names},
        "tolerance": TOLERANCES[0],
        "label_type": None,
        "pipeline": [],
        "dataset": "60 rows of N(0, 2) and their x10 extremes, 4 columns",
        "rows": {"generated": len(X)},
        "max_error": {"absolute": max_abs, "relative": max_rel},
        "agrees": not problems,
        "note": "hand-written graph with model-local functions (nested calls, attribute "
                "references and defaults, an If with a data-dependent condition inside a "
                "function, calling a function from its branch) plus Compress and NonZero on "
                "data; checked against numpy; no scikit-learn model",
    }
    io_bytes = write_files(name, doc, data)
    return Result(name, doc["ops"], doc["tolerance"], max_abs, max_rel, io_bytes, len(data),
                  not problems, 0, problems)


# --------------------------------------------------------------------------------------------
# Held-out rows
# --------------------------------------------------------------------------------------------


def extreme_rows(X_train: np.ndarray, X_test: np.ndarray) -> np.ndarray:
    """Rows ×10 beyond the training range: 6 test rows blown up around the training mean,
    then the per-feature maximum, minimum and an alternating max/min, each pushed out ×10."""
    center = np.nanmean(X_train, axis=0)
    hi = np.nanmax(X_train, axis=0)
    lo = np.nanmin(X_train, axis=0)
    rows = [center + EXTREME_FACTOR * (x - center) for x in X_test[:6]]
    rows.append(center + EXTREME_FACTOR * (hi - center))
    rows.append(center + EXTREME_FACTOR * (lo - center))
    alt = np.where(np.arange(X_train.shape[1]) % 2 == 0, hi, lo)
    rows.append(center + EXTREME_FACTOR * (alt - center))
    return f32(np.array(rows))


def nan_rows(X: np.ndarray, n: int, seed: int) -> np.ndarray:
    """n copies of rows of X with NaN cells: the first with every cell NaN, the rest with
    one to half of their cells NaN."""
    rng = np.random.RandomState(seed)
    out = []
    k = X.shape[1]
    for i in range(n):
        row = X[i % len(X)].copy()
        if i == 0:
            row[:] = np.nan
        else:
            m = rng.randint(1, max(2, k // 2 + 1))
            row[rng.choice(k, m, replace=False)] = np.nan
        out.append(row)
    return np.array(out)


# --------------------------------------------------------------------------------------------
# JSON tensors
# --------------------------------------------------------------------------------------------


def _f32_value(v: np.float32) -> float | None:
    if np.isnan(v):
        return None
    if np.isinf(v):
        raise ValueError("infinite value cannot be written as JSON")
    short = float(str(v))  # shortest decimal that round-trips through float32
    return short if np.float32(short) == v else float(v)


def _f64_value(v: float) -> float | None:
    if math.isnan(v):
        return None
    if math.isinf(v):
        raise ValueError("infinite value cannot be written as JSON")
    return float(v)


def tensor_json(a: np.ndarray) -> dict:
    a = np.asarray(a)
    if a.dtype == np.float32:
        dtype, conv = "float32", _f32_value
    elif a.dtype == np.float64:
        dtype, conv = "float64", _f64_value
    elif a.dtype == np.bool_:
        dtype, conv = "bool", bool
    elif np.issubdtype(a.dtype, np.integer):
        dtype, conv = "int64", int
    elif a.dtype.kind in "OUS":
        dtype, conv = "string", str
    else:
        raise TypeError(f"unsupported dtype {a.dtype}")

    def nest(x):
        if isinstance(x, np.ndarray):
            if x.ndim == 0:
                return conv(x[()])
            return [nest(x[i]) for i in range(x.shape[0])]
        return conv(x)

    return {"dtype": dtype, "shape": [int(d) for d in a.shape], "data": nest(a)}


def maps_json(rows: list[dict]) -> list[dict]:
    """onnxruntime's sequence of maps (a ZipMap's output) as JSON: one object per row, keys in
    the ZipMap's order (integer labels as decimal strings), float32 values written exactly."""
    return [{str(k): _f32_value(np.float32(v)) for k, v in row.items()} for row in rows]


def maps_array(rows: list[dict]) -> np.ndarray:
    """A sequence of maps as the [N, classes] float32 array it was made from."""
    return np.array([list(row.values()) for row in rows], dtype=np.float32)


def output_json(v) -> Any:
    return maps_json(v) if isinstance(v, list) else tensor_json(v)


def plain(a) -> Any:
    """scikit-learn outputs as JSON values (floats at full float64 precision, NaN as null)."""
    a = np.asarray(a, dtype=object if np.asarray(a).dtype.kind in "OUS" else None)

    def conv(x):
        if x is None:
            return None
        if isinstance(x, (str, np.str_)):
            return str(x)
        if isinstance(x, (bool, np.bool_)):
            return bool(x)
        if isinstance(x, (int, np.integer)):
            return int(x)
        v = _f64_value(float(x))
        return None if v is None else float(f"{v:.{SKLEARN_DIGITS}g}")

    def nest(x):
        if isinstance(x, np.ndarray):
            if x.ndim == 0:
                return conv(x[()])
            return [nest(x[i]) for i in range(x.shape[0])]
        return conv(x)

    return nest(a)


_NP = {"float32": np.float32, "float64": np.float64, "int64": np.int64, "bool": np.bool_,
       "string": object}


def from_json(t: dict) -> np.ndarray:
    """A JSON tensor as the engine reads it (numbers parsed as float64, then cast)."""
    def fix(x):
        if isinstance(x, list):
            return [fix(v) for v in x]
        return math.nan if x is None and t["dtype"].startswith("float") else x

    data = fix(t["data"])
    if t["dtype"] == "float32":
        a = np.array(data, dtype=np.float64).astype(np.float32)
    else:
        a = np.array(data, dtype=_NP[t["dtype"]])
    return a.reshape(t["shape"])


def write_files(name: str, doc: dict, data: bytes) -> int:
    """Writes OUT_DIR/<name>/model.onnx and io.json, checks they read back, and returns the
    size of io.json in bytes."""
    text = dumps(doc) + "\n"
    out = OUT_DIR / name
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.onnx").write_bytes(data)
    (out / "io.json").write_text(text, encoding="utf-8")
    check_round_trip(out / "io.json", data)
    return len(text.encode("utf-8"))


def check_round_trip(path: Path, onx_bytes: bytes) -> None:
    """Re-read io.json, re-run onnxruntime on its inputs: the outputs must be the stored ones,
    bit for bit."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    sess = session(onx_bytes)
    feed = {k: from_json(v) for k, v in doc["inputs"].items()}
    got = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, feed)))
    for name, t in doc["onnxruntime"].items():
        if isinstance(t, list):  # a sequence of maps
            g = got[name]
            same = len(g) == len(t) and all(
                [str(k) for k in gr] == list(tr)
                and all(np.float32(gv) == np.float32(tv) or (tv is None and np.isnan(gv))
                        for gv, tv in zip(gr.values(), tr.values()))
                for gr, tr in zip(g, t))
            if not same:
                raise AssertionError(f"{path}: output {name} differs after the JSON round trip")
            continue
        want = from_json(t)
        g = got[name]
        same = g.shape == want.shape and (
            np.array_equal(g, want, equal_nan=True) if g.dtype.kind == "f"
            else np.array_equal(g.astype(want.dtype), want)
        )
        if not same:
            raise AssertionError(f"{path}: output {name} differs after the JSON round trip")


def dumps(obj: Any, indent: int = 0) -> str:
    """JSON with objects indented and each innermost array on one line."""
    pad, pad1 = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad1}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if all(not isinstance(x, (list, dict)) for x in obj):
            return json.dumps(obj, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
        items = [pad1 + dumps(x, indent + 1) for x in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, allow_nan=False, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# Export and check
# --------------------------------------------------------------------------------------------


def final_estimator(model):
    return model.steps[-1][1] if isinstance(model, Pipeline) else model


def step_name(est) -> str:
    """A step's class name; for the meta-estimators, with what they hold."""
    if isinstance(est, VotingClassifier):
        inner = ", ".join(" → ".join(step_names(e)) for _, e in est.estimators)
        return f"VotingClassifier({est.voting}: {inner})"
    if isinstance(est, CalibratedClassifierCV):
        return f"CalibratedClassifierCV({type(est.estimator).__name__}, {est.method})"
    if isinstance(est, VotingRegressor):
        inner = ", ".join(" → ".join(step_names(e)) for _, e in est.estimators)
        return f"VotingRegressor({inner})"
    if isinstance(est, (StackingClassifier, StackingRegressor)):
        inner = ", ".join(" → ".join(step_names(e)) for _, e in est.estimators)
        return f"{type(est).__name__}({inner}; final: {type(est.final_estimator).__name__})"
    if isinstance(est, (BaggingClassifier, BaggingRegressor, AdaBoostClassifier,
                        AdaBoostRegressor)):
        return f"{type(est).__name__}({type(est.estimators_[0]).__name__})"
    if isinstance(est, OneVsRestClassifier):
        return f"OneVsRestClassifier({type(est.estimator).__name__})"
    return type(est).__name__


def step_names(model) -> list[str]:
    if isinstance(model, Pipeline):
        out = []
        for _, s in model.steps:
            if isinstance(s, ColumnTransformer):
                inner = sorted({t if isinstance(t, str) else type(t).__name__
                                for _, t, _ in s.transformers if t != "drop"})
                out.append("ColumnTransformer(" + ", ".join(inner) + ")")
            else:
                out.append(step_name(s))
        return out
    return [step_name(model)]


def normalise_model(onx: onnx.ModelProto) -> onnx.ModelProto:
    """Stable header fields and a sorted opset_import. Duplicate entries (skl2onnx 1.20 writes
    the default domain twice for most pipelines) are kept as exported: real files have them."""
    opsets = sorted(((o.domain, o.version) for o in onx.opset_import))
    del onx.opset_import[:]
    for domain, version in opsets:
        op = onx.opset_import.add()
        op.domain, op.version = domain, version
    onx.producer_name = "skl2onnx"
    onx.producer_version = skl2onnx.__version__
    onx.domain = "ai.onnx"
    onx.model_version = 0
    onx.doc_string = ""
    onx.graph.doc_string = ""
    for n in onx.graph.node:
        n.doc_string = ""
    del onx.metadata_props[:]
    return onx


def ops_of(onx: onnx.ModelProto) -> list[str]:
    return sorted({f"{n.domain or 'ai.onnx'}:{n.op_type}" for n in onx.graph.node})


def session(onx_bytes: bytes) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    return ort.InferenceSession(onx_bytes, so, providers=["CPUExecutionProvider"])


def max_errors(o: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    o = np.asarray(o, dtype=np.float64).ravel()
    s = np.asarray(s, dtype=np.float64).ravel()
    if o.shape != s.shape:
        raise AssertionError(f"{o.shape} onnxruntime values vs {s.shape} scikit-learn values")
    both_nan = np.isnan(o) & np.isnan(s)
    if np.any(np.isnan(o) != np.isnan(s)):
        return math.inf, math.inf
    d = np.abs(o - s)[~both_nan]
    if d.size == 0:
        return 0.0, 0.0
    # Relative error only where it means something (|sklearn| >= 1e-3).
    big = np.abs(s[~both_nan]) >= 1e-3
    rel = d[big] / np.abs(s[~both_nan][big])
    return float(d.max()), float(rel.max()) if rel.size else 0.0


def passes(o: np.ndarray, s: np.ndarray, tol: dict) -> bool:
    o = np.asarray(o, dtype=np.float64).ravel()
    s = np.asarray(s, dtype=np.float64).ravel()
    nan = np.isnan(o) | np.isnan(s)
    if np.any(np.isnan(o) != np.isnan(s)):
        return False
    return bool(
        np.all(np.abs(o[~nan] - s[~nan]) <= tol["absolute"] + tol["relative"] * np.abs(s[~nan]))
    )


@dataclass
class Built:
    model: Any
    inputs: dict[str, np.ndarray]  # graph inputs (held-out rows)
    sk_in: Any  # what scikit-learn predicts on
    initial_types: list
    dataset: str
    rows: dict
    sk_mask: np.ndarray | None = None  # rows scikit-learn can evaluate (label encoders)


def columns_data(kind: str):
    """Mixed numeric/string frame: two numeric columns, two string columns."""
    rng = np.random.RandomState(SEED)
    n = 500
    colour = rng.choice(["red", "green", "blue", "amber"], n, p=[0.4, 0.3, 0.2, 0.1])
    size = rng.choice(["S", "M", "L", "XL"], n)
    width = f32(rng.normal(10.0, 3.0, n))
    weight = f32(rng.gamma(2.0, 5.0, n))
    effect = {"red": 1.0, "green": -0.5, "blue": 0.3, "amber": 2.0}
    sz = {"S": 0, "M": 1, "L": 2, "XL": 3}
    score = (
        np.array([effect[c] for c in colour])
        + 0.6 * np.array([sz[s] for s in size])
        + 0.15 * (width - 10)
        - 0.05 * (weight - 10)
        + rng.normal(0, 0.4, n)
    )
    df = pd.DataFrame({"width": width, "weight": weight, "colour": colour, "size": size})
    if kind == "columns-classifier":
        y = np.where(score > np.median(score), "high", "low")
        stratify = y
    else:
        y = 20.0 * score + 3.0
        stratify = None
    tr, te, ytr, yte = train_test_split(df, y, test_size=0.3, random_state=SEED,
                                        stratify=stratify)
    return tr.reset_index(drop=True), te.reset_index(drop=True), ytr, yte


def build(case: Case) -> Built:
    seed = sum(ord(c) for c in case.name)  # stable per-case seed
    if case.input_kind.startswith("labels-"):
        return build_label_encoder(case, seed)
    if case.input_kind == "columns":
        return build_columns(case)
    if case.input_kind == "columns-encoded":
        return build_encoded_columns(case)
    if case.input_kind.startswith("text"):
        return build_text(case)
    d = case.data
    X_train = d.X_train
    if case.nan_train:
        X_train = with_nans(X_train, case.nan_train, seed)
    model = case.model
    if case.fit_y:
        model.fit(X_train, d.y_train)
    else:
        model.fit(X_train)
    regular = d.X_test[: case.regular]
    parts = [regular]
    rows = {"held_out": len(regular)}
    if case.extremes:
        ext = extreme_rows(d.X_train, d.X_test)
        parts.append(ext)
        rows["extreme_x10"] = len(ext)
    if case.edges:
        edge = f32(np.array([np.nanmax(d.X_train, axis=0), np.nanmin(d.X_train, axis=0)]))
        parts.append(edge)
        rows["training_max_min"] = len(edge)
    if case.nan_rows:
        nr = nan_rows(d.X_test[case.regular:] if len(d.X_test) > case.regular + case.nan_rows
                      else d.X_test, case.nan_rows, seed)
        if not case.all_nan_row:
            nr = nr[1:]
        parts.append(nr)
        rows["with_nan"] = len(nr)
    X = np.vstack(parts)
    if case.nonneg:
        X = np.abs(X)
    k = X.shape[1]
    if case.input_kind == "double":
        inputs = {"X": X.astype(np.float64)}
        types = [("X", DoubleTensorType([None, k]))]
    elif case.input_kind == "columns-float":
        names = ["sepal_length", "sepal_width", "petal_length", "petal_width"][:k]
        inputs = {n: X[:, [i]].astype(np.float32) for i, n in enumerate(names)}
        types = [(n, FloatTensorType([None, 1])) for n in names]
    else:
        inputs = {"X": X.astype(np.float32)}
        types = [("X", FloatTensorType([None, k]))]
    dataset = d.name + (f"; {case.nan_train:.0%} of training cells NaN" if case.nan_train else "")
    return Built(model, inputs, X, types, dataset, rows)


def build_columns(case: Case) -> Built:
    tr, te, ytr, yte = columns_data(case.model)
    num, cat = ["width", "weight"], ["colour", "size"]
    if case.model == "columns-classifier":
        pre = ColumnTransformer(
            [
                ("num", StandardScaler(), num),
                ("onehot", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
                ("ordinal", OrdinalEncoder(categories=[["S", "M", "L", "XL"]]), ["size"]),
            ]
        )
        model = Pipeline([("columns", pre), ("model", LogisticRegression(max_iter=2000))])
    else:
        pre = ColumnTransformer(
            [
                ("num", "passthrough", num),
                ("onehot", OneHotEncoder(handle_unknown="ignore"), cat),
            ]
        )
        model = Pipeline([("columns", pre), ("model", RandomForestRegressor(
            n_estimators=15, max_depth=6, random_state=SEED))])
    model.fit(tr, ytr)
    regular = te.iloc[:N_REGULAR].copy()
    # Extremes on the numeric columns and categories never seen in training.
    X_num_train = tr[num].to_numpy(dtype=np.float64)
    ext_num = extreme_rows(X_num_train, te[num].to_numpy(dtype=np.float64))
    ext = pd.DataFrame(ext_num, columns=num)
    ext["colour"] = te["colour"].iloc[: len(ext)].to_numpy()
    ext["size"] = te["size"].iloc[: len(ext)].to_numpy()
    unknown = te.iloc[N_REGULAR:N_REGULAR + 6].copy().reset_index(drop=True)
    unknown["colour"] = ["purple", "", "RED", "purple", "red", "blue"]
    if case.model == "columns-regressor":
        unknown["size"] = ["XXL", "M", "s", "", "XXL", "L"]
    frame = pd.concat([regular, ext, unknown], ignore_index=True)
    frame[num] = f32(frame[num].to_numpy())
    inputs = {}
    types = []
    for c in num:
        inputs[c] = frame[[c]].to_numpy(dtype=np.float32)
        types.append((c, FloatTensorType([None, 1])))
    for c in cat:
        inputs[c] = frame[[c]].to_numpy(dtype=object).astype(str).astype(object)
        types.append((c, StringTensorType([None, 1])))
    rows = {"held_out": len(regular), "extreme_x10": len(ext), "unknown_category": len(unknown)}
    name = "generated: 2 numeric + 2 string columns (colour, size), 500 rows"
    return Built(model, inputs, frame, types, name, rows)


def build_encoded_columns(case: Case) -> Built:
    """The mixed frame of ``columns_data`` through OrdinalEncoder(handle_unknown=
    'use_encoded_value') or TargetEncoder, with categories never seen in training."""
    encoder_kind, task = case.model.split("-")
    tr, te, ytr, _ = columns_data("columns-classifier" if task == "classifier"
                                  else "columns-regressor")
    num, cat = ["width", "weight"], ["colour", "size"]
    if encoder_kind == "ordinal":
        encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    else:
        encoder = TargetEncoder(random_state=SEED)
    pre = ColumnTransformer([("num", StandardScaler(), num), ("encode", encoder, cat)])
    if task == "classifier":
        final = LogisticRegression(max_iter=2000)
    elif encoder_kind == "ordinal":
        final = RandomForestRegressor(n_estimators=15, max_depth=6, random_state=SEED)
    else:
        final = Ridge()
    model = Pipeline([("columns", pre), ("model", final)])
    model.fit(tr, ytr)
    regular = te.iloc[:N_REGULAR].copy()
    ext = pd.DataFrame(extreme_rows(tr[num].to_numpy(dtype=np.float64),
                                    te[num].to_numpy(dtype=np.float64)), columns=num)
    ext["colour"] = te["colour"].iloc[: len(ext)].to_numpy()
    ext["size"] = te["size"].iloc[: len(ext)].to_numpy()
    unknown = te.iloc[N_REGULAR:N_REGULAR + 8].copy().reset_index(drop=True)
    unknown["colour"] = ["purple", "", "RED", "purple", "red", "blue", "green ", "amber"]
    unknown["size"] = ["XXL", "M", "s", "", "XXL", "L", "S", "xl"]
    frame = pd.concat([regular, ext, unknown], ignore_index=True)
    frame[num] = f32(frame[num].to_numpy())
    inputs, types = {}, []
    for c in num:
        inputs[c] = frame[[c]].to_numpy(dtype=np.float32)
        types.append((c, FloatTensorType([None, 1])))
    for c in cat:
        inputs[c] = frame[[c]].to_numpy(dtype=object).astype(str).astype(object)
        types.append((c, StringTensorType([None, 1])))
    rows = {"held_out": len(regular), "extreme_x10": len(ext), "unknown_category": len(unknown)}
    name = "generated: 2 numeric + 2 string columns (colour, size), 500 rows"
    return Built(model, inputs, frame, types, name, rows)


TOPICS = {
    "sport": "match team goal score player coach league season win referee stadium fans "
             "striker keeper penalty",
    "science": "experiment theory data cell energy molecule physics research lab planet "
               "quantum protein telescope hypothesis",
    "cooking": "recipe oven flour sugar butter salt pepper garlic onion simmer bake sauce "
               "dough spice",
}
COMMON = "the of and to in is it that this with for on was very really some new old good"
NONASCII = "naïve café crème brûlée émile straße façade über señor"
# Edge rows: empty, white space and punctuation only, digits, capitals, non-ASCII text, very
# long text, words never seen in training.
TEXT_EDGES = [
    "",
    " ",
    "!!! ??? ... ,,, ;;;",
    "12345 67890",
    "THE TEAM WON THE MATCH",
    "Émile ÇA ßtraße naïve",
    "zebra quokka xylophone",
    "goal-goal, goal; goal.goal",
]


def text_data(case: Case):
    """Generated documents: three topics of words, common words, punctuation and capitals."""
    rng = np.random.RandomState(SEED)
    topics = sorted(TOPICS)
    common = COMMON.split()
    extra = {"text-nonascii": NONASCII.split(), "text-oneletter": ["a", "i"]}.get(
        case.input_kind, [])

    def doc(t: str) -> str:
        words = TOPICS[t].split()
        other = TOPICS[topics[(topics.index(t) + 1) % 3]].split()
        n = rng.randint(4, 25)
        out = []
        for _ in range(n):
            r = rng.rand()
            pool = words if r < 0.5 else common if r < 0.8 else other if r < 0.92 else \
                (extra or common)
            w = pool[rng.randint(len(pool))]
            if rng.rand() < 0.1:
                w = w.capitalize()
            out.append(w)
            if rng.rand() < 0.1:
                out[-1] += rng.choice([",", ".", "!", "?"])
        return " ".join(out)

    y = np.array([topics[i % 3] for i in range(450)])
    rng.shuffle(y)
    docs = np.array([doc(t) for t in y], dtype=object)
    return train_test_split(docs, y, test_size=0.3, random_state=SEED, stratify=y)


def build_text(case: Case) -> Built:
    X_train, X_test, y_train, _ = text_data(case)
    model = case.model
    if case.fit_y:
        model.fit(X_train, y_train)
    else:
        model.fit(X_train)
    regular = list(X_test[: case.regular])
    long_text = " ".join(X_test[case.regular: case.regular + 40])  # ~600 words
    edges = TEXT_EDGES + [long_text]
    if case.input_kind == "text-nonascii":
        edges += ["Naïve Café", "CRÈME BRÛLÉE", "straße STRASSE", "İstanbul ΑΙ ᾳ ﬁ ǅ"]
    docs = np.array(regular + edges, dtype=object)
    rows = {"held_out": len(regular), "edge": len(edges)}
    types = [("text", StringTensorType([None, 1]))]
    name = "generated documents: 3 topics, 450 rows" + {
        "text-nonascii": "; non-ASCII words in training",
        "text-oneletter": "; one-letter words in training"}.get(case.input_kind, "")
    return Built(model, {"text": docs.reshape(-1, 1)}, docs, types, name, rows)


def build_label_encoder(case: Case, seed: int) -> Built:
    rng = np.random.RandomState(seed)
    kind = case.input_kind.split("-")[1]
    if kind == "str":
        classes = np.array(["setosa", "versicolor", "virginica", "Setosa", "", "ünïcode"])
        unseen = np.array(["rose", "SETOSA", "setosa "], dtype=object)
        dt = StringTensorType([None])
    elif kind == "int":
        classes = np.array([-5, 0, 3, 42, 1000, 2**40], dtype=np.int64)
        unseen = np.array([1, -1, 7], dtype=np.int64)
        dt = Int64TensorType([None])
    else:
        classes = np.array([-2.5, 0.0, 0.1, 1.5, 1e6], dtype=np.float32)
        unseen = np.array([0.2, -1.0, 3.0], dtype=np.float32)
        dt = FloatTensorType([None])
    train = rng.choice(classes, 200)
    model = case.model.fit(train)
    held = rng.choice(classes, 50)
    x = np.concatenate([held, unseen])
    if kind == "str":
        x = x.astype(object)
    mask = np.isin(x, classes)
    rows = {"held_out": len(held), "unseen": len(unseen)}
    return Built(model, {"X": x}, x, [("X", dt)], f"generated labels ({kind})", rows, mask)


def sklearn_outputs(case: Case, b: Built) -> dict[str, np.ndarray]:
    m = b.model
    if case.task == "classification":
        out = {"label": np.asarray(m.predict(b.sk_in))}
        if isinstance(final_estimator(m), VotingClassifier) and \
                final_estimator(m).voting == "hard":
            out["probabilities"] = hard_vote_shares(m, b.sk_in)
        elif hasattr(m, "predict_proba") and (
            not isinstance(final_estimator(m), SVC) or final_estimator(m).probability
        ):
            out["probabilities"] = np.asarray(m.predict_proba(b.sk_in), dtype=np.float64)
        else:
            out["scores"] = np.asarray(m.decision_function(b.sk_in), dtype=np.float64)
        return out
    if case.task == "regression":
        return {"value": np.asarray(m.predict(b.sk_in), dtype=np.float64)}
    if case.task == "clustering":
        return {"label": np.asarray(m.predict(b.sk_in)),
                "distances": np.asarray(m.transform(b.sk_in), dtype=np.float64)}
    if case.task == "outlier":
        return {"label": np.asarray(m.predict(b.sk_in)),
                "score": np.asarray(m.decision_function(b.sk_in), dtype=np.float64)}
    if b.sk_mask is not None:
        vals = np.full(len(b.sk_in), None, dtype=object)
        vals[b.sk_mask] = m.transform(b.sk_in[b.sk_mask])
        return {"transform": vals}
    t = m.transform(b.sk_in)
    if hasattr(t, "toarray"):  # text vectorizers give a sparse matrix
        t = t.toarray()
    return {"transform": np.asarray(t, dtype=np.float64)}


def hard_vote_shares(m, X) -> np.ndarray:
    """A hard VotingClassifier's share of the (weighted) votes per class, [N, classes]: what
    skl2onnx's export gives as its probabilities output."""
    est = final_estimator(m)
    Xt = m[:-1].transform(X) if isinstance(m, Pipeline) else X
    votes = est.transform(Xt)  # [N, estimators] class indices
    w = np.ones(votes.shape[1]) if est.weights is None else np.asarray(est.weights, float)
    shares = np.zeros((len(votes), len(est.classes_)))
    for j in range(votes.shape[1]):
        shares[np.arange(len(votes)), votes[:, j]] += w[j]
    return shares / w.sum()


def near_ties(case: Case, b: Built, sk: dict) -> np.ndarray:
    """Rows to leave out: classifier near-ties, and KNN rows whose k-th and (k+1)-th neighbours
    are (almost) equally far away."""
    n = len(next(iter(b.inputs.values())))
    drop = np.zeros(n, dtype=bool)
    if case.task == "classification":
        s = sk.get("probabilities", sk.get("scores"))
        if s.ndim == 1:
            drop |= np.abs(s) < TIE_MARGIN
        else:
            top = np.sort(s, axis=1)
            drop |= (top[:, -1] - top[:, -2]) < TIE_MARGIN * np.maximum(1.0, np.abs(top[:, -1]))
    if case.task == "clustering":  # two centres (almost) equally near: float32 may pick either
        top = np.sort(sk["distances"], axis=1)
        drop |= (top[:, 1] - top[:, 0]) < TIE_MARGIN * np.maximum(1.0, top[:, 0])
    if case.task == "outlier":  # a score near 0: float32 may land on the other side
        drop |= np.abs(sk["score"]) < TIE_MARGIN
    est = final_estimator(b.model)
    if isinstance(est, (KNeighborsClassifier, KNeighborsRegressor)):
        Xt = b.model[:-1].transform(b.sk_in) if isinstance(b.model, Pipeline) else b.sk_in
        dist, _ = est.kneighbors(Xt, n_neighbors=est.n_neighbors + 1)
        k = est.n_neighbors
        drop |= (dist[:, k] - dist[:, k - 1]) <= 1e-4 * (1.0 + dist[:, k])
    return drop


def select(b: Built, keep: np.ndarray) -> Built:
    inputs = {k: v[keep] for k, v in b.inputs.items()}
    sk_in = b.sk_in.iloc[keep].reset_index(drop=True) if isinstance(b.sk_in, pd.DataFrame) \
        else b.sk_in[keep]
    mask = b.sk_mask[keep] if b.sk_mask is not None else None
    return Built(b.model, inputs, sk_in, b.initial_types, b.dataset, dict(b.rows), mask)


def skl2onnx_options(case: Case, model) -> dict:
    if case.task != "classification" or case.zipmap:
        return {}
    est = final_estimator(model)
    opts: dict = {"zipmap": False}
    if case.nocl:
        opts["nocl"] = False
    return {id(est): opts}


def compare(case: Case, b: Built, sk: dict, ort_out: dict, names: list[str]):
    """Returns (pairs, exact_ok, messages, compared): pairs of (onnxruntime values, sklearn
    values) to hold to the tolerance, whether all exactly-compared outputs agree, what differs,
    and which onnxruntime output each scikit-learn output was compared with."""
    pairs, msgs, exact_ok = [], [], True
    compared: dict[str, str] = {}
    if case.task == "classification":
        compared["label"] = names[0]
        label = ort_out[names[0]]
        want = sk["label"]
        if label.dtype.kind in "OUS":
            same = np.array([str(a) == str(c) for a, c in zip(label.ravel(), want.ravel())])
        else:
            same = label.ravel().astype(np.int64) == want.ravel().astype(np.int64)
        if not same.all():
            exact_ok = False
            bad = np.flatnonzero(~same)
            msgs.append(f"label differs on {len(bad)} row(s), first row {bad[0]}: onnxruntime "
                        f"{label.ravel()[bad[0]]!r}, scikit-learn {want.ravel()[bad[0]]!r}")
        scores = ort_out[names[1]]
        key = "probabilities" if "probabilities" in sk else "scores"
        s = sk[key]
        compared[key] = names[1]
        if s.ndim == 1 and scores.ndim == 2 and scores.shape[1] == 2:
            # Binary decision function: skl2onnx writes [-d, d], except for SVC: [d, -d].
            col = 1 if passes(scores[:, 1], s, TOLERANCES[-1]) or not passes(
                scores[:, 0], s, TOLERANCES[-1]) else 0
            scores = scores[:, col]
            compared[key] = f"{names[1]}[:, {col}]"
        pairs.append((scores, s))
    elif case.task == "regression":
        pairs.append((ort_out[names[0]], sk["value"]))
        compared["value"] = names[0]
    elif case.task in ("clustering", "outlier"):
        # The label (cluster index, or -1/1) exactly; the distances or score within tolerance.
        compared["label"] = names[0]
        label = ort_out[names[0]].ravel().astype(np.int64)
        want = sk["label"].ravel().astype(np.int64)
        if not np.array_equal(label, want):
            exact_ok = False
            bad = np.flatnonzero(label != want)
            msgs.append(f"label differs on {len(bad)} row(s), first row {bad[0]}: onnxruntime "
                        f"{label[bad[0]]}, scikit-learn {want[bad[0]]}")
        key = "distances" if case.task == "clustering" else "score"
        compared[key] = names[1]
        pairs.append((ort_out[names[1]], sk[key]))
    else:
        compared["transform"] = names[0]
        got = ort_out[names[0]]
        want = sk["transform"]
        if b.sk_mask is not None:  # label encoder: exact integers
            ok = got.ravel()[b.sk_mask] == want[b.sk_mask].astype(np.int64)
            unseen_ok = np.all(got.ravel()[~b.sk_mask] == -1)
            if not (ok.all() and unseen_ok):
                exact_ok = False
                msgs.append("label encoder output differs")
        else:
            pairs.append((got, want))
    return pairs, exact_ok, msgs, compared


class KnownIssue(Exception):
    pass


@dataclass
class Result:
    name: str
    ops: list[str]
    tolerance: dict | None
    max_abs: float
    max_rel: float
    io_bytes: int
    model_bytes: int
    agrees: bool
    dropped: int
    problems: list[str]


def convert_with_skl2onnx(case: Case, b: Built, options: dict) -> onnx.ModelProto:
    try:
        return convert_sklearn(b.model, name=case.name, initial_types=b.initial_types,
                               target_opset=case.target_opset, options=options or None)
    except NameError as e:  # e.g. LinearSVC has no zipmap option (it has no ZipMap)
        if "'zipmap' not in" not in str(e):
            raise
        for o in options.values():
            o.pop("zipmap", None)
        return convert_sklearn(b.model, name=case.name, initial_types=b.initial_types,
                               target_opset=case.target_opset, options=options)


def convert_alone_with_onnxmltools(case: Case, b: Built) -> onnx.ModelProto:
    """A LightGBM/XGBoost model as a student converts it alone: onnxmltools'
    convert_lightgbm/convert_xgboost with its default target opset (no ZipMap for
    classifiers, like the rest of the corpus; convert_xgboost never writes one)."""
    types = [(n, MLToolsFloatTensorType(t.shape)) for n, t in b.initial_types]
    if isinstance(b.model, (lightgbm.LGBMClassifier, lightgbm.LGBMRegressor)):
        return onnxmltools.convert_lightgbm(b.model, name=case.name, initial_types=types,
                                            zipmap=False)
    return onnxmltools.convert_xgboost(b.model, name=case.name, initial_types=types)


def write_case(case: Case) -> Result:
    # Each case the same whatever ran before it (a full run or a prefix): estimators left at
    # random_state=None (LinearSVC's liblinear) draw from numpy's global generator, and
    # skl2onnx numbers some names with process-wide counters (a Scan's outputs "UU000UU",
    # the cdist subgraphs of KNN/GPR/LOF "cdistd_1").
    np.random.seed(0)
    skl2onnx_topology.Variable._UNIQUE_NUMBER_ = 0
    skl2onnx_utils._unique_index["subgraph"] = 0
    b = build(case)
    sk = sklearn_outputs(case, b)
    drop = near_ties(case, b, sk)
    if drop.any():
        b = select(b, ~drop)
        sk = sklearn_outputs(case, b)
    options = skl2onnx_options(case, b.model)
    if case.converter == "onnxmltools":
        onx = convert_alone_with_onnxmltools(case, b)
    else:
        onx = convert_with_skl2onnx(case, b, options)
    if case.v5:
        onx = tree_ensemble_v5(onx)
    onx = normalise_model(onx)
    if case.converter == "onnxmltools":
        onx.producer_name, onx.producer_version = "OnnxMLTools", onnxmltools.__version__
    onnx.checker.check_model(onx)
    data = onx.SerializeToString()
    sess = session(data)
    names = [o.name for o in sess.get_outputs()]
    feed = {k: v for k, v in b.inputs.items()}
    raw_out = dict(zip(names, sess.run(None, feed)))
    # A ZipMap's sequence of maps is compared as the [N, classes] array it was made from.
    ort_out = {n: maps_array(v) if isinstance(v, list) else v for n, v in raw_out.items()}

    pairs, exact_ok, problems, compared = compare(case, b, sk, ort_out, names)
    tol, max_abs, max_rel = None, 0.0, 0.0
    for o, s in pairs:
        a, r = max_errors(o, s)
        max_abs, max_rel = max(max_abs, a), max(max_rel, r)
    candidates = ([FLOAT64_TOLERANCE] if case.input_kind == "double" else []) + TOLERANCES
    for t in candidates:
        if all(passes(o, s, t) for o, s in pairs):
            tol = t
            break
    agrees = exact_ok and tol is not None
    if tol is None:
        problems.append(f"scores differ beyond the loosest tolerance (max abs {max_abs:.3g}, "
                        f"max rel {max_rel:.3g})")
        tol = TOLERANCES[-1]
    if case.known_issue:
        if not agrees:
            raise KnownIssue(f"{case.known_issue} (this run: {'; '.join(problems)})")
        problems.append("the known issue no longer reproduces: drop known_issue")

    est = final_estimator(b.model)
    label_type = None
    if case.task == "classification":
        label_type = "string" if np.asarray(sk["label"]).dtype.kind in "OUS" else "int64"
    rows = dict(b.rows)
    if drop.any():
        rows["left_out_near_ties"] = int(drop.sum())
    doc: dict[str, Any] = {
        "estimator": type(est).__name__,
        "task": case.task,
        "ops": ops_of(onx),
        "inputs": {k: tensor_json(v) for k, v in b.inputs.items()},
        "onnxruntime": {n: output_json(raw_out[n]) for n in names},
        "sklearn": {k: plain(v) for k, v in sk.items()},
        "tolerance": tol,
        "compared": compared,
        "label_type": label_type,
        "pipeline": step_names(b.model),
        "dataset": b.dataset,
        "rows": rows,
        "max_error": {"absolute": max_abs, "relative": max_rel},
        "agrees": agrees,
    }
    if case.float32_contrast:
        doc["float32_export"] = float32_contrast(case, b, sk, problems)
    if case.note:
        doc["note"] = case.note
    io_bytes = write_files(case.name, doc, data)
    if io_bytes > MAX_IO_BYTES:
        problems.append(f"io.json is {io_bytes} bytes (> {MAX_IO_BYTES})")
    return Result(case.name, doc["ops"], tol, max_abs, max_rel, io_bytes, len(data), agrees,
                  int(drop.sum()), problems)


# ai.onnx.ml opset 5 TreeEnsemble codes.
V5_MODES = {"BRANCH_LEQ": 0, "BRANCH_LT": 1, "BRANCH_GTE": 2, "BRANCH_GT": 3, "BRANCH_EQ": 4,
            "BRANCH_NEQ": 5}
V5_MEMBER = 6
V5_AGGREGATE = {"AVERAGE": 0, "SUM": 1, "MIN": 2, "MAX": 3}


def tree_ensemble_v5(onx: onnx.ModelProto) -> onnx.ModelProto:
    """Rewrites a skl2onnx export that is one TreeEnsembleRegressor or TreeEnsembleClassifier
    (no base values, post_transform NONE) into an ai.onnx.ml opset 5 ``TreeEnsemble``.
    Opset 5 leaves hold one weight each, so every tree is copied once per target/class (the
    copies of tree t come before those of tree t+1, so each class still sums in tree order);
    a classifier's label becomes ArgMax + Gather over its class labels."""
    [node] = onx.graph.node
    a = {x.name: onnx.helper.get_attribute_value(x) for x in node.attribute}
    text = lambda v: v.decode() if isinstance(v, bytes) else v  # noqa: E731
    classifier = node.op_type == "TreeEnsembleClassifier"
    assert node.op_type in ("TreeEnsembleRegressor", "TreeEnsembleClassifier"), node.op_type
    assert text(a.get("post_transform", "NONE")) == "NONE"
    assert not any(a.get("base_values", []))
    if classifier:
        labels = list(a.get("classlabels_int64s") or [text(v) for v in a["classlabels_strings"]])
        targets, prefix, aggregate = len(labels), "class", "SUM"
    else:
        targets, prefix = a["n_targets"], "target"
        aggregate = text(a.get("aggregate_function", "SUM"))
    assert targets == 1 or aggregate == "SUM", "copies per target only add up for SUM"
    weights: dict[tuple[int, int, int], float] = {}
    for key in zip(a[f"{prefix}_treeids"], a[f"{prefix}_nodeids"], a[f"{prefix}_ids"]):
        assert key not in weights, f"two weights for {key}"
    for t, n, k, w in zip(a[f"{prefix}_treeids"], a[f"{prefix}_nodeids"], a[f"{prefix}_ids"],
                          a[f"{prefix}_weights"]):
        weights[(t, n, k)] = w
    trees: dict[int, list[int]] = {}  # tree id -> node indices in attribute order
    for i, t in enumerate(a["nodes_treeids"]):
        trees.setdefault(t, []).append(i)
    modes = [text(m) for m in a["nodes_modes"]]
    out: dict[str, list] = {k: [] for k in (
        "modes", "features", "splits", "true", "true_leaf", "false", "false_leaf", "missing",
        "roots", "leaf_targets", "leaf_weights")}
    for t, nodes in trees.items():
        assert modes[nodes[0]] != "LEAF", "a single-leaf tree"
        for c in range(targets):
            branch = {a["nodes_nodeids"][i]: len(out["modes"]) + k for k, i in
                      enumerate(i for i in nodes if modes[i] != "LEAF")}
            leaf = {}
            for i in nodes:
                if modes[i] == "LEAF":
                    nid = a["nodes_nodeids"][i]
                    leaf[nid] = len(out["leaf_targets"])
                    out["leaf_targets"].append(c)
                    out["leaf_weights"].append(weights.get((t, nid, c), 0.0))
            out["roots"].append(branch[a["nodes_nodeids"][nodes[0]]])
            for i in nodes:
                if modes[i] == "LEAF":
                    continue
                out["modes"].append(V5_MODES[modes[i]])
                out["features"].append(a["nodes_featureids"][i])
                out["splits"].append(a["nodes_values"][i])
                out["missing"].append(a["nodes_missing_value_tracks_true"][i]
                                      if "nodes_missing_value_tracks_true" in a else 0)
                for side in ("true", "false"):
                    child = a[f"nodes_{side}nodeids"][i]
                    is_leaf = child in leaf
                    out[side].append(leaf[child] if is_leaf else branch[child])
                    out[f"{side}_leaf"].append(int(is_leaf))
    f32_tensor = lambda name, v: onnx.helper.make_tensor(  # noqa: E731
        name, onnx.TensorProto.FLOAT, [len(v)], np.asarray(v, dtype=np.float32))
    y = "probabilities" if classifier else node.output[0]
    ensemble = onnx.helper.make_node(
        "TreeEnsemble", list(node.input), [y], domain="ai.onnx.ml", name=node.name,
        n_targets=targets, aggregate_function=V5_AGGREGATE[aggregate], post_transform=0,
        tree_roots=out["roots"],
        nodes_modes=onnx.helper.make_tensor("nodes_modes", onnx.TensorProto.UINT8,
                                            [len(out["modes"])], out["modes"]),
        nodes_featureids=out["features"], nodes_splits=f32_tensor("nodes_splits", out["splits"]),
        nodes_truenodeids=out["true"], nodes_trueleafs=out["true_leaf"],
        nodes_falsenodeids=out["false"], nodes_falseleafs=out["false_leaf"],
        nodes_missing_value_tracks_true=out["missing"],
        leaf_targetids=out["leaf_targets"],
        leaf_weights=f32_tensor("leaf_weights", out["leaf_weights"]))
    nodes, initializers = [ensemble], []
    if classifier:
        assert list(node.output) == ["label", "probabilities"], list(node.output)
        initializers.append(onnx.helper.make_tensor(
            "class_labels", onnx.TensorProto.INT64 if isinstance(labels[0], int)
            else onnx.TensorProto.STRING, [len(labels)],
            labels if isinstance(labels[0], int) else [s.encode() for s in labels]))
        nodes.append(onnx.helper.make_node("ArgMax", ["probabilities"], ["label_index"],
                                           axis=1, keepdims=0))
        nodes.append(onnx.helper.make_node("Gather", ["class_labels", "label_index"], ["label"],
                                           axis=0))
    graph = onnx.helper.make_graph(nodes, onx.graph.name, list(onx.graph.input),
                                   list(onx.graph.output), initializers)
    opsets = [onnx.helper.make_opsetid("", max(o.version for o in onx.opset_import
                                               if o.domain in ("", "ai.onnx"))),
              onnx.helper.make_opsetid("ai.onnx.ml", 5)]
    model = onnx.helper.make_model(graph, opset_imports=opsets)
    model.ir_version = onx.ir_version
    return model


def write_treeensemble_handmade() -> Result:
    """treeensemble5-handmade: an ai.onnx.ml opset 5 TreeEnsemble written by hand with what
    no scikit-learn export has: every node mode, BRANCH_MEMBER with a small set and with a set
    onnxruntime keeps as a "big set" (more than 30 or beyond 30), missing values sent to the
    true side, two targets and post_transform 2, which onnxruntime 1.32 reads as SOFTMAX (the
    ONNX-ML spec says LOGISTIC; onnxruntime's enum swaps 1 and 2). io.json holds inputs
    (integer-valued categories, NaN cells) and onnxruntime's outputs only: there is no
    scikit-learn model."""
    name = "treeensemble5-handmade"
    nan = math.nan
    # Node index: (mode, feature, split, true, true is leaf, false, false is leaf, missing true)
    nodes = [
        (V5_MEMBER, 0, 0.0, 1, 0, 2, 0, 1),       # tree 0: x0 in {1, 3, 5}, NaN -> true
        (0, 1, 0.5, 0, 1, 1, 1, 0),               # x1 <= 0.5
        (3, 2, 0.25, 3, 0, 2, 1, 0),              # x2 > 0.25
        (5, 3, 2.0, 3, 1, 4, 1, 0),               # x3 != 2
        (V5_MEMBER, 3, 0.0, 5, 1, 5, 0, 0),       # tree 1: x3 in {2, 7, 11, 35, 40, 100}
        (1, 1, -0.3, 6, 1, 6, 0, 1),              # x1 < -0.3, NaN -> true
        (2, 0, 20.0, 7, 1, 8, 1, 0),              # x0 >= 20
        (4, 0, 4.0, 9, 1, 10, 1, 0),              # tree 2: x0 == 4
    ]
    members = [1.0, 3.0, 5.0, nan, 2.0, 7.0, 11.0, 35.0, 40.0, 100.0, nan]
    leaves = [(0, 1.5), (1, -2.0), (0, 0.75), (1, 3.0), (0, -1.25), (1, 0.5), (0, 2.0),
              (1, -0.5), (0, 0.25), (0, 10.0), (1, 1.0)]
    col = lambda k: [n[k] for n in nodes]  # noqa: E731
    node = onnx.helper.make_node(
        "TreeEnsemble", ["X"], ["Y"], domain="ai.onnx.ml", n_targets=2, aggregate_function=1,
        post_transform=2, tree_roots=[0, 4, 7],
        nodes_modes=onnx.helper.make_tensor("nodes_modes", onnx.TensorProto.UINT8,
                                            [len(nodes)], col(0)),
        nodes_featureids=col(1),
        nodes_splits=onnx.helper.make_tensor("nodes_splits", onnx.TensorProto.FLOAT,
                                             [len(nodes)], col(2)),
        nodes_truenodeids=col(3), nodes_trueleafs=col(4), nodes_falsenodeids=col(5),
        nodes_falseleafs=col(6), nodes_missing_value_tracks_true=col(7),
        membership_values=onnx.helper.make_tensor("membership_values", onnx.TensorProto.FLOAT,
                                                  [len(members)], members),
        leaf_targetids=[t for t, _ in leaves],
        leaf_weights=onnx.helper.make_tensor("leaf_weights", onnx.TensorProto.FLOAT,
                                             [len(leaves)], [w for _, w in leaves]))
    graph = onnx.helper.make_graph(
        [node], name, [onnx.helper.make_tensor_value_info("X", onnx.TensorProto.FLOAT, [None, 4])],
        [onnx.helper.make_tensor_value_info("Y", onnx.TensorProto.FLOAT, [None, 2])])
    onx = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 17),
                                                       onnx.helper.make_opsetid("ai.onnx.ml", 5)])
    onx.ir_version = 8
    onx = normalise_model(onx)
    onnx.checker.check_model(onx)
    data = onx.SerializeToString()
    rng = np.random.RandomState(SEED)
    n = 64
    X = np.column_stack([
        rng.choice([0, 1, 3, 4, 5, 6, 19, 20, 21, 40], n),
        rng.normal(0.0, 1.0, n),
        rng.uniform(-0.5, 1.0, n),
        rng.choice([0, 2, 3, 7, 11, 35, 40, 100, 101], n),
    ]).astype(np.float32)
    X[rng.rand(n, 4) < 0.1] = np.nan
    X[0, :] = np.nan
    sess = session(data)
    outs = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, {"X": X})))
    doc = {
        "estimator": "TreeEnsemble",
        "task": "regression",
        "ops": ops_of(onx),
        "inputs": {"X": tensor_json(X)},
        "onnxruntime": {k: tensor_json(v) for k, v in outs.items()},
        "tolerance": TOLERANCES[0],
        "label_type": None,
        "pipeline": [],
        "dataset": "64 generated rows: integer categories, normal and uniform columns, 10% NaN",
        "rows": {"generated": n},
        "max_error": {"absolute": 0.0, "relative": 0.0},
        "agrees": True,
        "note": "hand-written ai.onnx.ml opset 5 TreeEnsemble (every node mode, BRANCH_MEMBER "
                "small and big sets, missing values to the true side, 2 targets, post_transform "
                "2 = SOFTMAX for onnxruntime, LOGISTIC in the spec); no scikit-learn model",
    }
    io_bytes = write_files(name, doc, data)
    return Result(name, doc["ops"], doc["tolerance"], 0.0, 0.0, io_bytes, len(data),
                  True, 0, [])


def write_dense() -> Result:
    """dense-relu-4x64: a plain network layer stack, 4 x (MatMul 64x64 + Relu), seeded weights,
    the shape of issue 15's dense benchmark model (512 wide there; that one is made at test time
    by tests/data/make_output_kinds.py). A vector per row (task transform); io.json holds
    inputs and onnxruntime's outputs, which must also meet the float64 computation."""
    name, width, layers = "dense-relu-4x64", 64, 4
    rng = np.random.RandomState(SEED)
    weights = [rng.normal(0, 1.0 / np.sqrt(width), size=(width, width)).astype(np.float32)
               for _ in range(layers)]
    nodes, inits, prev = [], [], "X"
    for i, w in enumerate(weights):
        inits.append(onnx.numpy_helper.from_array(w, f"W{i}"))
        nodes.append(onnx.helper.make_node("MatMul", [prev, f"W{i}"], [f"m{i}"]))
        out = "Y" if i == layers - 1 else f"r{i}"
        nodes.append(onnx.helper.make_node("Relu", [f"m{i}"], [out]))
        prev = out
    graph = onnx.helper.make_graph(
        nodes, name, [onnx.helper.make_tensor_value_info("X", onnx.TensorProto.FLOAT, [None, width])],
        [onnx.helper.make_tensor_value_info("Y", onnx.TensorProto.FLOAT, [None, width])], inits)
    onx = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 17)])
    onx.ir_version = 8
    onx = normalise_model(onx)
    onnx.checker.check_model(onx)
    data = onx.SerializeToString()
    X = rng.normal(0, 1, size=(40, width)).astype(np.float32)
    X[-1] *= 1000.0  # large inputs: no saturation in a Relu stack, just big numbers
    sess = session(data)
    outs = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, {"X": X})))
    want = X.astype(np.float64)
    for w in weights:
        want = np.maximum(want @ w.astype(np.float64), 0.0)
    max_abs, max_rel = max_errors(outs["Y"], want)
    tol = next((t for t in TOLERANCES if passes(outs["Y"], want, t)), None)
    problems = [] if tol is not None else ["onnxruntime differs from float64 beyond the loosest tolerance"]
    doc = {
        "estimator": "MatMul+Relu",
        "task": "transform",
        "ops": ops_of(onx),
        "inputs": {"X": tensor_json(X)},
        "onnxruntime": {k: tensor_json(v) for k, v in outs.items()},
        "tolerance": tol or TOLERANCES[-1],
        "label_type": None,
        "pipeline": [],
        "dataset": "40 rows of N(0, 1), the last one times 1000",
        "rows": {"generated": len(X)},
        "max_error": {"absolute": max_abs, "relative": max_rel},
        "agrees": not problems,
        "note": "hand-written plain network: 4 x (MatMul 64x64 + Relu), seeded weights; "
                "checked against the float64 computation; no scikit-learn model",
    }
    io_bytes = write_files(name, doc, data)
    return Result(name, doc["ops"], doc["tolerance"], max_abs, max_rel, io_bytes, len(data),
                  not problems, 0, problems)


def write_bench() -> Result:
    """bench-forest: a big forest for timing; io.json has inputs and onnxruntime outputs only
    (scikit-learn agreement is still checked here, to choose the tolerance)."""
    name = "bench-forest"
    X, y = make_regression(n_samples=2000, n_features=10, n_informative=8, noise=10.0,
                           random_state=SEED)
    X = f32(X)
    Xtr, Xte, ytr = X[:1000], X[1000:], y[:1000]
    model = RandomForestRegressor(n_estimators=100, max_depth=12, random_state=SEED)
    model.fit(Xtr, ytr)
    onx = convert_sklearn(model, name=name, initial_types=[("X", FloatTensorType([None, 10]))],
                          target_opset=TARGET_OPSET)
    onx = normalise_model(onx)
    onnx.checker.check_model(onx)
    data = onx.SerializeToString()
    sess = session(data)
    names = [o.name for o in sess.get_outputs()]
    inp = Xte.astype(np.float32)
    outs = dict(zip(names, sess.run(None, {"X": inp})))
    want = model.predict(Xte)
    max_abs, max_rel = max_errors(outs[names[0]], want)
    tol = next((t for t in TOLERANCES if passes(outs[names[0]], want, t)), None)
    problems = []
    if tol is None:
        problems.append("onnxruntime differs from scikit-learn beyond the loosest tolerance")
        tol = TOLERANCES[-1]
    doc = {
        "estimator": "RandomForestRegressor",
        "task": "regression",
        "ops": ops_of(onx),
        "inputs": {"X": tensor_json(inp)},
        "onnxruntime": {n: tensor_json(outs[n]) for n in names},
        "tolerance": tol,
        "label_type": None,
        "pipeline": ["RandomForestRegressor"],
        "dataset": "make_regression(2000x10): 1000 training rows, the other 1000 stored",
        "rows": {"held_out": len(inp)},
        "max_error": {"absolute": max_abs, "relative": max_rel},
        "agrees": tol is not None and not problems,
        "note": "benchmark case: RandomForestRegressor(n_estimators=100, max_depth=12); "
                "scikit-learn outputs not stored",
    }
    io_bytes = write_files(name, doc, data)
    return Result(name, doc["ops"], tol, max_abs, max_rel, io_bytes, len(data),
                  not problems, 0, problems)


def fmt_tol(t: dict | None) -> str:
    return "-" if t is None else f"{t['relative']:.0e}/{t['absolute']:.0e}"


def main(argv: list[str]) -> int:
    prefixes = argv[1:]
    define_cases()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    everything = not prefixes
    results: list[Result] = []
    wanted = [c for c in CASES if everything or any(c.name.startswith(p) for p in prefixes)]
    for case in wanted:
        try:
            results.append(write_case(case))
        except Exception as e:  # noqa: BLE001 - report and skip the case
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            SKIPPED.append((case.name, f"{type(e).__name__}: {first}"))
            if os.environ.get("CORPUS_DEBUG"):
                traceback.print_exc()
            shutil.rmtree(OUT_DIR / case.name, ignore_errors=True)
        print(f"  {case.name}", file=sys.stderr)
    if everything or any("bench-forest".startswith(p) for p in prefixes):
        results.append(write_bench())
    if everything or any("localfn-handmade".startswith(p) for p in prefixes):
        results.append(write_localfn_handmade())
    if everything or any("treeensemble5-handmade".startswith(p) for p in prefixes):
        results.append(write_treeensemble_handmade())
    if everything or any("dense-relu-4x64".startswith(p) for p in prefixes):
        results.append(write_dense())

    if everything:
        # Remove case folders of cases that no longer exist (or were skipped); other files
        # (e.g. tests/corpus/unsupported.txt, kept by the engine's test) are left alone.
        keep = {r.name for r in results}
        for p in sorted(OUT_DIR.iterdir()):
            if p.is_dir() and p.name not in keep and (p / "model.onnx").exists():
                shutil.rmtree(p)
    write_index()

    # Summary.
    w = max(len(r.name) for r in results) if results else 10
    print(f"\n{'case':<{w}}  {'tolerance':<11} {'max abs err':>11} {'max rel err':>11} "
          f"{'model':>9} {'io.json':>8}  ops")
    for r in sorted(results, key=lambda r: r.name):
        short = ", ".join(short_op(o) for o in r.ops)
        print(f"{r.name:<{w}}  {fmt_tol(r.tolerance):<11} {r.max_abs:>11.3g} {r.max_rel:>11.3g} "
              f"{r.model_bytes:>9} {r.io_bytes:>8}  {short}")
    total = sum(p.stat().st_size for p in OUT_DIR.rglob("*") if p.is_file())
    print(f"\n{len(results)} case(s) written; corpus size {total} bytes")
    bad = [r for r in results if r.problems]
    for r in bad:
        for p in r.problems:
            print(f"PROBLEM {r.name}: {p}")
    for name, why in SKIPPED:
        print(f"SKIPPED {name}: {why}")
    ops = sorted({o for r in results for o in r.ops})
    print(f"\n{len(ops)} distinct operators: " + ", ".join(ops))
    if everything:
        write_readme(total, ops)
    return 1 if bad else 0


def short_op(o: str) -> str:
    return o.replace("ai.onnx.ml:", "ml:").replace("ai.onnx:", "")


def write_readme(total: int, ops: list[str]) -> None:
    """Refresh the generated part of models/corpus/README.md (between the markers)."""
    path = CORPUS_DIR / "README.md"
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    begin, end = "<!-- corpus:begin -->", "<!-- corpus:end -->"
    if begin not in text or end not in text:
        return
    lines = [
        "| case | pipeline | task | labels | rows | tolerance (rel/abs) | max abs error | ops |",
        "|---|---|---|---|--:|---|--:|---|",
    ]
    for d in sorted(p for p in OUT_DIR.iterdir() if (p / "io.json").is_file()):
        io = json.loads((d / "io.json").read_text(encoding="utf-8"))
        n = next(iter(io["inputs"].values()))["shape"][0]
        tol = io["tolerance"]
        lines.append(
            f"| `{d.name}` | {' → '.join(io['pipeline'])} | {io['task']} | "
            f"{io['label_type'] or ''} | {n} | {tol['relative']:.0e} / {tol['absolute']:.0e} | "
            f"{io['max_error']['absolute']:.2g} | {', '.join(short_op(o) for o in io['ops'])} |"
        )
    lines.append("")
    lines.append(f"Corpus size: {total:,} bytes (`bench-forest`: "
                 f"{sum(p.stat().st_size for p in (OUT_DIR / 'bench-forest').iterdir()):,}).")
    lines.append("")
    lines.append(f"The {len(ops)} distinct operators: "
                 + ", ".join(f"`{o}`" for o in ops) + ".")
    lines.append("")
    lines.append("Known disagreements (checked on every run, not written):")
    lines.append("")
    for name, why in SKIPPED:
        lines.append(f"- `{name}`: {why.removeprefix('KnownIssue: ')}")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(head + begin + "\n" + "\n".join(lines) + "\n" + end + tail,
                    encoding="utf-8")


def write_index() -> None:
    entries = []
    for d in sorted(p for p in OUT_DIR.iterdir() if (p / "io.json").is_file()):
        io = json.loads((d / "io.json").read_text(encoding="utf-8"))
        entries.append(
            {
                "case": d.name,
                "estimator": io["estimator"],
                "pipeline": io["pipeline"],
                "task": io["task"],
                "label_type": io["label_type"],
                "inputs": {k: {"dtype": v["dtype"], "shape": v["shape"]}
                           for k, v in io["inputs"].items()},
                "ops": io["ops"],
                "tolerance": io["tolerance"],
            }
        )
    doc = {
        "generator": "models/corpus/generate.py",
        "versions": {
            "scikit-learn": sklearn.__version__,
            "skl2onnx": skl2onnx.__version__,
            "onnx": onnx.__version__,
            "onnxruntime": ort.__version__,
            "numpy": np.__version__,
        },
        "target_opset": {("ai.onnx" if k == "" else k): v for k, v in TARGET_OPSET.items()},
        "cases": entries,
    }
    (OUT_DIR / "index.json").write_text(dumps(doc) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
