"""Writes the README's table of supported scikit-learn estimators from tests/corpus/index.json
(every listed case is checked against onnxruntime by tests/e2e/corpus.rs, natively, and by
pkg-tests/corpus in wasm). Usage: python3 scripts/estimator_table.py [--write-readme]."""

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

root = Path(__file__).resolve().parent.parent
index = json.loads((root / "tests/corpus/index.json").read_text())
by_step = defaultdict(lambda: {"cases": 0, "tasks": set(), "labels": set(), "ops": set()})
for case in index["cases"]:
    if case["case"] == "bench-forest":
        continue
    for step in case["pipeline"]:
        row = by_step[step]
        row["cases"] += 1
        row["tasks"].add(case["task"])
        if case.get("label_type"):
            row["labels"].add(case["label_type"])
        row["ops"].update(op.replace("ai.onnx.ml:", "") for op in case["ops"] if op.startswith("ai.onnx.ml:"))
        # The text operators: ai.onnx ones tract lacks (ours) and onnxruntime's contrib Tokenizer.
        row["ops"].update(op.replace("ai.onnx:", "") for op in case["ops"]
                          if op in ("ai.onnx:StringNormalizer", "ai.onnx:TfIdfVectorizer")
                          or op.startswith("com.microsoft:"))

lines = ["| scikit-learn step | corpus cases | task | class labels | ONNX-ML and text operators in its pipelines |", "|---|--:|---|---|---|"]
for step in sorted(by_step, key=str.lower):
    r = by_step[step]
    lines.append(
        f"| `{step}` | {r['cases']} | {', '.join(sorted(r['tasks']))} | {', '.join(sorted(r['labels'])) or '—'} | "
        f"{', '.join(sorted(r['ops'])) or '(standard ONNX only)'} |"
    )
table = "\n".join(lines)
print(table)
if "--write-readme" in sys.argv:
    path = root / "README.md"
    text = path.read_text()
    pattern = re.compile(r"<!-- estimators:begin -->.*<!-- estimators:end -->", re.S)
    if not pattern.search(text):
        sys.exit("README.md has no estimators markers")
    path.write_text(pattern.sub(lambda _: f"<!-- estimators:begin -->\n{table}\n<!-- estimators:end -->", text))
