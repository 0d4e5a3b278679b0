#!/usr/bin/env python3
"""What skl2onnx 1.20 cannot convert, tried rather than assumed: fits each estimator on iris or
diabetes and calls ``convert_sklearn`` as the corpus does. Prints one line per estimator with
skl2onnx's own message (the list in the main README, "What cannot run"), and exits non-zero if
one of them converts now (then it belongs in the corpus instead):

    models/.venv/bin/python models/corpus/no_converter.py
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.cluster import FeatureAgglomeration
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_iris
from sklearn.decomposition import NMF, FactorAnalysis, FastICA, LatentDirichletAllocation
from sklearn.ensemble import RandomTreesEmbedding
from sklearn.experimental import enable_iterative_imputer  # noqa: F401 (enables the import)
from sklearn.feature_selection import SequentialFeatureSelector
from sklearn.gaussian_process import GaussianProcessClassifier
from sklearn.impute import IterativeImputer, MissingIndicator
from sklearn.isotonic import IsotonicRegression
from sklearn.kernel_approximation import Nystroem, RBFSampler
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.multiclass import OutputCodeClassifier
from sklearn.multioutput import ClassifierChain
from sklearn.neighbors import NearestCentroid
from sklearn.preprocessing import FunctionTransformer, SplineTransformer
from sklearn.semi_supervised import LabelPropagation, LabelSpreading

warnings.filterwarnings("ignore")
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}


def cases():
    """(name, estimator, X, y): y None for an unsupervised fit."""
    d = load_iris()
    Xi, yi = d.data.astype(np.float32), d.target
    r = load_diabetes()
    Xr, yr = r.data.astype(np.float32), r.target
    lr = LogisticRegression(max_iter=2000)
    return [
        ("NearestCentroid", NearestCentroid(), Xi, yi),
        ("SplineTransformer", SplineTransformer(), Xi, None),
        ("KernelRidge", KernelRidge(kernel="rbf"), Xr, yr),
        ("IsotonicRegression", IsotonicRegression(), Xr[:, 2:3], yr),
        ("LabelSpreading", LabelSpreading(), Xi, yi),
        ("LabelPropagation", LabelPropagation(), Xi, yi),
        ("ClassifierChain", ClassifierChain(lr), Xi, np.c_[yi > 0, yi > 1].astype(int)),
        ("OutputCodeClassifier", OutputCodeClassifier(lr, random_state=0), Xi, yi),
        ("TransformedTargetRegressor",
         TransformedTargetRegressor(LinearRegression(), func=np.log, inverse_func=np.exp),
         Xr, yr),
        ("SequentialFeatureSelector", SequentialFeatureSelector(lr, n_features_to_select=2),
         Xi, yi),
        ("NMF", NMF(n_components=2, max_iter=1000), Xi, None),
        ("FastICA", FastICA(n_components=2, random_state=0), Xi, None),
        ("LatentDirichletAllocation", LatentDirichletAllocation(n_components=2, random_state=0),
         Xi, None),
        ("FactorAnalysis", FactorAnalysis(n_components=2), Xi, None),
        ("Nystroem", Nystroem(n_components=20, random_state=0), Xi, None),
        ("RBFSampler", RBFSampler(random_state=0), Xi, None),
        ("IterativeImputer", IterativeImputer(), Xi, None),
        ("MissingIndicator", MissingIndicator(features="all"), Xi, None),
        ("FeatureAgglomeration", FeatureAgglomeration(n_clusters=2), Xi, None),
        ("FunctionTransformer(np.log1p)", FunctionTransformer(np.log1p), Xi, None),
        ("GaussianProcessClassifier (3 classes)", GaussianProcessClassifier(), Xi, yi),
        ("RandomTreesEmbedding",
         RandomTreesEmbedding(n_estimators=3, max_depth=3, random_state=0), Xi, None),
    ]


def main() -> int:
    converted = []
    for name, est, X, y in cases():
        est.fit(X) if y is None else est.fit(X, y)
        try:
            convert_sklearn(est, initial_types=[("X", FloatTensorType([None, X.shape[1]]))],
                            target_opset=TARGET_OPSET)
        except Exception as e:  # noqa: BLE001 - skl2onnx's message is what we report
            first = str(e).strip().splitlines()[0] if str(e).strip() else ""
            print(f"{name}: {type(e).__name__}: {first}")
            continue
        converted.append(name)
        print(f"{name}: CONVERTS NOW (add it to the corpus)")
    return 1 if converted else 0


if __name__ == "__main__":
    sys.exit(main())
