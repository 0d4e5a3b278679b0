#!/usr/bin/env python3
"""Validate bundle manifests against spec/manifest.schema.json (JSON Schema draft 2020-12).

    models/.venv/bin/python spec/check_manifests.py [BUNDLE.sonnx | manifest.json ...]

Without arguments it checks the manifest.json inside every models/*.sonnx. It then checks
that a few hand-written manifests the crate accepts (the minimal sample of src/bundle/tests.rs,
a columns binding with a categorical feature, explicit nulls for optional fields) are valid,
and that deliberately broken copies of the first manifest (unknown fields, bad enum values,
missing fields, wrong types) are rejected, so a schema that accepts everything cannot pass.
Exits non-zero when a valid manifest is rejected or a broken one is accepted.
"""

from __future__ import annotations

import copy
import json
import sys
import zipfile
from pathlib import Path
from typing import Any, Callable

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

SPEC_DIR = Path(__file__).resolve().parent
REPO_DIR = SPEC_DIR.parent
SCHEMA_PATH = SPEC_DIR / "manifest.schema.json"


def load_manifest(path: Path) -> dict[str, Any]:
    if path.suffix == ".sonnx":
        with zipfile.ZipFile(path) as z:
            return json.loads(z.read("manifest.json").decode("utf-8"))
    return json.loads(path.read_text(encoding="utf-8"))


def errors_of(validator: Draft202012Validator, doc: Any) -> list[str]:
    out = []
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        if e.context:  # oneOf / anyOf: say why the closest alternative failed
            e = best_match(e.context)
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path)
        message = e.message if len(e.message) <= 160 else e.message[:157] + "..."
        out.append(f"{where or '(root)'}: {message}")
    return out


def sample_manifest() -> dict[str, Any]:
    """The minimal valid manifest of src/bundle/tests.rs (sample_manifest_json)."""
    return {
        "format": "sealed-onnx/1",
        "name": "toy",
        "version": "1.2.3",
        "created": "2026-11-23T10:00:00Z",
        "training": {
            "framework": {"name": "scikit-learn", "version": "1.9.1"},
            "converter": {"name": "skl2onnx", "version": "1.20.0"},
            "data": {"sha256": "ab" * 32, "rows": 10},
        },
        "inputs": {
            "features": [
                {"name": "a", "type": "float", "min": 0.0, "max": 10.0},
                {"name": "b", "type": "integer"},
            ],
            "binding": {"kind": "tensor", "input": "X", "dtype": "float32"},
        },
        "outputs": {"task": "regression", "value": "variable"},
        "test_vectors": {
            "tolerance": {"relative": 1e-5, "absolute": 1e-6},
            "cases": [{"input": {"a": 1.0, "b": 2}, "expected": {"value": 3.0}}],
        },
        "drift_baseline": {"features": {}},
        "card": {"description": "toy"},
        "files": {"model.onnx": "cd" * 32},
    }


def columns_classifier(m: dict[str, Any]) -> None:
    """A ColumnTransformer-style classifier: string feature, columns binding, categorical."""
    m["inputs"]["features"].append(
        {"name": "colour", "type": "string", "categories": ["red", "blue"], "nullable": True,
         "missing": "treated as its own category"}
    )
    m["inputs"]["binding"] = {
        "kind": "columns",
        "columns": [
            {"feature": "a", "input": "a", "dtype": "float32"},
            {"feature": "b", "input": "b", "dtype": "int64"},
            {"feature": "colour", "input": "colour", "dtype": "string"},
        ],
    }
    m["outputs"] = {"task": "classification", "class_names": ["no", "yes"],
                    "class_labels": [0, 1], "label": "label", "probabilities": "probabilities"}
    m["test_vectors"]["cases"] = [{
        "input": {"a": 1.0, "b": 2, "colour": None},
        "expected": {"label": "yes", "probabilities": {"no": 0.25, "yes": 0.75}},
    }]
    m["drift_baseline"]["features"] = {
        "a": {"kind": "numeric", "count": 10, "missing": 0, "mean": 5.0, "std": 2.0,
              "min": 0.0, "max": 10.0, "quantiles": [float(i) for i in range(11)],
              "histogram": {"edges": [0.0, 5.0, 10.0], "counts": [5, 5]}},
        "colour": {"kind": "categorical", "count": 8, "missing": 2,
                   "frequencies": {"red": 0.5, "blue": 0.5}},
    }


def explicit_nulls(m: dict[str, Any]) -> None:
    """Option fields may be null (serde reads null as None) and carry every optional field."""
    m["created"] = "2026-11-23T10:00:00.123+01:00"
    m["training"].update(git_commit=None, random_seed=None, cv_metric=None, hyperparameters={})
    m["training"]["data"]["source"] = None
    m["inputs"]["features"][1].update(min=None, max=None, categories=None, nullable=False,
                                      missing=None, unit=None, description=None)
    m["outputs"].update(class_names=None, class_labels=None, label=None, probabilities=None)
    m["test_vectors"]["cases"][0]["expected"].update(label=None, probabilities=None)
    m["card"].update(intended_use="", out_of_scope="", limitations="", fairness="",
                     authors=[], license="MIT", operating_ranges={"a": "0-10"})
    m["file_sizes"] = {"model.onnx": 1234}


def text_classifier(m: dict[str, Any]) -> None:
    """A text feature fed through a string column, its baseline with the unknown-token rate."""
    m["inputs"]["features"] = [{"name": "review", "type": "text", "max_length": 1000}]
    m["inputs"]["binding"] = {
        "kind": "columns",
        "columns": [{"feature": "review", "input": "text", "dtype": "string"}],
    }
    m["outputs"] = {"task": "classification", "class_names": ["no", "yes"],
                    "label": "label", "probabilities": "probabilities"}
    m["test_vectors"]["cases"] = [{
        "input": {"review": "good match"},
        "expected": {"label": "yes", "probabilities": {"no": 0.25, "yes": 0.75}},
    }]
    m["drift_baseline"]["features"] = {
        "review": {"kind": "text", "count": 10, "missing": 0, "mean_length": 20.0,
                   "quantiles": [float(i) for i in range(11)],
                   "histogram": {"edges": [0.0, 20.0, 40.0], "counts": [5, 5]},
                   "unknown_tokens": {"tokens": 40, "unknown": 4, "rate": 0.1}},
    }


def text_without_rate(m: dict[str, Any]) -> None:
    """A text baseline sealed before the unknown-token rate was recorded."""
    text_classifier(m)
    m["drift_baseline"]["features"]["review"].pop("unknown_tokens")


def text_rate(m: dict[str, Any]) -> dict[str, Any]:
    text_classifier(m)
    return m["drift_baseline"]["features"]["review"]["unknown_tokens"]


def output_kind(outputs: dict[str, Any], expected: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    """The sample with another task's outputs and one case expecting that task's parts."""
    def change(m: dict[str, Any]) -> None:
        m["outputs"] = copy.deepcopy(outputs)
        m["test_vectors"]["cases"][0]["expected"] = copy.deepcopy(expected)
    return change


MULTI_OUTPUT = output_kind({"task": "regression", "value": "variable", "value_names": ["y0", "y1"]},
                           {"values": {"y0": 1.5, "y1": -2.0}})
TRANSFORM = output_kind({"task": "transform", "vector": "variable", "dimension": 2},
                        {"vector": [0.25, -1.0]})
CLUSTERING = output_kind({"task": "clustering", "label": "label", "distances": "scores",
                          "clusters": 3}, {"cluster": 2, "distances": [1.5, 0.5, 0.25]})
OUTLIER = output_kind({"task": "outlier", "label": "label", "score": "scores"},
                      {"outlier": True, "score": -0.01})


def with_change(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    m = sample_manifest()
    change(m)
    return m


VALID: list[tuple[str, Callable[[], dict[str, Any]]]] = [
    ("minimal sample manifest of src/bundle/tests.rs", sample_manifest),
    ("columns binding, string feature, categorical baseline",
     lambda: with_change(columns_classifier)),
    ("explicit nulls for optional fields, every field present",
     lambda: with_change(explicit_nulls)),
    ("regression with several targets (value_names, expected values)",
     lambda: with_change(MULTI_OUTPUT)),
    ("text feature, unknown-token rate in its baseline", lambda: with_change(text_classifier)),
    ("text baseline without the unknown-token rate (older bundles)",
     lambda: with_change(text_without_rate)),
    ("transform (vector, dimension)", lambda: with_change(TRANSFORM)),
    ("clustering (label, distances, clusters)", lambda: with_change(CLUSTERING)),
    ("outlier detection (label, score)", lambda: with_change(OUTLIER)),
]


def first_feature_baseline(m: dict[str, Any]) -> dict[str, Any]:
    return m["drift_baseline"]["features"][m["inputs"]["features"][0]["name"]]


# Each entry: what is broken, and how (mutates a deep copy of a valid manifest).
BROKEN: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("unknown top-level field", lambda m: m.update(signature="x")),
    ("unknown field in training", lambda m: m["training"].update(gpu=True)),
    ("unknown field in a feature", lambda m: m["inputs"]["features"][0].update(default=0)),
    ("unknown field in the tensor binding", lambda m: m["inputs"]["binding"].update(columns=[])),
    ("unknown field in a numeric baseline", lambda m: first_feature_baseline(m).update(mode=1)),
    ("unknown field in the card", lambda m: m["card"].update(contact="someone")),
    ("bad enum: feature type", lambda m: m["inputs"]["features"][0].update(type="double")),
    ("bad enum: binding kind", lambda m: m["inputs"]["binding"].update(kind="matrix")),
    ("bad enum: binding dtype", lambda m: m["inputs"]["binding"].update(dtype="float16")),
    ("bad enum: task", lambda m: m["outputs"].update(task="ranking")),
    ("bad enum: baseline kind", lambda m: first_feature_baseline(m).update(kind="numerical")),
    ("wrong format", lambda m: m.update(format="sealed-onnx/2")),
    ("version not semver", lambda m: m.update(version="1.0")),
    ("created not RFC 3339", lambda m: m.update(created="23/11/2026")),
    ("missing required field: card.description", lambda m: m["card"].pop("description")),
    ("missing required field: drift_baseline", lambda m: m.pop("drift_baseline")),
    ("negative row count", lambda m: m["training"]["data"].update(rows=-1)),
    ("upper-case digest", lambda m: m["files"].update({"model.onnx": "A" * 64})),
    ("negative file size", lambda m: m.setdefault("file_sizes", {}).update({"model.onnx": -1})),
    ("string file size", lambda m: m.setdefault("file_sizes", {}).update({"model.onnx": "12"})),
    ("size of an entry that is not listed",
     lambda m: m.setdefault("file_sizes", {}).update({"evil.py": 12})),
    ("null where not optional", lambda m: m["inputs"]["features"][0].update(nullable=None)),
    ("string probability", lambda m: m["test_vectors"]["cases"][0]["expected"].update(
        probabilities={"a": "0.5"})),
    ("regressor with a label output", lambda m: m["outputs"].update(
        task="regression", value="variable")),
    ("classifier without class names", lambda m: m["outputs"].pop("class_names")),
    ("transform without its dimension", lambda m: (TRANSFORM(m), m["outputs"].pop("dimension"))),
    ("transform of dimension 0", lambda m: (TRANSFORM(m), m["outputs"].update(dimension=0))),
    ("clustering with class names", lambda m: (CLUSTERING(m), m["outputs"].update(
        class_names=["a", "b", "c"]))),
    ("clustering without its number of clusters",
     lambda m: (CLUSTERING(m), m["outputs"].pop("clusters"))),
    ("outlier detector with neither label nor score",
     lambda m: (OUTLIER(m), m["outputs"].pop("label"), m["outputs"].pop("score"))),
    ("regressor with a vector output", lambda m: m["outputs"].update(vector="variable")),
    ("repeated target names", lambda m: (MULTI_OUTPUT(m), m["outputs"].update(
        value_names=["y", "y"]))),
    ("string in an expected vector", lambda m: (TRANSFORM(m), m["test_vectors"]["cases"][0][
        "expected"].update(vector=["0.25", 1.0]))),
    ("unknown-token rate above 1", lambda m: text_rate(m).update(rate=1.5)),
    ("unknown-token counts without their rate", lambda m: text_rate(m).pop("rate")),
    ("unknown field in the unknown-token rate", lambda m: text_rate(m).update(share=0.1)),
    ("negative expected cluster", lambda m: (CLUSTERING(m), m["test_vectors"]["cases"][0][
        "expected"].update(cluster=-1))),
]


def main() -> int:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)

    paths = [Path(a) for a in sys.argv[1:]] or sorted((REPO_DIR / "models").glob("*.sonnx"))
    if not paths:
        print("error: no bundles found in models/", file=sys.stderr)
        return 1
    failed = 0
    manifests = []
    for path in paths:
        m = load_manifest(path)
        manifests.append(m)
        errs = errors_of(validator, m)
        shown = path.relative_to(REPO_DIR) if path.is_relative_to(REPO_DIR) else path
        if errs:
            failed += 1
            print(f"FAIL {shown}: {len(errs)} schema error(s)")
            for e in errs:
                print(f"     {e}")
        else:
            print(f"ok   {shown}")

    # Hand-written manifests the crate accepts must be valid.
    for what, make in VALID:
        errs = errors_of(validator, make())
        if errs:
            failed += 1
            print(f"FAIL rejected a valid manifest ({what}): {'; '.join(errs)}")
        else:
            print(f"ok   accepted ({what})")

    # Deliberately broken manifests must be rejected.
    base = manifests[0]
    for what, breaker in BROKEN:
        m = copy.deepcopy(base)
        breaker(m)
        errs = errors_of(validator, m)
        if errs:
            print(f"ok   rejected ({what}): {errs[0]}")
        else:
            failed += 1
            print(f"FAIL accepted a broken manifest ({what})")

    if failed:
        print(f"{failed} check(s) failed", file=sys.stderr)
        return 1
    print(
        f"all {len(paths)} manifest(s) and {len(VALID)} hand-written ones valid; "
        f"{len(BROKEN)} broken variants rejected"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
