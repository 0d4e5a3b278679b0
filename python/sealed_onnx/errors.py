"""The exceptions of sealed-onnx, shared in spirit with the npm package.

Every error a student can act on is one of these, with a message that says what to do next:

- ``SchemaError``: inputs that do not match the bundle's schema; ``.issues`` lists every problem
  (``path``, ``code``, ``expected``, ``received``) and ``.issues_frame()`` shows them as a table.
- ``VerificationError``: a bundle that is refused; ``.check`` names the failed check
  (``trustAnchor``, ``integrity``, ``fileDigest``, ``signature``, ``publicKey``, ``graph``,
  ``testVectors``, ``bundle``).
- ``ModelError``: the model could not run.
- ``SealError``: what was passed to ``seal()``/``keygen()`` cannot make a bundle (also a
  ``ValueError``); ``TestVectorMismatch`` is the one whose ``.rows`` shows where scikit-learn
  and the exported graph disagree.
"""

from __future__ import annotations

from typing import Any


class SealedOnnxError(Exception):
    """Base class of every sealed-onnx error."""


class SchemaError(SealedOnnxError, ValueError):
    """Inputs that do not match the schema; ``issues`` lists every problem."""

    def __init__(self, message: str, issues: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.issues: list[dict[str, str]] = list(issues or [])

    def issues_frame(self) -> Any:
        """The issues as a pandas DataFrame (path, code, expected, received)."""
        import pandas as pd

        return pd.DataFrame(self.issues, columns=["path", "code", "expected", "received"])


class VerificationError(SealedOnnxError):
    """A bundle that failed a trust check; ``check`` names which."""

    def __init__(self, message: str, check: str = "bundle"):
        super().__init__(message)
        self.check = check


class ModelError(SealedOnnxError):
    """The model could not run."""


class SealError(SealedOnnxError, ValueError):
    """What was passed to ``seal()`` or ``keygen()`` cannot make a bundle."""


class TestVectorMismatch(SealError):
    """scikit-learn and the exported graph disagree on some test rows; ``rows`` shows them."""

    __test__ = False  # not a pytest test class

    def __init__(self, message: str, rows: Any = None):
        super().__init__(message)
        self.rows = rows
