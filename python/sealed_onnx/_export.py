"""Exporting a fitted scikit-learn pipeline to ONNX the way a bundle needs it: one graph input
per column with the column's own type (or one tensor for an all-numeric array), no ZipMap."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .errors import SealError


def _is_column_transformer_first(model: Any) -> bool:
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    while isinstance(model, Pipeline):
        model = model.steps[0][1]
    return isinstance(model, ColumnTransformer)


def final_estimator(model: Any) -> Any:
    from sklearn.pipeline import Pipeline

    while isinstance(model, Pipeline):
        model = model.steps[-1][1]
    return model


def export(model: Any, frame: pd.DataFrame, kinds: dict[str, str], how: str, name: str) -> tuple[bytes, str]:
    """The ONNX bytes, and how inputs bind: ``"tensor"`` (one ``X`` of all features, in order)
    or ``"columns"`` (one input per feature, named as the feature)."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType
    from sklearn.base import is_classifier

    numeric = all(k not in ("string", "text") for k in kinds.values())
    per_column = not numeric or (how != "array" and _is_column_transformer_first(model))
    if per_column:
        initial_types = [
            (c, StringTensorType([None, 1]) if kinds[c] in ("string", "text") else FloatTensorType([None, 1]))
            for c in frame.columns
        ]
    else:
        initial_types = [("X", FloatTensorType([None, frame.shape[1]]))]
    last = final_estimator(model)
    options = {id(last): {"zipmap": False}} if is_classifier(last) else None
    try:
        try:
            onx = convert_sklearn(model, name=name, initial_types=initial_types, options=options)
        except (NameError, RuntimeError, ValueError) as e:
            if options and "zipmap" in str(e):
                onx = convert_sklearn(model, name=name, initial_types=initial_types)
            elif "of domain 'ai.onnx.ml' not supported" in str(e):
                # IsolationForest's converter reaches for ai.onnx.ml 4, which skl2onnx 1.20
                # cannot write; its own message says to ask for 3.
                from skl2onnx import get_latest_tested_opset_version

                opset = {"": get_latest_tested_opset_version(), "ai.onnx.ml": 3}
                onx = convert_sklearn(model, name=name, initial_types=initial_types, options=options, target_opset=opset)
            else:
                raise
    except Exception as e:  # skl2onnx raises many kinds; each becomes one actionable message
        raise SealError(_conversion_message(model, e)) from e
    _canonical_opsets(onx)
    return onx.SerializeToString(), ("columns" if per_column else "tensor")


def _canonical_opsets(onx: Any) -> None:
    """Puts the model's opset imports in one order: skl2onnx lists them from a set, so the
    same model converted twice could be written in two orders (two different bundles,
    digests and signatures). ``ai.onnx.ml`` and other domains first, the default domain
    last; the order means nothing to a runtime."""
    opsets = sorted(((o.domain, o.version) for o in onx.opset_import), key=lambda o: (o[0] == "", o[0]))
    del onx.opset_import[:]
    for domain, version in opsets:
        onx.opset_import.add(domain=domain, version=version)


def _steps(model: Any) -> list[Any]:
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    out = []
    stack = [model]
    while stack:
        m = stack.pop()
        if isinstance(m, Pipeline):
            stack.extend(s for _, s in reversed(m.steps))
        elif isinstance(m, ColumnTransformer):
            stack.extend(t for _, t, _ in m.transformers_ if not isinstance(t, str))
        else:
            out.append(m)
    return out


def _supported() -> set[str]:
    """The scikit-learn class names skl2onnx converts."""
    try:
        from skl2onnx._supported_operators import sklearn_operator_name_map

        return {cls.__name__ for cls in sklearn_operator_name_map}
    except ImportError:  # a later skl2onnx: its public list of converter aliases
        from skl2onnx import supported_converters

        return {n.replace("Sklearn", "", 1) for n in supported_converters(from_sklearn=True)}


def _conversion_message(model: Any, e: Exception) -> str:
    supported = _supported()
    said = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    unsupported = [type(s).__name__ for s in _steps(model) if type(s).__name__ not in supported]
    custom = [n for s, n in ((s, type(s).__name__) for s in _steps(model)) if not type(s).__module__.startswith("sklearn.")]
    if custom:
        return (
            f"{', '.join(custom)} is a custom transformer: skl2onnx can only export scikit-learn's "
            "own steps, because the bundle must run without Python. Replace it with built-in steps "
            "(e.g. FunctionTransformer(np.log1p) → a ColumnTransformer of supported transformers) "
            f"or register a converter for it with skl2onnx. (skl2onnx said: {said})"
        )
    if unsupported:
        return (
            f"skl2onnx cannot convert {', '.join(sorted(set(unsupported)))}. Supported scikit-learn "
            f"estimators and transformers: {', '.join(sorted(supported))}. (skl2onnx said: {said})"
        )
    return f"skl2onnx could not export the pipeline: {said}"
