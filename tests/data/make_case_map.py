#!/usr/bin/env python3
"""Write tests/data/ort_case_map.txt: every code point onnxruntime's StringNormalizer changes.

    models/.venv/bin/python tests/data/make_case_map.py

Runs ``StringNormalizer`` (``case_change_action`` LOWER, then UPPER, default locale
``en_US.UTF-8``, which must be installed: scripts/setup-python.sh does it) on every Unicode
scalar value, one per string, and writes one line per changed code point:
``L|U <hex in> <hex out>``. src/engine/ops/string_normalizer/tests.rs compares the engine's
case mapping with it on every code point. The map depends on the C library's Unicode tables
(glibc 2.36 here: Unicode 14), so the first line records the onnxruntime version.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper


def session(action: str) -> ort.InferenceSession:
    node = helper.make_node(
        "StringNormalizer", ["x"], ["y"], case_change_action=action, is_case_sensitive=1
    )
    graph = helper.make_graph(
        [node],
        "case",
        [helper.make_tensor_value_info("x", TensorProto.STRING, [None])],
        [helper.make_tensor_value_info("y", TensorProto.STRING, [None])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return ort.InferenceSession(model.SerializeToString())


def main() -> None:
    cps = [c for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    chars = np.array([chr(c) for c in cps], dtype=object)
    lines = [f"# onnxruntime {ort.__version__}"]
    for tag, action in (("L", "LOWER"), ("U", "UPPER")):
        out = session(action).run(None, {"x": chars})[0]
        for c, o in zip(cps, out):
            if o != chr(c):
                assert len(o) == 1, (c, o)
                lines.append(f"{tag} {c:x} {ord(o):x}")
    path = Path(__file__).with_name("ort_case_map.txt")
    path.write_text("\n".join(lines) + "\n")
    print(f"{path}: {len(lines) - 1} code points")


if __name__ == "__main__":
    main()
