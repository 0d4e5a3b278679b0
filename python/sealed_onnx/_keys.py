"""Key pairs for signing bundles."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from . import _native
from .errors import SealError


class KeyPair(NamedTuple):
    """Where ``keygen`` wrote the keys, and the public key's fingerprint."""

    private_key: Path
    public_key: Path
    fingerprint: str


def keygen(stem: str | os.PathLike[str], *, force: bool = False) -> KeyPair:
    """Creates an ECDSA P-256 key pair: ``<stem>.pem`` (private, mode 0600) and
    ``<stem>.pub.pem`` (public, to publish next to your bundles).

    Refuses to replace existing files unless ``force=True``: a lost private key cannot sign
    updates of bundles already published.
    """
    stem = Path(stem)
    if stem.suffix == ".pem":
        stem = stem.with_suffix("")
    private, public = stem.with_name(stem.name + ".pem"), stem.with_name(stem.name + ".pub.pem")
    if not force:
        for p in (private, public):
            if p.exists():
                raise SealError(f"{p} already exists; pass force=True to replace it (a lost private key cannot sign updates of bundles already published)")
    private_pem, public_pem, fingerprint = _native.keygen()
    _write(private, private_pem, 0o600)
    _write(public, public_pem, 0o644)
    return KeyPair(private, public, fingerprint)


def _write(path: Path, text: str, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
        os.chmod(tmp, mode)  # the umask may have removed bits; never added any
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_pem(key: str | os.PathLike[str] | bytes, what: str) -> str:
    """A PEM given as text, bytes or a path to a file."""
    if isinstance(key, bytes):
        return key.decode("ascii", errors="replace")
    if isinstance(key, str) and "-----BEGIN" in key:
        return key
    path = Path(key)
    if not path.is_file():
        raise SealError(f"{what} {str(key)!r} is neither a PEM nor an existing file")
    return path.read_text(encoding="ascii", errors="replace")


def private_key(key: str | os.PathLike[str] | bytes) -> tuple[str, str, str]:
    """``(private PEM, public PEM, fingerprint)``; refuses the public half with a clear message."""
    pem = read_pem(key, "key")
    kind, public_pem, fingerprint = _native.key_info(pem)
    if kind != "private":
        name = f" {key}" if not isinstance(key, (bytes,)) and "-----BEGIN" not in str(key) else ""
        raise SealError(
            f"the key{name} is the public half (fingerprint {fingerprint[:16]}…): signing needs the "
            "private key, e.g. key=\"me.pem\" rather than \"me.pub.pem\""
        )
    return pem, public_pem, fingerprint
