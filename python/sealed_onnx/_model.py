"""``load()`` and the loaded :class:`Model`: DataFrames in, DataFrames out, every check on."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _native
from ._frame import native_columns, records_frame
from ._keys import read_pem
from .errors import SchemaError, VerificationError

_COLUMN_PATH = re.compile(r"^(?P<feature>.+)\[(?P<row>\d+)\]$")
# Records with different keys are checked as records (python/src/columns.rs): their paths are
# already row paths.
_RECORD_PATH = re.compile(r"^rows\[(?P<row>\d+)\]\.(?P<feature>.+)$")


def load(
    bundle: str | os.PathLike[str] | bytes,
    *,
    public_key: str | os.PathLike[str] | bytes | None = None,
    integrity: str | None = None,
    allow_unverified: bool = False,
) -> "Model":
    """Verifies and loads a bundle (a path or its bytes), as the CLI and the npm package do:
    with ``public_key`` (a PEM or a path to one) the signature must verify; with ``integrity``
    (``sha256-…``) the whole file must match; with neither it is refused unless
    ``allow_unverified=True`` — and then every result says it is unverified. The bundle's test
    vectors are re-run before it is returned. Raises :class:`~sealed_onnx.VerificationError`.
    """
    if not isinstance(allow_unverified, bool):
        raise TypeError(f"allow_unverified must be True or False, not {allow_unverified!r}")
    data = bundle if isinstance(bundle, bytes) else _read_bundle(Path(bundle))
    pem = read_pem(public_key, "public_key") if public_key is not None else None
    return Model(_native.Model.load(data, public_key=pem, integrity=integrity, allow_unverified=allow_unverified))


#: The crate's default limit on a bundle's size (Limits::max_bundle_bytes): checked before
#: reading, so a wrong path to a huge file fails at once.
MAX_BUNDLE_BYTES = 256 * 1024 * 1024


def _read_bundle(path: Path) -> bytes:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is not a file (a .sonnx bundle)")
    size = path.stat().st_size
    if size > MAX_BUNDLE_BYTES:
        raise VerificationError(f"{path} is {size:,} bytes, over the {MAX_BUNDLE_BYTES:,}-byte bundle limit: not a bundle", "bundle")
    with path.open("rb") as f:
        data = f.read(MAX_BUNDLE_BYTES + 1)
    if len(data) > MAX_BUNDLE_BYTES:
        raise VerificationError(f"{path} grew past the {MAX_BUNDLE_BYTES:,}-byte bundle limit while being read", "bundle")
    return data


class Model:
    """A verified bundle, ready to predict."""

    def __init__(self, native: Any):
        self._native = native
        self.info: dict[str, Any] = json.loads(native.info())
        self.schema: list[dict[str, Any]] = self.info["schema"]
        outputs = self.info["outputs"]
        self.task: str = outputs["task"]
        self.classes: list[str] | None = outputs.get("class_names") if self.task == "classification" else None

    @property
    def verified(self) -> bool:
        """Whether a public key or an integrity string vouched for the bundle."""
        return bool(self.info["verified"])

    @property
    def digest(self) -> str:
        """The bundle's identity: sha256 of the whole file, as an SRI string."""
        return self.info["digest"]

    @property
    def signer(self) -> str | None:
        """Fingerprint of the key whose signature verified (when a key was given)."""
        return self.info["signer"]

    def _columns(self, X: Any) -> tuple[pd.DataFrame, list[tuple[str, Any]]]:
        frame = records_frame(X, self.schema)
        return frame, native_columns(frame, self.schema)

    def predict(self, X: Any) -> pd.DataFrame:
        """Predicts a DataFrame (or records, a record, columns, a 2-D array in schema order).

        Returns a DataFrame with the input's index, its columns by task: ``label`` and
        ``proba_<class>`` per class (classification); ``value``, or ``value_<target>`` per
        target (regression); ``vector_0`` … (transform); ``cluster`` and ``distance_0`` …
        (clustering); ``outlier`` (scikit-learn's label -1) and ``score`` (outlier
        detection) — plus ``verified`` and ``model_digest`` on every row, so an unverified
        result cannot pass for a verified one. A bundle with a migration also gets
        ``migrated_from_major``: the old major version on each row sent in that version's
        shape and migrated (old column names or units), ``<NA>`` on the others. Raises :class:`~sealed_onnx.SchemaError`
        listing every problem (paths ``rows[i].feature``).
        """
        frame, cols = self._columns(X)
        try:
            parts = self._native.predict(cols)
        except SchemaError as e:
            raise _row_paths(e) from None
        n = len(frame)
        out = pd.DataFrame(index=frame.index)

        def matrix(name: str, width: int) -> np.ndarray:
            return np.frombuffer(parts[name], dtype="<f8").reshape(n, width)

        classes = parts["classes"]
        if parts["labels"] is not None:
            out["label"] = parts["labels"]
        if parts["probabilities"] is not None and classes:
            p = matrix("probabilities", len(classes))
            for k, c in enumerate(classes):
                out[f"proba_{c}"] = p[:, k]
        if parts["values"] is not None:
            names = parts["value_names"]
            if names:
                v = matrix("values", len(names))
                for k, t in enumerate(names):
                    out[f"value_{t}"] = v[:, k]
            else:
                out["value"] = np.frombuffer(parts["values"], dtype="<f8")
        if parts["vectors"] is not None:
            v = matrix("vectors", parts["width"])
            for k in range(parts["width"]):
                out[f"vector_{k}"] = v[:, k]
        if parts["clusters"] is not None:
            out["cluster"] = np.asarray(parts["clusters"], dtype=np.int64)
        if parts["distances"] is not None:
            d = matrix("distances", parts["width"])
            for k in range(parts["width"]):
                out[f"distance_{k}"] = d[:, k]
        if parts["outliers"] is not None:
            out["outlier"] = np.asarray(parts["outliers"], dtype=bool)
        if parts["scores"] is not None:
            out["score"] = np.frombuffer(parts["scores"], dtype="<f8")
        migration = self.info.get("migration")
        if migration:
            # As the CLI's CSV: the old major version for a row sent in its shape and
            # migrated, empty (<NA>) for the others.
            migrated = pd.array([pd.NA] * n, dtype="Int64")
            for r in parts["migrated_rows"]:
                migrated[r] = migration["from_major"]
            out["migrated_from_major"] = migrated
        out["verified"] = self.verified
        out["model_digest"] = self.digest
        out.attrs["model"] = {k: self.info[k] for k in ("name", "version", "digest", "verified", "signer")}
        return out

    def validate(self, X: Any) -> pd.DataFrame:
        """Every schema problem of ``X`` without predicting: a DataFrame with ``row``,
        ``feature``, ``path``, ``code``, ``expected`` and ``received`` (empty when valid)."""
        _, cols = self._columns(X)
        issues = [_row_issue(i) for i in json.loads(self._native.validate(cols))]
        return pd.DataFrame(issues, columns=["row", "feature", "path", "code", "expected", "received"])

    def drift(self, X: Any) -> pd.DataFrame:
        """Per-feature drift of ``X`` against the training data: PSI, its level, counts.

        A text feature's PSI is over text lengths; when its bundle records the training
        texts' unknown-token rate, the columns ``unknown_token_rate`` (share of ``X``'s tokens
        not in the model's vocabulary), ``baseline_unknown_token_rate`` and
        ``unknown_token_level`` (``significant`` when clearly higher) say how much of the
        text the model knows (NaN/None for other features).
        """
        _, cols = self._columns(X)
        try:
            report = json.loads(self._native.drift(cols))
        except SchemaError as e:
            raise _row_paths(e) from None
        keep = ["feature", "psi", "level", "count", "missing"]
        rows = [{k: r.get(k) for k in keep} for r in report]
        if any("unknown_tokens" in r for r in report):
            keep += ["unknown_token_rate", "baseline_unknown_token_rate", "unknown_token_level"]
            for row, r in zip(rows, report):
                u = r.get("unknown_tokens") or {}
                row["unknown_token_rate"] = u.get("rate", float("nan"))
                row["baseline_unknown_token_rate"] = u.get("baseline_rate", float("nan"))
                row["unknown_token_level"] = u.get("level")
        return pd.DataFrame(rows, columns=keep).set_index("feature")

    def self_test(self) -> int:
        """Re-runs the embedded test vectors; returns how many passed (raises if one fails)."""
        return int(self._native.self_test())

    def __repr__(self) -> str:
        state = "verified" if self.verified else "UNVERIFIED"
        return f"<sealed_onnx.Model {self.info['name']} {self.info['version']} ({state}, {self.digest[:19]}…)>"


def _row_issue(i: dict[str, str]) -> dict[str, Any]:
    m = _RECORD_PATH.match(i["path"]) or _COLUMN_PATH.match(i["path"])
    if m:
        row, feature = int(m["row"]), m["feature"]
        return {"row": row, "feature": feature, "path": f"rows[{row}].{feature}", **{k: i[k] for k in ("code", "expected", "received")}}
    return {"row": None, "feature": i["path"] or None, **i}


def _row_paths(e: SchemaError) -> SchemaError:
    """The same error with column paths (``age[3]``) as row paths (``rows[3].age``)."""
    issues = [{k: v for k, v in _row_issue(i).items() if k in ("path", "code", "expected", "received")} for i in e.issues]
    lines = [f"  {i['path']}: expected {i['expected']}, received {i['received']} ({i['code']})" for i in issues[:20]]
    more = f"\n  … and {len(issues) - 20} more (all in .issues)" if len(issues) > 20 else ""
    return SchemaError(f"input does not match the model's schema ({len(issues)} problem{'s' if len(issues) != 1 else ''}):\n" + "\n".join(lines) + more, issues)


class Bundle:
    """A sealed bundle on disk, as ``seal()`` returns it; shows a summary in Jupyter."""

    def __init__(self, path: Path, model: Model, checked_rows: int = 0, notes: list[str] | None = None):
        self.path = Path(path)
        self.model = model
        self.checked_rows = checked_rows
        self.notes = list(notes or [])

    @property
    def info(self) -> dict[str, Any]:
        return self.model.info

    @property
    def digest(self) -> str:
        return self.model.digest

    @property
    def signer(self) -> str | None:
        return self.model.signer

    def schema_frame(self) -> pd.DataFrame:
        """The input schema as a table."""
        rows = []
        for f in self.info["schema"]:
            if f["type"] in ("float", "integer") and f.get("min") is not None:
                accepted = f"{f['min']:g} to {f['max']:g}" + (f" {f['unit']}" if f.get("unit") else "")
            elif f.get("categories"):
                accepted = ", ".join(f["categories"])
            else:
                accepted = "any"
            rows.append({"feature": f["name"], "type": f["type"], "accepted": accepted, "range from": f.get("range_source", ""), "nullable": f.get("nullable", False)})
        return pd.DataFrame(rows)

    def _summary(self) -> dict[str, str]:
        i = self.info
        tv = i["test_vectors"]
        return {
            "bundle": f"{i['name']} {i['version']} — {self.path} ({self.path.stat().st_size:,} bytes)",
            "digest": i["digest"],
            "signer": i["signer"] or "(not verified with a key)",
            "test vectors": f"{i['test_vectors_passed']}/{len(tv['cases'])} pass"
            + (f" (checked {self.checked_rows} rows before sealing)" if self.checked_rows else "")
            + (f"; expected values: {tv['source']}" if tv.get("source") else ""),
            "training": f"{i['training']['framework']['name']} {i['training']['framework']['version']}, {i['training']['data']['rows']} rows (sha256 {i['training']['data']['sha256'][:12]}…)",
        }

    def __repr__(self) -> str:
        lines = [f"{k}: {v}" for k, v in self._summary().items()]
        lines.append(f"card: {self.info['card']['description']}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(f"<tr><th style='text-align:left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in self._summary().items())
        card = "".join(
            f"<tr><th style='text-align:left'>{e(k.replace('_', ' '))}</th><td>{e(', '.join(v) if isinstance(v, list) else str(v))}</td></tr>"
            for k, v in self.info["card"].items() if v and not isinstance(v, dict)
        )
        notes = "".join(f"<p><em>{e(n)}</em></p>" for n in self.notes)
        return (
            f"<div class='sealed-onnx-bundle'><h4>Sealed bundle</h4><table>{rows}</table>"
            f"<h4>Model card</h4><table>{card}</table><h4>Schema</h4>{self.schema_frame().to_html(index=False)}{notes}</div>"
        )
