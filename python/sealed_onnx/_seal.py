"""``seal()``: a fitted pipeline and its training data in, one signed, checked bundle out."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import subprocess
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import _native
from ._export import export, final_estimator
from ._frame import MISSING_SPELLINGS, as_frame, cell_text, column_type, json_value
from ._keys import private_key
from ._model import Bundle, Model
from .errors import SchemaError, SealError, TestVectorMismatch

SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
DEFAULT_TOLERANCE = {"relative": 1e-5, "absolute": 1e-6}
#: Held-out rows compared with the engine before sealing (all of them, up to this many).
MAX_CHECKED_ROWS = 5000
CARD_FIELDS = ("description", "intended_use", "out_of_scope", "limitations", "fairness", "authors", "license", "operating_ranges")


def seal(
    model: Any,
    X_train: Any,
    y_train: Any,
    *,
    name: str,
    version: str,
    card: Mapping[str, Any],
    key: str | os.PathLike[str] | bytes,
    out: str | os.PathLike[str],
    X_test: Any = None,
    feature_names: Sequence[str] | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    descriptions: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    n_test_vectors: int = 20,
    tolerance: float | Mapping[str, float] | None = None,
    test_vectors: str = "scikit-learn",
    cv_scores: Sequence[float] | None = None,
    cv_metric: str = "score",
    random_seed: int | None = None,
    data_source: str | None = None,
    created: str | None = None,
    range_margin: float = 0.0,
    class_names: Sequence[str] | None = None,
    git_commit: bool | str = True,
    save_inputs: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> Bundle:
    """Exports a fitted scikit-learn pipeline, seals it with its schema, metadata, test vectors
    and drift baseline, signs it with ``key``, loads the result once and writes ``out``.

    - ``X_train``/``y_train``: the training data (DataFrame, 2-D numpy array or list of
      columns). The schema (types from the dtypes, ranges, categories, nullability) and the
      drift baseline are inferred from it; only statistics and its sha256 enter the bundle.
      ``y_train=None`` for a model fitted without a target (PCA, KMeans, IsolationForest).
      A pipeline that starts with a text vectorizer (TfidfVectorizer, CountVectorizer) takes
      its column of documents (a Series, or a list of strings): that column, like one a
      ColumnTransformer gives a vectorizer by name, becomes a ``text`` feature (any string up
      to ``max_length``; its drift baseline includes the unknown-token rate).
    - What the bundle predicts comes from the (last) estimator (:func:`task_of`): a class, a
      value (one per target when ``y_train`` has several columns: they name the values), a
      vector (a transformer such as PCA), a cluster with the distance to each (KMeans), or
      an outlier flag with its score (IsolationForest, LocalOutlierFactor(novelty=True)).
    - ``X_test``: held-out rows; scikit-learn's predictions on them become the test vectors
      (the first ``n_test_vectors``), after every one was checked against the sealed-onnx
      engine. Without it, test rows are synthesised from per-column quantiles (no training row
      is copied into the bundle).
    - ``ranges={"age": (0, 120)}`` accepts more than the training data's own range.
    - ``tolerance`` (absolute, or ``{"relative":…, "absolute":…}``) and
      ``test_vectors="graph"`` are the two ways out when skl2onnx's float32 arithmetic
      disagrees with scikit-learn (``seal`` says when and by how much).
    - ``range_margin=0.1`` widens every inferred range by 10 % of its span on each side (as
      ``sealed-onnx pack --range-margin``); the default 0 keeps the data's own range.
    - ``class_names=["malignant", "benign"]`` names integer classes (in ``classes_`` order);
      by default a class is named by its label as text.
    - ``git_commit``: ``True`` records ``HEAD`` of the repository around the working directory
      (when there is one), ``False`` records none, a 40-hex string records that commit.
    - ``created``: the manifest's timestamp (RFC 3339); default ``$SOURCE_DATE_EPOCH``, else now.
    - ``save_inputs=DIR`` also writes what was packed — ``model.onnx``, ``meta.json``,
      ``train.csv`` (the header and training rows, which never enter the bundle),
      ``test_vectors.json`` — and ``holdout.json`` (every test row with its expected outputs,
      same format; rows outside the schema, which the engine refuses, with scikit-learn's), so
      that ``sealed-onnx pack`` (same ``--range-margin`` and creation time) then ``sign``
      rebuild the same bytes.

    Returns a :class:`Bundle` (shown as a summary in Jupyter).
    """
    out = Path(out)
    _check_arguments(model, name, version, card, n_test_vectors, test_vectors)
    if out.exists() and not force:
        raise SealError(f"{out} already exists; pass force=True to replace it")
    private_pem, public_pem, _ = private_key(key)
    frame, how = as_frame(X_train, feature_names, "X_train")
    if len(frame) == 0:
        raise SealError("X_train has no rows; the schema and drift baseline are inferred from them")
    _check_columns(model, frame)
    task = task_of(model)
    y = _labels(model, y_train, len(frame), task)
    names_of = _class_names(model, class_names)
    kind = _Kind(task, _value_names(y_train, y, task), _width(model, frame, task))
    margin = _margin(range_margin)
    commit = _commit(git_commit)
    kinds = {c: column_type(frame[c]) for c in frame.columns}
    for c in text_columns(model, frame):
        kinds[c] = "text"
    test_frame = _test_frame(X_test, frame, feature_names)
    author_ranges = _ranges(ranges, kinds)

    onnx_bytes, _binding = export(model, frame, kinds, how, name)
    meta = _meta(model, frame, kinds, name, version, card, cv_scores, cv_metric, random_seed, data_source, descriptions, units, names_of, commit, kind)
    train_csv = _training_csv(frame, kinds)
    # Author-set ranges go into meta.json (not pack's range list) so that saved inputs rebuild
    # the same bundle with the CLI; pack records both the same way, as set by the author.
    for feature, lo, hi in author_ranges:
        meta["features"][feature].update({"min": lo, "max": hi})

    def pack(test_vectors_json: bytes) -> bytes:
        return _native.pack(onnx_bytes, _dumps(meta), train_csv, test_vectors_json, [], created, margin)

    # First without test vectors: the schema the bundle will have, and the engine to check with.
    probe_bytes = pack(_dumps({"tolerance": DEFAULT_TOLERANCE, "cases": []}))
    probe = Model(_native.Model.load(probe_bytes, allow_unverified=True))
    rows, excluded, kept = _schema_valid_rows(probe, test_frame)
    if len(rows) == 0:
        raise SealError(
            f"none of the {len(test_frame)} test rows fits the schema inferred from X_train "
            f"({excluded}); pass ranges= to accept wider values"
        )
    tol = _tolerance(tolerance)
    expected = _sklearn_expected(model, rows, probe.classes, names_of, kind)
    got = probe.predict(rows)
    compared = _compare(expected, got, probe.classes, tol, kind)
    source = None
    if compared["bad"].any():
        if test_vectors != "graph":
            raise TestVectorMismatch(_mismatch_message(compared, len(rows), tol, tolerance), compared["table"])
        source = (
            "the exported graph's float32 results (skl2onnx), by the author's choice: "
            f"scikit-learn's own differ on {int(compared['bad'].sum())} of {len(rows)} held-out rows "
            f"by up to {compared['max_diff']:.3g}"
        )
        expected = _graph_expected(got, probe.classes, kind)
    checked = _cases(rows, expected, kinds, probe.classes, len(rows), kind)
    tv = {"tolerance": tol, "cases": checked[:n_test_vectors]}
    if source:
        tv["source"] = source

    unsigned = pack(_dumps(tv))
    signed = _native.sign(unsigned, private_pem)
    loaded = _native.Model.load(signed, public_key=public_pem)
    if save_inputs is not None:
        # Every test row, in order: the checked ones as checked, and those outside the schema
        # (which the engine refuses) with scikit-learn's outputs, for tests of the refusal.
        cases = _cases(test_frame, _sklearn_expected(model, test_frame, probe.classes, names_of, kind), kinds, probe.classes, len(test_frame), kind)
        for j, i in enumerate(kept):
            cases[i] = checked[j]
        holdout = {**tv, "cases": cases}
        _save_inputs(Path(save_inputs), onnx_bytes, meta, train_csv, tv, holdout)
    _write(out, signed)
    notes = []
    if excluded:
        notes.append(f"test rows left out because they do not fit the schema: {excluded}")
    return Bundle(out, Model(loaded), checked_rows=len(rows), notes=notes)


def task_of(model: Any) -> str:
    """What a fitted estimator (or a Pipeline's last step) predicts, as a manifest task:
    classification, regression (one value or one per target), transform (PCA, TruncatedSVD:
    a vector per row), clustering (KMeans: a cluster and the distance to each) or outlier
    (IsolationForest, LocalOutlierFactor(novelty=True): -1/1 and a score)."""
    from sklearn.base import ClusterMixin, is_classifier, is_outlier_detector, is_regressor

    last = final_estimator(model)
    name = type(last).__name__
    if is_classifier(last):
        return "classification"
    if is_outlier_detector(last):
        if not (hasattr(model, "predict") and hasattr(model, "decision_function")):
            raise SealError(f"{name} cannot predict new rows: fit it with novelty=True (LocalOutlierFactor) to seal it")
        return "outlier"
    if isinstance(last, ClusterMixin):
        if not (hasattr(model, "predict") and hasattr(model, "transform")):
            raise SealError(f"{name} cannot assign new rows to clusters (no predict/transform); KMeans and MiniBatchKMeans can")
        return "clustering"
    if is_regressor(last) or hasattr(model, "predict"):
        return "regression"
    return "transform"


class _Kind:
    """The task, a regression's target names and a transform's (or clustering's) width: what
    the outputs section and the expected parts depend on."""

    def __init__(self, task: str, value_names: list[str] | None, width: int):
        self.task, self.value_names, self.width = task, value_names, width

    def outputs(self) -> dict[str, Any]:
        """The manifest's outputs, with skl2onnx's output names."""
        if self.task == "transform":
            return {"task": "transform", "vector": "variable", "dimension": self.width}
        if self.task == "clustering":
            return {"task": "clustering", "label": "label", "distances": "scores", "clusters": self.width}
        if self.task == "outlier":
            return {"task": "outlier", "label": "label", "score": "scores"}
        if self.value_names:
            return {"task": "regression", "value": "variable", "value_names": self.value_names}
        return {"task": "regression", "value": "variable"}

    def numeric_columns(self) -> dict[str, list[str]]:
        """Expected part → the prediction DataFrame's columns that hold it."""
        if self.task == "transform":
            return {"vector": [f"vector_{k}" for k in range(self.width)]}
        if self.task == "clustering":
            return {"distances": [f"distance_{k}" for k in range(self.width)]}
        if self.task == "regression" and self.value_names:
            return {"values": [f"value_{t}" for t in self.value_names]}
        return {}


def _value_names(y_given: Any, y: np.ndarray | None, task: str) -> list[str] | None:
    """A regression's target names when it has several: the DataFrame's columns, else y0, y1, …"""
    if task != "regression" or y is None or y.ndim < 2 or y.shape[1] < 2:
        return None
    columns = getattr(y_given, "columns", None)
    if columns is not None:
        names = [str(c) for c in columns]
        if len(set(names)) == len(names) and all(n.strip() for n in names):
            return names
    return [f"y{k}" for k in range(y.shape[1])]


TEXT_VECTORIZERS = ("TfidfVectorizer", "CountVectorizer", "HashingVectorizer")


def _first_step(model: Any) -> Any:
    from sklearn.pipeline import Pipeline

    while isinstance(model, Pipeline):
        model = model.steps[0][1]
    return model


def text_columns(model: Any, frame: pd.DataFrame) -> list[str]:
    """The string columns a text vectorizer reads: the only column of a pipeline that starts
    with one (it takes a 1-D column of documents), or a ColumnTransformer's column given to
    one by name. They become ``text`` features (any string up to ``max_length``), as
    ``sealed-onnx pack`` infers from the graph."""
    from sklearn.compose import ColumnTransformer

    first = _first_step(model)
    if type(first).__name__ in TEXT_VECTORIZERS:
        return list(frame.columns) if frame.shape[1] == 1 else []
    if isinstance(first, ColumnTransformer):
        out = []
        for _, t, cols in getattr(first, "transformers_", []):
            steps = t.steps if hasattr(t, "steps") else [(None, t)]
            if isinstance(cols, str) and cols in frame.columns and type(steps[0][1]).__name__ in TEXT_VECTORIZERS:
                out.append(cols)
        return out
    return []


def sklearn_input(model: Any, rows: pd.DataFrame) -> Any:
    """``rows`` as the fitted model takes them: the column of documents for a pipeline that
    starts with a text vectorizer, the frame for one fitted on named columns, else an array."""
    if type(_first_step(model)).__name__ in TEXT_VECTORIZERS and rows.shape[1] == 1:
        return rows.iloc[:, 0].astype(object)
    return rows if hasattr(model, "feature_names_in_") else rows.to_numpy()


def _width(model: Any, frame: pd.DataFrame, task: str) -> int:
    """Numbers per row of a transform's vector or a clustering model's distances."""
    if task not in ("transform", "clustering"):
        return 0
    return int(np.asarray(model.transform(sklearn_input(model, frame.iloc[:1]))).reshape(1, -1).shape[1])


def _check_arguments(model: Any, name: str, version: str, card: Mapping[str, Any], n: int, test_vectors: str) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(model, "fit") or not (hasattr(model, "predict") or hasattr(model, "transform")):
        from sklearn.base import is_outlier_detector

        if hasattr(model, "fit") and is_outlier_detector(final_estimator(model)):
            task_of(model)  # says how to make it predict new rows
        raise SealError(f"model must be a fitted scikit-learn estimator or Pipeline, not {type(model).__name__}")
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise SealError(f"the {type(model).__name__} is not fitted yet: call .fit(X_train, y_train) first, then seal it") from None
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise SealError(f"name={name!r}: use letters, digits, '.', '_' or '-' (it names the bundle file)")
    if not isinstance(version, str) or not SEMVER.match(version):
        raise SealError(f"version={version!r} is not a semantic version: write MAJOR.MINOR.PATCH, e.g. \"1.0.0\"")
    if not isinstance(card, Mapping) or not str(card.get("description", "")).strip():
        raise SealError("card must be a dict with at least a \"description\" (also: intended_use, out_of_scope, limitations, fairness, authors, license)")
    unknown = sorted(set(card) - set(CARD_FIELDS))
    if unknown:
        raise SealError(f"card has unknown field(s) {unknown}: the card fields are {list(CARD_FIELDS)}")
    if not isinstance(n, int) or n < 1:
        raise SealError("n_test_vectors must be a positive integer")
    if test_vectors not in ("scikit-learn", "graph"):
        raise SealError("test_vectors must be \"scikit-learn\" (the default) or \"graph\"")


def _check_columns(model: Any, frame: pd.DataFrame) -> None:
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is None:
        n = getattr(model, "n_features_in_", None)
        if n is not None and n != frame.shape[1]:
            raise SealError(f"the model was fitted on {n} features but X_train has {frame.shape[1]} columns")
        return
    fitted = [str(c) for c in fitted]
    have = [str(c) for c in frame.columns]
    if fitted != have:
        missing = [c for c in fitted if c not in have]
        extra = [c for c in have if c not in fitted]
        detail = []
        if missing:
            detail.append(f"missing {missing}")
        if extra:
            detail.append(f"not seen in fit {extra}")
        if not missing and not extra:
            detail.append("same columns in another order")
        raise SealError(
            "X_train's columns differ from those the model was fitted on (" + "; ".join(detail) + f"): pass the frame used in fit, with columns {fitted}"
        )


def _labels(model: Any, y: Any, n: int, task: str) -> np.ndarray | None:
    last = final_estimator(model)
    if y is None:
        if task in ("classification", "regression"):
            raise SealError(f"y_train is None, but a {task} model needs its training targets")
        return None  # transforms, clustering and outlier detection are fitted without one
    y = np.asarray(y)
    if len(y) != n:
        raise SealError(f"y_train has {len(y)} values but X_train has {n} rows")
    classes = getattr(last, "classes_", None)
    if classes is None:
        return y
    classes = np.asarray(classes)
    ok = all(isinstance(c, str) for c in classes.tolist()) or (np.issubdtype(classes.dtype, np.integer))
    if classes.dtype == bool or not ok:
        example = classes.tolist()[:3]
        raise SealError(
            f"class labels must be strings or integers, but the model's classes are {classes.dtype} {example}: "
            "refit with y.astype(int) (for 0/1 or 0.0/1.0 labels) or y.astype(str)"
        )
    return y


def _test_frame(X_test: Any, frame: pd.DataFrame, names: Sequence[str] | None) -> pd.DataFrame:
    if X_test is not None:
        test, _ = as_frame(X_test, names if names is not None else list(frame.columns), "X_test")
        if list(test.columns) != list(frame.columns):
            raise SealError(f"X_test's columns {list(test.columns)} differ from X_train's {list(frame.columns)}")
        if len(test) == 0:
            raise SealError("X_test has no rows")
        return test.iloc[:MAX_CHECKED_ROWS].reset_index(drop=True)
    return synthetic_rows(frame, 50)


def synthetic_rows(frame: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """Test rows that are no training row: each column drawn independently, numbers as
    interpolated quantiles (5–95 %), categories by frequency, missing values as often as seen."""
    rng = np.random.default_rng(seed)
    cols = {}
    for c in frame.columns:
        s = frame[c]
        present = s.dropna()
        miss = 1.0 - len(present) / max(len(s), 1)
        kind = column_type(s)
        if kind in ("float", "integer") and not isinstance(s.dtype, pd.CategoricalDtype):
            q = np.quantile(present.to_numpy(dtype=float), rng.uniform(0.05, 0.95, n))
            values: list[Any] = [round(float(v)) if kind == "integer" else float(v) for v in q]
        else:
            counts = present.astype(object).value_counts(normalize=True)
            values = list(rng.choice(np.asarray(counts.index, dtype=object), size=n, p=counts.to_numpy()))
        values = [None if rng.random() < miss else v for v in values]
        cols[c] = pd.Series(values, dtype=s.dtype)
    return pd.DataFrame(cols)


def _class_names(model: Any, given: Sequence[str] | None) -> dict[Any, str] | None:
    """Label → class name, or None for a regressor."""
    classes = getattr(final_estimator(model), "classes_", None)
    if classes is None:
        if given is not None:
            raise SealError("class_names is for a classifier; this model has no classes_")
        return None
    labels = np.asarray(classes).tolist()
    if given is None:
        return {c: str(c) for c in labels}
    names = [str(n) for n in given] if not isinstance(given, str) else []
    if len(names) != len(labels) or any(not n.strip() for n in names) or len(set(names)) != len(names):
        raise SealError(f"class_names must be {len(labels)} distinct, non-empty names, one per class in the order of classes_ {labels}; got {given!r}")
    return dict(zip(labels, names))


def _margin(m: float) -> float:
    try:
        m = float(m)
    except (TypeError, ValueError):
        raise SealError(f"range_margin must be a number (a share of each range's span, e.g. 0.1), not {m!r}") from None
    if not (math.isfinite(m) and m >= 0):
        raise SealError(f"range_margin must be 0 or more (a share of each range's span, e.g. 0.1), not {m!r}")
    return m


def _commit(git: bool | str) -> str | None:
    if git is True:
        return git_commit()
    if git is False:
        return None
    if isinstance(git, str) and re.fullmatch(r"[0-9a-f]{40}", git):
        return git
    raise SealError(f"git_commit must be True (HEAD), False (none) or a 40-hex commit, not {git!r}")


def _meta(model, frame, kinds, name, version, card, cv_scores, cv_metric, seed, data_source, descriptions, units, names_of, commit, kind) -> dict[str, Any]:
    import sklearn
    import skl2onnx
    from sklearn.base import is_classifier

    last = final_estimator(model)
    features: dict[str, Any] = {}
    for c in frame.columns:
        f: dict[str, Any] = {"type": kinds[c]}
        s = frame[c]
        if isinstance(s.dtype, pd.CategoricalDtype) and kinds[c] == "string":
            f["categories"] = [str(v) for v in s.dtype.categories]
        if s.isna().any():
            f["nullable"] = True
            f["missing"] = "missing in the training data too; the pipeline's own imputation applies"
        if descriptions and c in descriptions:
            f["description"] = str(descriptions[c])
        if units and c in units:
            f["unit"] = str(units[c])
        features[c] = f
    for extra, label in ((descriptions, "descriptions"), (units, "units")):
        unknown = sorted(set(extra or {}) - set(frame.columns))
        if unknown:
            raise SealError(f"{label} names {unknown}, which are not columns of X_train")
    if is_classifier(last):
        classes = np.asarray(last.classes_).tolist()
        outputs = {
            "task": "classification",
            "class_names": [names_of[c] for c in classes],
            "class_labels": classes,
            "label": "label",
            "probabilities": "probabilities" if hasattr(model, "predict_proba") else None,
        }
        if outputs["probabilities"] is None:
            del outputs["probabilities"]
    else:
        outputs = kind.outputs()
    training: dict[str, Any] = {
        "framework": {"name": "scikit-learn", "version": sklearn.__version__},
        "converter": {"name": "skl2onnx", "version": skl2onnx.__version__},
        "hyperparameters": hyperparameters(model),
    }
    if data_source:
        training["data_source"] = str(data_source)
    if commit:
        training["git_commit"] = commit
    if seed is not None:
        training["random_seed"] = int(seed)
    if cv_scores is not None:
        scores = np.asarray(cv_scores, dtype=float)
        if scores.ndim != 1 or len(scores) < 2 or not np.isfinite(scores).all():
            raise SealError("cv_scores must be the finite per-fold scores of cross_val_score (two folds or more)")
        training["cv_metric"] = {"name": cv_metric, "mean": float(scores.mean()), "std": float(scores.std()), "folds": len(scores)}
    card = dict(card)
    if "authors" in card and isinstance(card["authors"], str):
        card["authors"] = [card["authors"]]
    return {"name": name, "version": version, "training": training, "features": features, "outputs": outputs, "card": card}


def hyperparameters(model: Any) -> dict[str, Any]:
    """``get_params(deep=True)`` reduced to JSON scalars (nested estimators are listed by their
    own parameters; NaN becomes null)."""
    out: dict[str, Any] = {}
    for k, v in sorted(model.get_params(deep=True).items()):
        if isinstance(v, (bool, np.bool_)):
            out[k] = bool(v)
        elif isinstance(v, (int, np.integer)):
            out[k] = int(v)
        elif isinstance(v, (float, np.floating)):
            out[k] = None if not math.isfinite(float(v)) else float(v)
        elif v is None or isinstance(v, str):
            out[k] = v
    return out


def git_commit() -> str | None:
    """HEAD of the git repository around the working directory, when there is one."""
    try:
        r = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    head = r.stdout.strip()
    return head if r.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", head) else None


def _training_csv(frame: pd.DataFrame, kinds: dict[str, str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(frame.columns))
    for c in frame.columns:
        # A text is taken as written (an empty document is a text, not a missing value).
        if kinds[c] == "string":
            bad = sorted({str(v) for v in frame[c].dropna() if str(v).strip() in MISSING_SPELLINGS})
            if bad:
                raise SealError(f"column {c!r} has the value(s) {bad}, which read as a missing value; rename them (e.g. \"unknown\") or make them NaN")
    columns = [[cell_text(v, kinds[c]) for v in frame[c].astype(object).tolist()] for c in frame.columns]
    w.writerows(zip(*columns))
    return buf.getvalue().encode("utf-8")


def _ranges(ranges: Mapping[str, tuple[float, float]] | None, kinds: dict[str, str]) -> list[tuple[str, float, float]]:
    out = []
    for name, bounds in (ranges or {}).items():
        if name not in kinds:
            raise SealError(f"ranges names {name!r}, which is not a column of X_train ({list(kinds)})")
        if kinds[name] not in ("float", "integer"):
            raise SealError(f"ranges names {name!r}, which is a {kinds[name]} column, not a number")
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise SealError(f"ranges[{name!r}] must be (min, max), not {bounds!r}") from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
            raise SealError(f"ranges[{name!r}] = {bounds!r}: need finite min <= max")
        out.append((name, lo, hi))
    return out


def _tolerance(t: float | Mapping[str, float] | None) -> dict[str, float]:
    if t is None:
        return dict(DEFAULT_TOLERANCE)
    if isinstance(t, Mapping):
        tol = {"relative": float(t.get("relative", 0.0)), "absolute": float(t.get("absolute", 0.0))}
    else:
        tol = {"relative": DEFAULT_TOLERANCE["relative"], "absolute": float(t)}
    if not all(math.isfinite(v) and v >= 0 for v in tol.values()):
        raise SealError("tolerance must be non-negative")
    return tol


def _schema_valid_rows(model: Model, rows: pd.DataFrame) -> tuple[pd.DataFrame, str, list[int]]:
    """The rows the schema accepts, a summary of the others, and the kept rows' positions."""
    issues = model.validate(rows)
    if len(issues) == 0:
        return rows, "", list(range(len(rows)))
    bad = sorted(set(int(r) for r in issues["row"].dropna()))
    first = issues.iloc[0]
    summary = f"{len(bad)} of {len(rows)} rows, e.g. {first['feature']} = {first['received']} ({first['code']}, expected {first['expected']})"
    refused = set(bad)
    kept = [i for i in range(len(rows)) if i not in refused]
    return rows.drop(index=bad).reset_index(drop=True), summary, kept


def _sklearn_expected(model: Any, rows: pd.DataFrame, classes: list[str] | None, names_of: dict[Any, str] | None, kind: "_Kind") -> dict[str, Any]:
    # A model fitted on a plain array gets one (it warns about column names otherwise).
    X = sklearn_input(model, rows)
    out: dict[str, Any] = {}
    if kind.task == "transform":
        out["vector"] = np.asarray(model.transform(X), dtype=float).reshape(len(rows), -1)
        return out
    labels = model.predict(X)
    if kind.task == "clustering":
        out["cluster"] = np.asarray(labels, dtype=np.int64)
        if hasattr(model, "transform"):
            out["distances"] = np.asarray(model.transform(X), dtype=float).reshape(len(rows), -1)
    elif kind.task == "outlier":
        out["outlier"] = np.asarray(labels) == -1
        out["score"] = np.asarray(model.decision_function(X), dtype=float).ravel()
    elif classes is not None and names_of is not None:
        out["label"] = np.asarray([names_of[v] for v in np.asarray(labels).tolist()], dtype=object)
        if hasattr(model, "predict_proba"):
            out["probabilities"] = np.asarray(model.predict_proba(X), dtype=float)
    elif kind.value_names:
        out["values"] = np.asarray(labels, dtype=float).reshape(len(rows), -1)
    else:
        out["value"] = np.asarray(labels, dtype=float).reshape(len(rows), -1)[:, 0]
    return out


def _graph_expected(got: pd.DataFrame, classes: list[str] | None, kind: "_Kind") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if classes is not None:
        out["label"] = got["label"].to_numpy(dtype=object)
        cols = [f"proba_{c}" for c in classes]
        if all(c in got for c in cols):
            out["probabilities"] = got[cols].to_numpy(dtype=float)
    elif kind.task == "regression" and not kind.value_names:
        out["value"] = got["value"].to_numpy(dtype=float)
    else:
        for part, cols in kind.numeric_columns().items():
            if all(c in got for c in cols):
                out[part] = got[cols].to_numpy(dtype=float)
        if kind.task == "clustering":
            out["cluster"] = got["cluster"].to_numpy(dtype=np.int64)
        if kind.task == "outlier":
            out["outlier"] = got["outlier"].to_numpy(dtype=bool)
            out["score"] = got["score"].to_numpy(dtype=float)
    return out


def _compare(expected: dict[str, Any], got: pd.DataFrame, classes: list[str] | None, tol: dict[str, float], kind: "_Kind") -> dict[str, Any]:
    n = len(got)
    bad = np.zeros(n, dtype=bool)
    table = pd.DataFrame(index=range(n))
    max_diff, where = 0.0, ""
    label_bad = np.zeros(n, dtype=bool)
    # Exact parts: a class, a cluster, an outlier flag.
    for part, column in (("label", "label"), ("cluster", "cluster"), ("outlier", "outlier")):
        if part in expected:
            table[f"sklearn_{part}"] = expected[part]
            table[f"graph_{part}"] = got[column].to_numpy(dtype=object)
            label_bad |= table[f"sklearn_{part}"].to_numpy() != table[f"graph_{part}"].to_numpy()
    if label_bad.any() or any(p in expected for p in ("label", "cluster", "outlier")):
        bad |= label_bad
        table["labels_differ"] = label_bad
    scores = []
    if "probabilities" in expected and classes is not None:
        for k, c in enumerate(classes):
            scores.append((f"probability of {c!r}", expected["probabilities"][:, k], got[f"proba_{c}"].to_numpy(dtype=float)))
    if "value" in expected:
        scores.append(("value", expected["value"], got["value"].to_numpy(dtype=float)))
    if "score" in expected:
        scores.append(("score", expected["score"], got["score"].to_numpy(dtype=float)))
    for part, cols in kind.numeric_columns().items():
        if part in expected:
            for k, col in enumerate(cols):
                scores.append((col, expected[part][:, k], got[col].to_numpy(dtype=float)))
    diff_all = np.zeros(n)
    for what, e, g in scores:
        d = np.abs(g - e)
        limit = tol["absolute"] + tol["relative"] * np.abs(e)
        bad |= ~(d <= limit)
        if d.size and float(np.nanmax(d)) > max_diff:
            max_diff, where = float(np.nanmax(d)), what
        diff_all = np.maximum(diff_all, d)
    table["largest_difference"] = diff_all
    return {"bad": bad, "table": table[bad], "max_diff": max_diff, "where": where,
            "labels_bad": int(table["labels_differ"].sum()) if "labels_differ" in table else 0}


def _mismatch_message(c: dict[str, Any], n: int, tol: dict[str, float], given: Any) -> str:
    k = int(c["bad"].sum())
    rows = ", ".join(str(i) for i in c["table"].index[:10]) + (" …" if k > 10 else "")
    parts = [
        f"scikit-learn and the exported ONNX graph disagree on {k} of {n} test rows (rows {rows}): "
        f"largest difference {c['max_diff']:.3g} in the {c['where'] or 'label'}"
        + (f"; {c['labels_bad']} predicted labels differ" if c["labels_bad"] else "")
        + f" (tolerance: {tol['absolute']:g} + {tol['relative']:g} × |expected|).",
        "scikit-learn computes in float64, while skl2onnx exported the pipeline to compute in float32; the "
        "sealed-onnx engine computes what the graph says, as onnxruntime does. It is the export, not a fault of the runtime.",
        "Nothing was written. The rows are in this error's .rows. Either:",
    ]
    if not c["labels_bad"]:
        parts.append(f"  - accept differences of that size: seal(..., tolerance={_round_up(c['max_diff'])})")
    else:
        parts.append("  - (a tolerance does not help: labels differ, where a float32 value falls on the other side of a tree threshold)")
    parts.append("  - or record the graph's own float32 results for these rows as the test vectors: seal(..., test_vectors=\"graph\") — the manifest says so")
    return "\n".join(parts)


def _round_up(x: float) -> float:
    if x <= 0:
        return 1e-6
    p = 10 ** math.floor(math.log10(x))
    return float(f"{math.ceil(x / p) * p:.3g}")


def _cases(rows: pd.DataFrame, expected: dict[str, Any], kinds: dict[str, str], classes: list[str] | None, n: int, kind: "_Kind") -> list[dict[str, Any]]:
    cases = []
    for i in range(min(n, len(rows))):
        inp = {c: json_value(rows[c].iloc[i], kinds[c]) for c in rows.columns}
        exp: dict[str, Any] = {}
        if "label" in expected:
            exp["label"] = str(expected["label"][i])
        if "probabilities" in expected and classes is not None:
            exp["probabilities"] = {c: float(expected["probabilities"][i, k]) for k, c in enumerate(classes)}
        if "value" in expected:
            exp["value"] = float(expected["value"][i])
        if "values" in expected:
            exp["values"] = {t: float(v) for t, v in zip(kind.value_names, expected["values"][i])}
        if "vector" in expected:
            exp["vector"] = [float(v) for v in expected["vector"][i]]
        if "cluster" in expected:
            exp["cluster"] = int(expected["cluster"][i])
        if "distances" in expected:
            exp["distances"] = [float(v) for v in expected["distances"][i]]
        if "outlier" in expected:
            exp["outlier"] = bool(expected["outlier"][i])
        if "score" in expected:
            exp["score"] = float(expected["score"][i])
        cases.append({"input": inp, "expected": exp})
    return cases


def _dumps(obj: Any) -> bytes:
    try:
        return json.dumps(obj, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except ValueError as e:
        raise SealError(f"a value is NaN or infinite where the manifest needs a number: {e}") from None


def _save_inputs(folder: Path, onnx_bytes: bytes, meta: dict[str, Any], train_csv: bytes, tv: dict[str, Any], holdout: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "model.onnx", onnx_bytes)
    _write(folder / "train.csv", train_csv)  # exact bytes: the manifest records their sha256
    for file, doc in (("meta.json", meta), ("test_vectors.json", tv), ("holdout.json", holdout)):
        _write(folder / file, json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


__all__ = ["seal", "synthetic_rows", "SchemaError"]
