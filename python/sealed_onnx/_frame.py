"""Tabular inputs (DataFrames, numpy arrays, lists of columns, records) into the column form the
native module takes, and the schema type of each column from its dtype."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .errors import SealError

#: What a CSV cell reading as missing looks like to the schema inference (the crate's list).
MISSING_SPELLINGS = {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"}


def as_frame(X: Any, names: Sequence[str] | None = None, what: str = "X") -> tuple[pd.DataFrame, str]:
    """``X`` as a DataFrame and how it came: ``"frame"`` (a DataFrame or a dict of columns),
    ``"array"`` (one 2-D numeric array: exported as a single tensor) or ``"columns"``
    (a list of 1-D columns)."""
    if isinstance(X, pd.DataFrame):
        bad = [c for c in X.columns if not isinstance(c, str)]
        if bad:
            raise SealError(f"{what} has column names that are not strings ({bad[:3]!r}): name the columns, e.g. X.columns = [...]")
        return X, "frame"
    if isinstance(X, dict):
        return pd.DataFrame(X), "frame"
    # One column of documents, as a text vectorizer is fitted on: a Series, or a 1-D list or
    # array of strings; named by the Series, feature_names, or "text".
    one_d = isinstance(X, pd.Series) or (
        isinstance(X, (list, tuple, np.ndarray)) and len(X) > 0 and np.ndim(X) == 1 and all(isinstance(v, str) for v in X)
    )
    if one_d:
        name = X.name if isinstance(X, pd.Series) and isinstance(X.name, str) else None
        if names is not None:
            if len(list(names)) != 1:
                raise SealError(f"{what} is one column but {len(list(names))} feature names were given")
            name = list(names)[0]
        return pd.DataFrame({name or "text": pd.Series(list(X), dtype=object)}), "columns"
    if isinstance(X, np.ndarray):
        if X.ndim != 2:
            raise SealError(f"{what} is a {X.ndim}-D array; pass a 2-D array (rows × features) or a DataFrame")
        if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
            raise SealError(f"{what} is a {X.dtype} array; a single array must be numeric — pass a DataFrame for string columns")
        names = list(names) if names is not None else [f"x{i}" for i in range(X.shape[1])]
        if len(names) != X.shape[1]:
            raise SealError(f"{what} has {X.shape[1]} columns but {len(names)} feature names")
        return pd.DataFrame(X, columns=names), "array"
    if isinstance(X, (list, tuple)) and X and all(np.ndim(c) == 1 for c in X):
        names = list(names) if names is not None else [f"x{i}" for i in range(len(X))]
        if len(names) != len(X):
            raise SealError(f"{what} has {len(X)} columns but {len(names)} feature names")
        return pd.DataFrame({n: pd.Series(c) for n, c in zip(names, X)}), "columns"
    raise SealError(
        f"{what} must be a pandas DataFrame, a 2-D numpy array, a list of columns or one column of texts (a Series), not {type(X).__name__}"
    )


def column_type(s: pd.Series) -> str:
    """The schema type of a column: ``float``, ``integer``, ``boolean`` or ``string``."""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = pd.Series(dtype.categories)
        if cats.map(lambda v: isinstance(v, str)).all():
            return "string"
        return column_type(cats)
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    present = s.dropna()
    kinds = {type(v).__name__ for v in present}
    if present.map(lambda v: isinstance(v, str)).all():
        return "string"
    if present.map(lambda v: isinstance(v, (bool, np.bool_))).all():
        return "boolean"
    raise SealError(
        f"column {s.name!r} holds {', '.join(sorted(kinds))} values mixed in one column: "
        "give it one type (e.g. df[col].astype(str) or pd.to_numeric(df[col]))"
    )


def cell_text(v: Any, kind: str) -> str:
    """One value as the training CSV the crate infers statistics from (exact floats)."""
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return ""
    if kind == "boolean":
        return "true" if bool(v) else "false"
    if kind == "float":
        return repr(float(v))
    if kind == "integer":
        return str(int(v))
    return str(v)


def json_value(v: Any, kind: str) -> Any:
    """One value as a test-vector input (null for missing)."""
    if v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and np.isnan(v)):
        return None
    if kind == "boolean":
        return bool(v)
    if kind == "integer":
        return int(v)
    if kind == "float":
        return float(v)
    return str(v)


def native_columns(df: pd.DataFrame, features: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """The columns the native module takes: numeric columns as float64 bytes (NaN = missing),
    anything else as a list of Python values. Columns that are not features are passed too,
    so the schema reports them; nothing is converted between kinds (strings stay strings)."""
    kinds = {f["name"]: f["type"] for f in features}
    out = []
    for name in df.columns:
        s = df[name]
        kind = kinds.get(name)
        numeric = (
            kind in ("float", "integer")
            and not isinstance(s.dtype, pd.CategoricalDtype)
            and (pd.api.types.is_float_dtype(s.dtype) or pd.api.types.is_integer_dtype(s.dtype))
            and not pd.api.types.is_bool_dtype(s.dtype)
        )
        if numeric:
            data = s.to_numpy(dtype="<f8", na_value=np.nan)
            out.append((str(name), np.ascontiguousarray(data).tobytes()))
        else:
            values = s.astype(object).where(s.notna(), None).tolist()
            out.append((str(name), [v.item() if isinstance(v, np.generic) else v for v in values]))
    return out


def records_frame(X: Any, features: list[dict[str, Any]]) -> pd.DataFrame:
    """What ``predict``/``validate``/``drift`` accept, as a DataFrame: a DataFrame, one record
    (dict of scalars), a list of records, a dict of columns, or a 2-D array in schema order."""
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, dict):
        if X and all(np.ndim(v) == 0 for v in X.values()):
            return pd.DataFrame({k: pd.Series([v], dtype=object) for k, v in X.items()})
        return pd.DataFrame(X)
    if isinstance(X, np.ndarray):
        if X.ndim == 1:
            X = X.reshape(1, -1)
        names = [f["name"] for f in features]
        if X.ndim != 2 or X.shape[1] != len(names):
            from .errors import SchemaError

            raise SchemaError(
                f"the array has shape {X.shape}; the model takes {len(names)} features per row ({', '.join(names)})",
                [{"path": "", "code": "not_a_batch", "expected": f"rows × {len(names)} features", "received": f"shape {X.shape}"}],
            )
        return pd.DataFrame(X, columns=names)
    if isinstance(X, (list, tuple)):
        if all(isinstance(r, dict) for r in X):
            names = list(dict.fromkeys(k for r in X for k in r))
            # Missing keys stay missing (reported by the schema), not NaN: use a sentinel.
            return pd.DataFrame({k: pd.Series([r.get(k, _ABSENT) for r in X], dtype=object) for k in names})
    raise SealError(f"expected a DataFrame, a record, a list of records or a 2-D array, not {type(X).__name__}")


class _Absent:
    """A record without a key (told apart from a value of None)."""

    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()
