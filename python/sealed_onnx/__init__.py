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

from ._keys import KeyPair, keygen
from ._model import Bundle, Model, load
from ._native import __version__
from ._seal import seal
from .errors import (
    ModelError,
    SchemaError,
    SealError,
    SealedOnnxError,
    TestVectorMismatch,
    VerificationError,
)

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
