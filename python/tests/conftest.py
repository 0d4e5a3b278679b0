"""Shared fixtures: a small mixed-type training frame, fitted pipelines, a key pair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def mixed_frame(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    track = rng.choice(["math", "cs", "bio"], n)
    hours = np.round(rng.gamma(4.0, 2.0, n), 1)
    hours[rng.random(n) < 0.1] = np.nan
    grade = rng.integers(1, 6, n)
    project = rng.random(n) < 0.7
    z = np.nan_to_num(hours, nan=8.0) * 0.3 - grade * 0.5 + project * 1.5 + (track == "cs") * 0.5 + rng.logistic(0, 1, n) - 1
    y = np.where(z > 0, "pass", "fail")
    return pd.DataFrame({"hours": hours, "grade": grade, "project": project, "track": track}), y


def mixed_pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    prep = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), ["hours", "grade"]),
        ("flag", "passthrough", ["project"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["track"]),
    ])
    return Pipeline([("prep", prep), ("model", LogisticRegression())])


CARD = {"description": "Pass/fail from study habits (test data).", "intended_use": "tests", "limitations": "synthetic"}


@pytest.fixture(scope="session")
def data():
    X, y = mixed_frame()
    return X.iloc[:240].reset_index(drop=True), y[:240], X.iloc[240:].reset_index(drop=True), y[240:]


@pytest.fixture(scope="session")
def fitted(data):
    X_train, y_train, _, _ = data
    return mixed_pipeline().fit(X_train, y_train)


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    import sealed_onnx as so

    return so.keygen(tmp_path_factory.mktemp("keys") / "me")


@pytest.fixture(scope="session")
def sealed(tmp_path_factory, fitted, data, keys):
    import sealed_onnx as so

    X_train, y_train, X_test, _ = data
    out = tmp_path_factory.mktemp("bundle") / "study-1.0.0.sonnx"
    bundle = so.seal(fitted, X_train, y_train, name="study", version="1.0.0", card=CARD,
                     key=keys.private_key, out=out, X_test=X_test, random_seed=0)
    return bundle
