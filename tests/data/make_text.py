#!/usr/bin/env python3
"""Write the text test data in tests/data/text/ from the corpus case text-tfidf-logreg
(deterministic; re-run to regenerate, then re-pack as tests/e2e/text.rs says):

    models/.venv/bin/python tests/data/make_text.py

The corpus case is TfidfVectorizer → LogisticRegression on generated documents of three
topics (models/corpus/generate.py). Its 69 documents (60 held out, 9 edge rows: empty,
punctuation, digits, capitals, non-ASCII, unseen words, a 600-word text) become
``train.csv`` (``review``, ``topic``: the schema and drift baseline, unknown-token rate
included, are inferred from them), ``test_vectors.json`` (every 9th document with
scikit-learn's label and probabilities), ``holdout.json`` (every document, same format),
``meta.json`` (with ``outputs``: the class names are scikit-learn's) and ``model.onnx``
(the corpus export, copied). The npm package's tests load ``text-1.0.0.sonnx``, packed from
these by the CLI.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CASE = REPO / "tests/corpus/text-tfidf-logreg"
OUT = REPO / "tests/data/text"
CLASSES = ["cooking", "science", "sport"]


def main() -> None:
    io = json.loads((CASE / "io.json").read_text(encoding="utf-8"))
    docs = [row[0] for row in io["inputs"]["text"]["data"]]
    labels = io["sklearn"]["label"]
    probabilities = io["sklearn"]["probabilities"]
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CASE / "model.onnx", OUT / "model.onnx")
    with open(OUT / "train.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["review", "topic"])
        w.writerows(zip(docs, labels))
    cases = [
        {
            "input": {"review": doc},
            "expected": {"label": label, "probabilities": dict(zip(CLASSES, probs))},
        }
        for doc, label, probs in zip(docs, labels, probabilities)
    ]
    tolerance = io["tolerance"]
    dump = lambda name, doc: (OUT / name).write_text(
        json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    dump("test_vectors.json", {"tolerance": tolerance, "cases": cases[::9]})
    dump("holdout.json", {"tolerance": tolerance, "cases": cases})
    dump("meta.json", {
        "name": "text",
        "version": "1.0.0",
        "target": "topic",
        "training": {
            "framework": {"name": "scikit-learn", "version": "1.9.1"},
            "converter": {"name": "skl2onnx", "version": "1.20.0"},
            "hyperparameters": {"pipeline": " → ".join(io["pipeline"])},
        },
        "outputs": {"task": "classification", "class_names": CLASSES,
                    "label": "label", "probabilities": "probabilities"},
        "card": {
            "description": "Topic of a short English text: cooking, science or sport "
                           "(TF-IDF and logistic regression on generated documents).",
            "intended_use": "Tests and the demo page's text input.",
            "out_of_scope": "Real documents: the vocabulary is 62 words.",
            "authors": ["sealed-onnx tests"],
            "license": "MIT",
        },
    })


if __name__ == "__main__":
    main()
