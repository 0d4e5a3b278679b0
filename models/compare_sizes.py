#!/usr/bin/env python3
"""Compare the example bundles with the pickle / joblib files of the same pipelines.

    models/.venv/bin/python models/compare_sizes.py [--runs 20] [--write-readme models/README.md]

For each example (iris, diabetes, breast-cancer, study) it measures

* the size of ``models/<name>/model.pkl``, ``models/<name>/model.joblib`` and
  ``models/<name>-<version>.sonnx``: raw bytes and ``gzip -9`` bytes;
* the load time, median of ``--runs`` runs (default 20):
  - ``pickle.load`` and ``joblib.load`` in this process, reading the file included (after one
    untimed warm-up load, so Python start-up and the scikit-learn imports are not counted;
    for scale, the footnote gives the time of a new Python process unpickling the first
    model, median of 5);
  - ``sealed-onnx verify <bundle> --public-key models/keys/demo-public-key.pem`` as a
    separate process (wall time: process start-up, zip and manifest checks, file digests,
    signature, graph loading and optimisation, and running the bundle's test vectors).

It prints a Markdown table. With ``--write-readme PATH`` it also replaces the text between the
``<!-- sizes:begin -->`` and ``<!-- sizes:end -->`` markers in PATH (an error if they are
missing). The release CLI is built (``cargo build --release --bin sealed-onnx``) when
``target/release/sealed-onnx`` does not exist; ``--cli PATH`` uses another binary.
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import joblib

MODELS_DIR = Path(__file__).resolve().parent
REPO_DIR = MODELS_DIR.parent
EXAMPLES = ["iris", "diabetes", "breast-cancer", "study"]
PUBLIC_KEY = MODELS_DIR / "keys" / "demo-public-key.pem"
DEFAULT_CLI = REPO_DIR / "target" / "release" / "sealed-onnx"
COLD_RUNS = 5  # new Python processes are slow; a few runs suffice
BEGIN, END = "<!-- sizes:begin -->", "<!-- sizes:end -->"


def gzip9_size(path: Path) -> int:
    """Size of ``gzip -9 -n`` output (the gzip tool when present, else Python's gzip module)."""
    tool = shutil.which("gzip")
    if tool:
        out = subprocess.run(
            [tool, "-9", "-n", "-c", str(path)], check=True, capture_output=True
        ).stdout
        return len(out)
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def load_pickle(path: Path) -> object:
    with open(path, "rb") as f:
        return pickle.load(f)


def cold_pickle_load(path: Path, runs: int) -> float:
    """Median wall time of a new Python process that unpickles ``path`` (imports included)."""
    code = "import pickle, sys\nwith open(sys.argv[1], 'rb') as f: pickle.load(f)"

    def once() -> None:
        subprocess.run([sys.executable, "-c", code, str(path)], check=True)

    return median_seconds(once, runs)


def verify_bundle(cli: Path, bundle: Path) -> None:
    res = subprocess.run(
        [str(cli), "verify", str(bundle), "--public-key", str(PUBLIC_KEY)],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        sys.exit(
            f"error: `sealed-onnx verify {bundle.name}` failed (exit {res.returncode}):\n"
            f"{res.stdout}{res.stderr}"
        )


def ensure_cli(cli: Path) -> Path:
    if cli.exists():
        return cli
    if cli != DEFAULT_CLI:
        sys.exit(f"error: {cli} does not exist")
    print("building the release CLI (cargo build --release --bin sealed-onnx)…", file=sys.stderr)
    subprocess.run(
        ["cargo", "build", "--release", "--bin", "sealed-onnx"], cwd=REPO_DIR, check=True
    )
    return cli


def fmt_bytes(n: int) -> str:
    return f"{n:,}"


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    if ms >= 1000:
        return f"{seconds:.2f} s"
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms"


def measure(cli: Path, runs: int) -> list[dict[str, object]]:
    rows = []
    for name in EXAMPLES:
        meta = json.loads((MODELS_DIR / name / "meta.json").read_text(encoding="utf-8"))
        pkl = MODELS_DIR / name / "model.pkl"
        jbl = MODELS_DIR / name / "model.joblib"
        bundle = MODELS_DIR / f"{name}-{meta['version']}.sonnx"
        for path in (pkl, jbl, bundle):
            if not path.exists():
                sys.exit(f"error: {path} is missing (run models/export.py / build_bundles.sh)")

        # One untimed warm-up each: imports scikit-learn's modules, warms the page cache.
        load_pickle(pkl)
        joblib.load(jbl)
        verify_bundle(cli, bundle)

        loaders = [
            ("pickle", pkl, lambda: load_pickle(pkl)),
            ("joblib", jbl, lambda: joblib.load(jbl)),
            ("sonnx", bundle, lambda: verify_bundle(cli, bundle)),
        ]
        for kind, path, fn in loaders:
            rows.append(
                {
                    "model": name,
                    "kind": kind,
                    "file": path.relative_to(MODELS_DIR).as_posix(),
                    "bytes": path.stat().st_size,
                    "gzip": gzip9_size(path),
                    "load": median_seconds(fn, runs),
                }
            )
        with zipfile.ZipFile(bundle) as z:
            rows[-1]["entries"] = {i.filename: i.file_size for i in z.infolist()}
    return rows


def markdown(rows: list[dict[str, object]], runs: int, cold: tuple[str, float]) -> str:
    how = {
        "pickle": "`pickle.load`¹",
        "joblib": "`joblib.load`¹",
        "sonnx": "`sealed-onnx verify`²",
    }
    entries = "; ".join(
        f"{r['model']}: "
        + ", ".join(f"`{name}` {fmt_bytes(size)}" for name, size in r["entries"].items())
        for r in rows
        if "entries" in r
    )
    lines = [
        f"| Model | File | Size (bytes) | gzip -9 (bytes) | Load, median of {runs} | Loaded by |",
        "|---|---|--:|--:|--:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | `{r['file']}` | {fmt_bytes(r['bytes'])} | "
            f"{fmt_bytes(r['gzip'])} | {fmt_ms(r['load'])} | {how[r['kind']]} |"
        )
    lines += [
        "",
        "¹ In-process, reading the file included, after one warm-up load: Python start-up and "
        "the scikit-learn imports are not counted (for scale: a new Python process that "
        f"unpickles `{cold[0]}` takes {fmt_ms(cold[1])}, median of {COLD_RUNS}).",
        "² Wall time of `sealed-onnx verify <bundle> --public-key "
        "models/keys/demo-public-key.pem` as a new process: includes process start-up, "
        "zip/manifest checks, verification of the file digests and the signature, graph "
        "loading and optimisation, and running the bundle's test vectors.",
        "",
        "A bundle carries more than the fitted model: the input schema, model card, drift "
        "baseline, test vectors and signature, in a zip whose entries are already deflated "
        f"(so gzip gains little). Entry sizes, uncompressed, in bytes: {entries}.",
        "",
        "What a pickle can do that a bundle can't: run arbitrary code while loading "
        "(`pickle.load`/`joblib.load` execute whatever the file says), so never load one "
        "from an untrusted source; a `.sonnx` bundle is data only (a zip of an ONNX graph "
        "and JSON), checked before anything runs.",
    ]
    return "\n".join(lines) + "\n"


def write_readme(path: Path, table: str) -> None:
    text = path.read_text(encoding="utf-8")
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        sys.exit(f"error: {path} must contain exactly one {BEGIN} and one {END} marker")
    start = text.index(BEGIN) + len(BEGIN)
    end = text.index(END)
    if end < start:
        sys.exit(f"error: in {path}, {END} comes before {BEGIN}")
    new = text[:start] + "\n" + table + text[end:]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(new)
    print(f"updated {path}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20, help="timed runs per file (default 20)")
    ap.add_argument("--cli", type=Path, default=DEFAULT_CLI, help="sealed-onnx binary")
    ap.add_argument(
        "--write-readme",
        type=Path,
        metavar="PATH",
        help=f"replace the text between {BEGIN} and {END} in PATH",
    )
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.write_readme is not None:
        # Fail before measuring for half a minute when the markers are missing.
        text = args.write_readme.read_text(encoding="utf-8")
        if BEGIN not in text or END not in text:
            sys.exit(f"error: {args.write_readme} has no {BEGIN} … {END} markers")
    cli = ensure_cli(args.cli.resolve())
    rows = measure(cli, args.runs)
    cold_path = MODELS_DIR / EXAMPLES[0] / "model.pkl"
    cold = (cold_path.relative_to(MODELS_DIR).as_posix(), cold_pickle_load(cold_path, COLD_RUNS))
    table = markdown(rows, args.runs, cold)
    sys.stdout.write(table)
    if args.write_readme is not None:
        write_readme(args.write_readme, table)


if __name__ == "__main__":
    main()
