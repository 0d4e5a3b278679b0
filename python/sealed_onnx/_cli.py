"""The ``sealed-onnx`` command installed with the wheel: the crate's own command line."""

from __future__ import annotations

import sys

from . import _native


def main() -> None:
    """Runs ``sealed-onnx`` with this process's arguments and exits with its code."""
    sys.stdout.flush()
    sys.stderr.flush()
    argv = ["sealed-onnx", *sys.argv[1:]]
    sys.exit(_native.cli(argv))


if __name__ == "__main__":
    main()
