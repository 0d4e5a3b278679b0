"""seal() of models whose output is not one label or one value: the task comes from the
estimator, the test vectors are scikit-learn's, predict() gives the task's columns."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

import sealed_onnx as so
from conftest import CARD


def frame(n: int = 240, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1, (n, 4)).astype(np.float32).astype(np.float64)
    X[: n // 2] += 3.0
    return pd.DataFrame(X, columns=["a", "b", "c", "d"])


def manifest(path) -> dict:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


def seal(tmp_path, keys, model, X, y=None, **kw):
    out = tmp_path / f"{type(model).__name__.lower()}.sonnx"
    return so.seal(model, X.iloc[:180], y, name="kind", version="1.0.0", card=CARD,
                   key=keys.private_key, out=out, X_test=X.iloc[180:], range_margin=1.0, **kw)


def test_kmeans_seals_as_clustering_with_distances(tmp_path, keys):
    from sklearn.cluster import KMeans
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = frame()
    model = make_pipeline(StandardScaler(), KMeans(n_clusters=3, n_init=10, random_state=0)).fit(X.iloc[:180])
    b = seal(tmp_path, keys, model, X)
    m = manifest(b.path)
    assert m["outputs"] == {"task": "clustering", "label": "label", "distances": "scores", "clusters": 3}
    case = m["test_vectors"]["cases"][0]["expected"]
    assert set(case) == {"cluster", "distances"} and len(case["distances"]) == 3
    loaded = so.load(b.path, public_key=keys.public_key)
    got = loaded.predict(X.iloc[180:])
    assert list(got.columns[:4]) == ["cluster", "distance_0", "distance_1", "distance_2"]
    assert (got["cluster"].to_numpy() == model.predict(X.iloc[180:])).all()
    np.testing.assert_allclose(got[["distance_0", "distance_1", "distance_2"]].to_numpy(),
                               model.transform(X.iloc[180:]), rtol=1e-5, atol=1e-5)


def test_isolation_forest_seals_as_an_outlier_detector(tmp_path, keys):
    from sklearn.ensemble import IsolationForest

    X = frame()
    model = IsolationForest(n_estimators=20, random_state=0).fit(X.iloc[:180])
    b = seal(tmp_path, keys, model, X)
    m = manifest(b.path)
    assert m["outputs"] == {"task": "outlier", "label": "label", "score": "scores"}
    got = so.load(b.path, public_key=keys.public_key).predict(X.iloc[180:])
    assert list(got.columns[:2]) == ["outlier", "score"]
    want = model.predict(X.iloc[180:]) == -1
    score = model.decision_function(X.iloc[180:])
    clear = np.abs(score) > 1e-4  # float32 may flip a row that sits on the threshold
    assert (got["outlier"].to_numpy()[clear] == want[clear]).all()
    np.testing.assert_allclose(got["score"].to_numpy(), score, rtol=1e-4, atol=1e-5)


def test_local_outlier_factor_needs_novelty(tmp_path, keys):
    from sklearn.neighbors import LocalOutlierFactor

    X = frame()
    with pytest.raises(so.SealError, match="novelty=True"):
        seal(tmp_path, keys, LocalOutlierFactor().fit(X.iloc[:180]), X)
    b = seal(tmp_path, keys, LocalOutlierFactor(novelty=True).fit(X.iloc[:180]), X)
    assert manifest(b.path)["outputs"]["task"] == "outlier"


def test_pca_seals_as_a_transform_fitted_without_a_target(tmp_path, keys):
    from sklearn.decomposition import PCA

    X = frame()
    model = PCA(n_components=2).fit(X.iloc[:180])
    b = seal(tmp_path, keys, model, X)
    m = manifest(b.path)
    assert m["outputs"] == {"task": "transform", "vector": "variable", "dimension": 2}
    assert len(m["test_vectors"]["cases"][0]["expected"]["vector"]) == 2
    got = so.load(b.path, public_key=keys.public_key).predict(X.iloc[180:])
    np.testing.assert_allclose(got[["vector_0", "vector_1"]].to_numpy(), model.transform(X.iloc[180:]),
                               rtol=1e-5, atol=1e-5)


def test_multi_output_regression_names_its_values_by_the_target_columns(tmp_path, keys):
    from sklearn.linear_model import Ridge
    from sklearn.multioutput import MultiOutputRegressor

    X = frame()
    y = pd.DataFrame({"price": X["a"] * 2 + X["b"], "rent": X["c"] - X["d"]})
    model = MultiOutputRegressor(Ridge()).fit(X.iloc[:180], y.iloc[:180])
    b = seal(tmp_path, keys, model, X, y.iloc[:180])
    m = manifest(b.path)
    assert m["outputs"] == {"task": "regression", "value": "variable", "value_names": ["price", "rent"]}
    assert set(m["test_vectors"]["cases"][0]["expected"]["values"]) == {"price", "rent"}
    got = so.load(b.path, public_key=keys.public_key).predict(X.iloc[180:])
    np.testing.assert_allclose(got[["value_price", "value_rent"]].to_numpy(), model.predict(X.iloc[180:]),
                               rtol=1e-5, atol=1e-4)


def test_a_supervised_model_still_needs_its_target(tmp_path, keys):
    from sklearn.linear_model import Ridge

    X = frame()
    model = Ridge().fit(X.iloc[:180], X["a"].iloc[:180])
    with pytest.raises(so.SealError, match="needs its training targets"):
        seal(tmp_path, keys, model, X, None)
