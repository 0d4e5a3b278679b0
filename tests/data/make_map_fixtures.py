#!/usr/bin/env python3
"""Generate the map-operator fixtures in tests/data/ (deterministic; re-run to regenerate):

    models/.venv/bin/python tests/data/make_map_fixtures.py

* ``zipmap_inside.onnx``    StandardScaler → LogisticRegression on iris (int labels), exported
                            with default options, then edited so that the ZipMap's output is
                            no longer a graph output (only ``output_label`` is): a ZipMap the
                            loader cannot read before, which must be refused by name
* ``dict_vectorizer.onnx``  DictVectorizer → LogisticRegression (``zipmap: False``): the graph
                            input is a map(string, float), which sealed-onnx's tensor inputs
                            cannot express, and DictVectorizer must be refused by name

Both files are checked with ``onnx.checker`` and loaded by onnxruntime.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import skl2onnx
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import DictionaryType, FloatTensorType, StringTensorType
from sklearn.datasets import load_iris
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

OUT = Path(__file__).resolve().parent
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
warnings.filterwarnings("ignore")


def normalise(onx: onnx.ModelProto, name: str) -> bytes:
    """Stable header fields and a sorted opset_import (as models/corpus/generate.py)."""
    opsets = sorted((o.domain, o.version) for o in onx.opset_import)
    del onx.opset_import[:]
    for domain, version in opsets:
        op = onx.opset_import.add()
        op.domain, op.version = domain, version
    onx.graph.name = name
    onx.producer_name, onx.producer_version = "skl2onnx", skl2onnx.__version__
    onx.doc_string = onx.graph.doc_string = ""
    for n in onx.graph.node:
        n.doc_string = ""
    del onx.metadata_props[:]
    onnx.checker.check_model(onx)
    data = onx.SerializeToString()
    ort.InferenceSession(data, providers=["CPUExecutionProvider"])  # onnxruntime loads it
    return data


def zipmap_inside() -> bytes:
    X, y = load_iris(return_X_y=True)
    pipe = Pipeline([("scaler", StandardScaler()),
                     ("model", LogisticRegression(max_iter=1000))]).fit(X, y)
    onx = convert_sklearn(pipe, initial_types=[("X", FloatTensorType([None, 4]))],
                          target_opset=TARGET_OPSET)
    zipmaps = [n for n in onx.graph.node if n.op_type == "ZipMap"]
    assert len(zipmaps) == 1, [n.op_type for n in onx.graph.node]
    zipmaps[0].output[0] = "maps"  # dangling: no longer the graph output
    kept = [o for o in onx.graph.output if o.name != "output_probability"]
    del onx.graph.output[:]
    onx.graph.output.extend(kept)
    return normalise(onx, "zipmap_inside")


def dict_vectorizer() -> bytes:
    rows = [{"a": 1.0, "b": 2.0}, {"a": 3.0, "c": 1.0}, {"b": 1.0}, {"c": 2.0, "a": 0.5}]
    pipe = Pipeline([("dict", DictVectorizer(sparse=False)),
                     ("model", LogisticRegression())]).fit(rows, np.array([0, 1, 0, 1]))
    onx = convert_sklearn(
        pipe,
        initial_types=[("X", DictionaryType(StringTensorType([1]), FloatTensorType([1])))],
        options={id(pipe[-1]): {"zipmap": False}},
        target_opset=TARGET_OPSET,
    )
    assert [n.op_type for n in onx.graph.node][0] == "DictVectorizer"
    return normalise(onx, "dict_vectorizer")


def main() -> int:
    (OUT / "zipmap_inside.onnx").write_bytes(zipmap_inside())
    (OUT / "dict_vectorizer.onnx").write_bytes(dict_vectorizer())
    print("wrote zipmap_inside.onnx, dict_vectorizer.onnx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
