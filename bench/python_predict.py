"""How long `Model.predict` takes on 100 000 rows of each example model (the Python package's
speed figure in the README). Not a test: run it with the wheel installed,
`python bench/python_predict.py`, from the repository root."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import sealed_onnx as so

ROWS = 100_000
root = Path(__file__).resolve().parent.parent
key = root / "models/keys/demo-public-key.pem"


def frame_from_holdout(name: str, skip: set[int] = frozenset()) -> pd.DataFrame:
    cases = json.loads((root / f"models/{name}/holdout.json").read_text())["cases"]
    inputs = [c["input"] for i, c in enumerate(cases) if i not in skip]
    reps = -(-ROWS // len(inputs))
    df = pd.DataFrame(inputs * reps).head(ROWS)
    return df.astype({c: float for c in df.columns if df[c].dtype == object and df[c].map(lambda v: v is None or isinstance(v, float)).all()})


def main() -> None:
    print(f"{'model':<15} {'rows':>8} {'predict':>10} {'rows/s':>12}")
    for name in ("iris", "diabetes", "breast-cancer", "study"):
        m = so.load(root / f"models/{name}-1.0.0.sonnx", public_key=key)
        df = frame_from_holdout(name)
        # Held-out rows beyond the schema's ranges are refused; repeat the others.
        outside = m.validate(df.head(1000))["row"].unique()
        df = frame_from_holdout(name, skip=set(int(r) for r in outside))
        m.predict(df.head(100))  # warm up
        best = min(_timed(m, df) for _ in range(3))
        print(f"{name:<15} {len(df):>8,} {best * 1000:>8.0f} ms {len(df) / best:>12,.0f}")
    sys.stdout.flush()


def _timed(m: so.Model, df: pd.DataFrame) -> float:
    t = time.perf_counter()
    out = m.predict(df)
    elapsed = time.perf_counter() - t
    assert len(out) == len(df)
    return elapsed


if __name__ == "__main__":
    main()
