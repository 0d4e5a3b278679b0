"""seal(): the workflow a student runs, and every error they can hit, by its message."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sealed_onnx as so
from conftest import CARD, mixed_frame, mixed_pipeline


def test_the_installed_wheel_is_under_test():
    # Not the source tree's python/sealed_onnx (which has no compiled module next to it).
    assert "site-packages" in so.__file__, so.__file__


def test_keygen_writes_a_private_key_for_its_owner_only_and_refuses_to_overwrite(tmp_path):
    pair = so.keygen(tmp_path / "me")
    assert stat.S_IMODE(os.stat(pair.private_key).st_mode) == 0o600
    assert pair.public_key.name == "me.pub.pem"
    assert "PUBLIC KEY" in pair.public_key.read_text()
    before = pair.private_key.read_bytes()
    with pytest.raises(so.SealError, match="already exists; pass force=True"):
        so.keygen(tmp_path / "me")
    assert pair.private_key.read_bytes() == before
    again = so.keygen(tmp_path / "me", force=True)
    assert again.private_key.read_bytes() != before
    assert stat.S_IMODE(os.stat(again.private_key).st_mode) == 0o600


def test_seal_makes_a_signed_bundle_with_schema_metadata_and_test_vectors(sealed, data, fitted):
    X_train, _, X_test, _ = data
    info = sealed.info
    assert info["verified"] and info["signer"]
    schema = {f["name"]: f for f in info["schema"]}
    assert schema["hours"]["type"] == "float" and schema["hours"]["nullable"]
    assert schema["grade"]["type"] == "integer"
    assert schema["project"]["type"] == "boolean"
    assert schema["track"]["type"] == "string" and schema["track"]["categories"] == ["bio", "cs", "math"]
    # The data's own range, said so.
    assert schema["hours"]["min"] == X_train["hours"].min() and schema["hours"]["max"] == X_train["hours"].max()
    assert schema["hours"]["range_source"] == "training data"
    training = info["training"]
    assert training["framework"]["name"] == "scikit-learn"
    assert training["data"]["rows"] == len(X_train)
    assert training["random_seed"] == 0
    assert training["hyperparameters"]["model__C"] == 1.0
    tv = info["test_vectors"]
    assert info["test_vectors_passed"] == len(tv["cases"]) > 0
    assert "source" not in tv
    # Test vectors are held-out rows with scikit-learn's own predictions.
    first = tv["cases"][0]
    assert first["expected"]["label"] == fitted.predict(X_test.head(1))[0]
    # One graph input per column, nothing of the training rows inside.
    with zipfile.ZipFile(sealed.path) as z:
        assert sorted(z.namelist()) == ["manifest.json", "model.onnx", "model.sig"]
        manifest = z.read("manifest.json").decode()
        binding = json.loads(manifest)["inputs"]["binding"]
    assert [c["feature"] for c in binding["columns"]] == ["hours", "grade", "project", "track"]
    assert [c["input"]["hours"] for c in tv["cases"][:3]] == [None if np.isnan(h) else h for h in X_test["hours"].head(3)]
    text = repr(sealed)
    assert "test vectors" in text and info["digest"] in text
    html = sealed._repr_html_()
    assert "Model card" in html and "track" in html


def test_load_predict_validate_drift(sealed, data, fitted, keys):
    _, _, X_test, _ = data
    m = so.load(sealed.path, public_key=keys.public_key)
    # Held-out rows beyond the training data's ranges are refused, and only for that.
    outside = m.validate(X_test)
    assert set(outside["code"]) <= {"below_min", "above_max"}
    assert outside["row"].nunique() <= len(X_test) // 5
    X_test = X_test.drop(index=outside["row"].unique()).reset_index(drop=True)
    got = m.predict(X_test)
    assert list(got.index) == list(X_test.index)
    assert (got["label"].to_numpy() == fitted.predict(X_test)).all()
    proba = fitted.predict_proba(X_test)
    for k, c in enumerate(fitted.classes_):
        np.testing.assert_allclose(got[f"proba_{c}"], proba[:, k], rtol=1e-5, atol=1e-6)
    assert got["verified"].all() and (got["model_digest"] == m.digest).all()
    # Records and a single record work too.
    records = X_test.head(2).to_dict("records")
    assert list(m.predict(records)["label"]) == list(got["label"].head(2))
    one = m.predict(records[0])
    assert one["label"].iloc[0] == got["label"].iloc[0]
    assert len(m.validate(X_test)) == 0
    drift = m.drift(X_test)
    assert set(drift.index) == {"hours", "grade", "project", "track"}
    assert m.self_test() == len(m.info["test_vectors"]["cases"])


def test_schema_errors_list_every_problem_with_row_paths(sealed, data, keys):
    _, _, X_test, _ = data
    m = so.load(sealed.path, public_key=keys.public_key)
    bad = X_test.head(3).copy()
    bad["grade"] = [0, 3, 9]
    bad["track"] = ["cs", "art", "bio"]
    bad["project"] = bad["project"].astype(object)
    bad.loc[2, "project"] = "yes"
    with pytest.raises(so.SchemaError) as e:
        m.predict(bad)
    paths = {(i["path"], i["code"]) for i in e.value.issues}
    assert ("rows[0].grade", "below_min") in paths
    assert ("rows[2].grade", "above_max") in paths
    assert ("rows[1].track", "unknown_category") in paths
    assert ("rows[2].project", "wrong_type") in paths
    assert "rows[1].track" in str(e.value)
    table = m.validate(bad)
    assert list(table.columns) == ["row", "feature", "path", "code", "expected", "received"]
    assert sorted(set(table["row"])) == [0, 1, 2]
    # The model keeps working after an error.
    assert len(m.predict(X_test.head(2))) == 2


def test_unverified_loads_are_refused_unless_asked_and_then_marked(sealed, data):
    _, _, X_test, _ = data
    with pytest.raises(so.VerificationError, match="allow_unverified=True") as e:
        so.load(sealed.path)
    assert e.value.check == "trustAnchor"
    m = so.load(sealed.path, allow_unverified=True)
    got = m.predict(X_test.head(3))
    assert not got["verified"].any()
    assert got.attrs["model"]["verified"] is False
    assert "UNVERIFIED" in repr(m)
    with pytest.raises(TypeError, match="allow_unverified must be True or False"):
        so.load(sealed.path, allow_unverified="false")


def test_a_different_key_or_a_tampered_bundle_is_refused(sealed, tmp_path):
    other = so.keygen(tmp_path / "other")
    with pytest.raises(so.VerificationError) as e:
        so.load(sealed.path, public_key=other.public_key)
    assert e.value.check == "signature"
    data = bytearray(sealed.path.read_bytes())
    integrity = so.load(bytes(data), allow_unverified=True).digest
    data[len(data) // 2] ^= 1
    with pytest.raises(so.VerificationError):
        so.load(bytes(data), integrity=integrity)


def _seal(model, X, y, tmp_path, **kw):
    args = dict(name="t", version="1.0.0", card=CARD, out=tmp_path / "t.sonnx")
    args.update(kw)
    if "key" not in args:
        key = tmp_path / "k.pem"
        if not key.exists():
            so.keygen(tmp_path / "k")
        args["key"] = key
    return so.seal(model, X, y, **args)


def test_errors_a_student_can_act_on(tmp_path, data, fitted, keys):
    X_train, y_train, _, _ = data
    with pytest.raises(so.SealError, match=r"not fitted yet: call \.fit\(X_train, y_train\) first"):
        _seal(mixed_pipeline(), X_train, y_train, tmp_path)
    with pytest.raises(so.SealError, match="is not a semantic version: write MAJOR.MINOR.PATCH"):
        _seal(fitted, X_train, y_train, tmp_path, version="v1")
    with pytest.raises(so.SealError, match=r"is the public half .*key=\"me.pem\" rather than \"me.pub.pem\""):
        _seal(fitted, X_train, y_train, tmp_path, key=keys.public_key)
    with pytest.raises(so.SealError, match=r"X_train's columns differ from those the model was fitted on \(missing \['track'\]"):
        _seal(fitted, X_train.drop(columns=["track"]), y_train, tmp_path)
    with pytest.raises(so.SealError, match="same columns in another order"):
        _seal(fitted, X_train[["track", "hours", "grade", "project"]], y_train, tmp_path)
    with pytest.raises(so.SealError, match="card must be a dict with at least a \"description\""):
        _seal(fitted, X_train, y_train, tmp_path, card={"intended_use": "x"})
    with pytest.raises(so.SealError, match=r"card has unknown field\(s\) \['licence'\]"):
        _seal(fitted, X_train, y_train, tmp_path, card={**CARD, "licence": "MIT"})
    (tmp_path / "exists.sonnx").write_bytes(b"x")
    with pytest.raises(so.SealError, match="already exists; pass force=True"):
        _seal(fitted, X_train, y_train, tmp_path, out=tmp_path / "exists.sonnx")
    with pytest.raises(so.SealError, match="ranges names 'speed'"):
        _seal(fitted, X_train, y_train, tmp_path, ranges={"speed": (0, 1)})


def test_labels_must_be_strings_or_integers(tmp_path):
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    y = (X["a"] > 0).astype(float).to_numpy()
    model = LogisticRegression().fit(X, y)
    with pytest.raises(so.SealError, match=r"class labels must be strings or integers.*y\.astype\(int\)"):
        _seal(model, X, y, tmp_path)
    # Integer labels are fine, and bundles from a numpy array become one tensor input.
    yi = y.astype(int)
    b = _seal(LogisticRegression().fit(X.to_numpy(), yi), X.to_numpy(), yi, tmp_path, feature_names=["a", "b"])
    assert b.info["outputs"]["class_names"] == ["0", "1"]
    assert [f["name"] for f in b.info["schema"]] == ["a", "b"]


def test_unconvertible_and_custom_steps_are_named(tmp_path):
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.semi_supervised import LabelSpreading

    rng = np.random.default_rng(2)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    y = np.where(X["a"] > 0, "yes", "no")

    class Doubler(TransformerMixin, BaseEstimator):
        def fit(self, X, y=None):
            return self

        def transform(self, X):
            return np.asarray(X) * 2

    custom = Pipeline([("double", Doubler()), ("model", LogisticRegression())]).fit(X, y)
    with pytest.raises(so.SealError, match="Doubler is a custom transformer: skl2onnx can only export scikit-learn's own steps"):
        _seal(custom, X, y, tmp_path)
    spreading = LabelSpreading().fit(X, (X["a"] > 0).astype(int))
    with pytest.raises(so.SealError, match=r"skl2onnx cannot convert LabelSpreading\. Supported scikit-learn estimators and transformers: .*LogisticRegression, .*RandomForestClassifier"):
        _seal(spreading, X, (X["a"] > 0).astype(int).to_numpy(), tmp_path)


def _cancelling_regression():
    """A float32 export that cannot match float64: y = x - 10^6 for x just above 10^6 (float32
    holds x only to 1/16)."""
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(3)
    d = rng.uniform(0, 1, 200)
    X = pd.DataFrame({"reading": 1e6 + d})
    return LinearRegression().fit(X, d), X, d


def test_float32_disagreement_is_explained_with_rows_and_two_fixes(tmp_path):
    model, X, y = _cancelling_regression()
    with pytest.raises(so.TestVectorMismatch) as e:
        _seal(model, X.iloc[:150], y[:150], tmp_path, X_test=X.iloc[150:])
    msg = str(e.value)
    assert "scikit-learn computes in float64, while skl2onnx exported the pipeline to compute in float32" in msg
    assert "not a fault of the runtime" in msg
    assert "seal(..., tolerance=" in msg and 'test_vectors="graph"' in msg
    assert len(e.value.rows) > 0 and "largest_difference" in e.value.rows
    assert not (tmp_path / "t.sonnx").exists()
    # Fix 1: a tolerance of the reported size.
    biggest = float(e.value.rows["largest_difference"].max())
    b = _seal(model, X.iloc[:150], y[:150], tmp_path, X_test=X.iloc[150:], tolerance=biggest * 2)
    assert b.info["test_vectors"]["tolerance"]["absolute"] == biggest * 2
    # Fix 2: the graph's own results, said so in the manifest.
    b = _seal(model, X.iloc[:150], y[:150], tmp_path, X_test=X.iloc[150:], test_vectors="graph", force=True)
    assert "float32" in b.info["test_vectors"]["source"]


def test_without_x_test_the_test_rows_are_synthesised_not_copied(tmp_path, data, fitted):
    X_train, y_train, _, _ = data
    b = _seal(fitted, X_train, y_train, tmp_path)
    train_rows = {tuple(r) for r in X_train.astype(object).where(X_train.notna(), None).itertuples(index=False)}
    cases = b.info["test_vectors"]["cases"]
    assert len(cases) == 20
    # Hours are interpolated quantiles: a row with one is no training row.
    with_hours = [c["input"] for c in cases if c["input"]["hours"] is not None]
    assert len(with_hours) >= 10
    for inp in with_hours:
        assert tuple(inp[c] for c in X_train.columns) not in train_rows


def test_out_of_range_held_out_rows_are_left_out_and_said_so(tmp_path, data, fitted):
    X_train, y_train, X_test, _ = data
    far = X_test.copy()
    far.loc[0, "hours"] = 1000.0
    b = _seal(fitted, X_train, y_train, tmp_path, X_test=far)
    assert any("do not fit the schema" in n and "hours" in n for n in b.notes)
    wide = _seal(fitted, X_train, y_train, tmp_path, X_test=far, ranges={"hours": (0, 2000)}, force=True)
    hours = next(f for f in wide.info["schema"] if f["name"] == "hours")
    assert (hours["min"], hours["max"], hours["range_source"]) == (0, 2000, "set by the author")
    assert not wide.notes


def test_numpy_and_list_of_columns_inputs(tmp_path):
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(4)
    A = rng.normal(size=(80, 3))
    y = A @ [1.0, -2.0, 0.5]
    b = _seal(Ridge().fit(A, y), [A[:, 0], A[:, 1], A[:, 2]], y, tmp_path, feature_names=["p", "q", "r"])
    m = so.load(b.path, public_key=(tmp_path / "k.pub.pem"))
    got = m.predict(A)
    np.testing.assert_allclose(got["value"], Ridge().fit(A, y).predict(A), rtol=1e-4, atol=1e-5)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.sonnx"
    with huge.open("wb") as f:  # sparse: 2 GiB of size, no disk
        f.truncate(2 << 30)
    with pytest.raises(so.VerificationError, match="over the 268,435,456-byte bundle limit") as e:
        so.load(huge, allow_unverified=True)
    assert e.value.check == "bundle"


def test_category_dtype_and_nullable_integers_shape_the_schema(tmp_path, data):
    X_train, y_train, X_test, _ = data
    cats = ["bio", "cs", "math", "physics"]  # "physics" declared, never seen
    Xc = X_train.assign(track=pd.Categorical(X_train["track"], categories=cats),
                        grade=X_train["grade"].astype("Int64"))
    Xc.loc[3, "grade"] = pd.NA
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    prep = ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), ["hours", "grade"]),
        ("flag", "passthrough", ["project"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["track"]),
    ])
    model = Pipeline([("prep", prep), ("model", LogisticRegression(max_iter=500))]).fit(Xc, y_train)
    Xt = X_test.assign(track=pd.Categorical(X_test["track"], categories=cats), grade=X_test["grade"].astype("Int64"))
    b = _seal(model, Xc, y_train, tmp_path, X_test=Xt)
    schema = {f["name"]: f for f in b.info["schema"]}
    assert schema["track"]["categories"] == cats
    assert schema["grade"]["type"] == "integer" and schema["grade"]["nullable"]
    m = so.load(b.path, public_key=tmp_path / "k.pub.pem")
    inside = Xt.drop(index=m.validate(Xt)["row"].unique())
    got = m.predict(inside.assign(grade=inside["grade"].astype("Int64")))
    assert (got["label"].to_numpy() == model.predict(inside)).all()
    one = inside.head(1).assign(grade=pd.array([pd.NA], dtype="Int64"))
    assert len(m.predict(one)) == 1  # a missing integer is accepted: the feature is nullable


def test_saved_inputs_rebuild_the_same_bytes_with_the_cli(tmp_path, data, fitted, monkeypatch):
    import subprocess
    import sys

    X_train, y_train, X_test, _ = data
    far = X_test.copy()
    far.loc[0, "hours"] = 1000.0  # outside the schema: in holdout.json, not in the checked rows
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")
    inputs = tmp_path / "inputs"
    b = _seal(fitted, X_train, y_train, tmp_path, X_test=far, range_margin=0.1, ranges={"grade": (1, 5)}, save_inputs=inputs, git_commit="ab" * 20)
    assert sorted(p.name for p in inputs.iterdir()) == ["holdout.json", "meta.json", "model.onnx", "test_vectors.json", "train.csv"]
    holdout = json.loads((inputs / "holdout.json").read_text())
    assert len(holdout["cases"]) == len(far) and holdout["cases"][0]["input"]["hours"] == 1000.0
    assert b.checked_rows == len(far) - 1
    assert b.info["training"]["git_commit"] == "ab" * 20
    hours = next(f for f in b.info["schema"] if f["name"] == "hours")
    lo, hi = X_train["hours"].min(), X_train["hours"].max()
    # Widened by 10 % of the span (rounded outwards), but not below 0 for data that never are.
    assert hours["min"] == 0 and lo - 0.1 * (hi - lo) < 0
    assert hi + 0.1 * (hi - lo) <= hours["max"] < hi + 0.2 * (hi - lo)
    cli = Path(sys.executable).with_name("sealed-onnx")
    rebuilt = tmp_path / "rebuilt.sonnx"
    subprocess.run([cli, "pack", "--model", inputs / "model.onnx", "--meta", inputs / "meta.json", "--train", inputs / "train.csv",
                    "--test-vectors", inputs / "test_vectors.json", "--out", rebuilt, "--range-margin", "0.1"], check=True, capture_output=True)
    subprocess.run([cli, "sign", rebuilt, "--key", tmp_path / "k.pem"], check=True, capture_output=True)
    assert rebuilt.read_bytes() == b.path.read_bytes()


def test_class_names_name_integer_classes(tmp_path):
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(2)
    X = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80)})
    y = (X["a"] + 0.3 * X["b"] > 0).astype(int).to_numpy()
    model = LogisticRegression().fit(X, y)
    b = _seal(model, X, y, tmp_path, class_names=["low", "high"])
    assert b.info["outputs"]["class_names"] == ["low", "high"]
    got = so.load(b.path, public_key=tmp_path / "k.pub.pem").predict(X)
    assert list(got["label"]) == [["low", "high"][v] for v in model.predict(X)]
    for bad in (["low"], ["x", "x"], "lowhigh"):
        with pytest.raises(so.SealError, match=r"class_names must be 2 distinct, non-empty names.*classes_ \[0, 1\]"):
            _seal(model, X, y, tmp_path, class_names=bad, force=True)
    with pytest.raises(so.SealError, match="range_margin must be 0 or more"):
        _seal(model, X, y, tmp_path, range_margin=-0.1, force=True)
    with pytest.raises(so.SealError, match="git_commit must be True"):
        _seal(model, X, y, tmp_path, git_commit="main", force=True)
    with pytest.raises(so.SealError, match="ranges names 'a', which is a string column, not a number"):
        _seal(model, X.assign(a=X["a"].astype(str)), y, tmp_path, ranges={"a": (0, 1)}, force=True)


def test_opset_imports_are_written_in_one_order_whatever_order_skl2onnx_gives():
    # skl2onnx lists them from a set: the same model could come out in either order.
    from onnx import helper

    from sealed_onnx._export import _canonical_opsets

    def model(order):
        m = helper.make_model(helper.make_graph([], "g", [], []))
        del m.opset_import[:]
        for domain, version in order:
            m.opset_import.add(domain=domain, version=version)
        _canonical_opsets(m)
        return m

    a = model([("", 13), ("ai.onnx.ml", 1)])
    b = model([("ai.onnx.ml", 1), ("", 13)])
    assert a.SerializeToString() == b.SerializeToString()
    assert [(o.domain, o.version) for o in a.opset_import] == [("ai.onnx.ml", 1), ("", 13)]
