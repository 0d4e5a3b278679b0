"""A bundle with a migration: rows sent in the previous major version's shape are migrated,
and each result says so (as the CLI and the npm package do)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sealed_onnx as so

ROOT = Path(__file__).resolve().parents[2]
KEY = ROOT / "models" / "keys" / "demo-public-key.pem"
V2 = ROOT / "models" / "registry" / "iris" / "2.0.0.sonnx"  # petal sizes in mm, migrates 1.x cm


def test_old_shape_rows_are_migrated_and_marked():
    model = so.load(V2, public_key=KEY)
    assert model.info["migration"]["from_major"] == 1
    new = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length_mm": 14.0, "petal_width_mm": 2.0}
    old = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
    migrated, current = model.predict([old, old]), model.predict([new])
    assert migrated["migrated_from_major"].tolist() == [1, 1]
    assert current["migrated_from_major"].isna().tolist() == [True]
    # The migration converts units: the old-shape rows are the same flower as the new one.
    assert migrated["label"].tolist() == ["setosa", "setosa"]
    proba = lambda out, r: out.filter(like="proba_").iloc[r].tolist()  # noqa: E731
    assert proba(migrated, 0) == proba(current, 0)
    # A DataFrame with the 1.x column names: every row marked.
    assert model.predict(pd.DataFrame([old] * 3))["migrated_from_major"].tolist() == [1, 1, 1]


def test_a_bundle_without_a_migration_has_no_migration_column():
    model = so.load(ROOT / "models" / "iris-1.0.0.sonnx", public_key=KEY)
    assert model.info["migration"] is None
    row = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
    assert "migrated_from_major" not in model.predict(row).columns


def test_a_list_mixing_both_shapes_is_migrated_record_by_record():
    # As the npm package does with the same list: each record is checked, and migrated, by
    # its own keys (a table of the union of the keys would have both shapes' names).
    model = so.load(V2, public_key=KEY)
    new = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length_mm": 14.0, "petal_width_mm": 2.0}
    old = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
    out = model.predict([old, new, old])
    assert out["migrated_from_major"].tolist() == [1, pd.NA, 1]
    assert out["label"].tolist() == ["setosa"] * 3
    assert out.filter(like="proba_").iloc[0].tolist() == out.filter(like="proba_").iloc[1].tolist()
    # A record without a key is reported at its own row, as a missing feature.
    short = {k: v for k, v in new.items() if k != "petal_width_mm"}
    table = model.validate([new, short, old])
    assert list(zip(table["row"], table["feature"], table["path"], table["code"])) == [
        (1, "petal_width_mm", "rows[1].petal_width_mm", "missing_feature")
    ]
    with pytest.raises(so.SchemaError, match=r"rows\[1\]\.petal_width_mm"):
        model.predict([new, short])
