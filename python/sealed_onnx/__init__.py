"""sealed-onnx for notebooks: seal a fitted scikit-learn pipeline into one signed, checked
bundle, and load it back with every check.

    import sealed_onnx as so
    so.keygen("me")                                   # me.pem (0600) + me.pub.pem
    b = so.seal(pipe, X_train, y_train, name="loan", version="1.0.0",
                card={"description": "..."}, key="me.pem", out="loan-1.0.0.sonnx",
                X_test=X_test)
    m = so.load("loan-1.0.0.sonnx", public_key="me.pub.pem")
    m.predict(df); m.validate(df); m.drift(df)

The same bundle loads in the browser and Node with the npm package ``sealed-onnx``; the wheel
also installs the ``sealed-onnx`` command.
"""

from typing import Any

from ._native import __version__
from .errors import (
    ModelError,
    SchemaError,
    SealError,
    SealedOnnxError,
    TestVectorMismatch,
    VerificationError,
)

# numpy, pandas and skl2onnx load on first use, so that the `sealed-onnx` command starts fast.
_LAZY = {
    "Bundle": "._model",
    "Model": "._model",
    "load": "._model",
    "seal": "._seal",
    "KeyPair": "._keys",
    "keygen": "._keys",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sealed_onnx' has no attribute {name!r}")


__all__ = [
    "Bundle",
    "KeyPair",
    "Model",
    "ModelError",
    "SchemaError",
    "SealError",
    "SealedOnnxError",
    "TestVectorMismatch",
    "VerificationError",
    "__version__",
    "keygen",
    "load",
    "seal",
]
