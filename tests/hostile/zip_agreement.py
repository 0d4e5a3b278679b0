"""What Python's zipfile and `unzip` read from each zip file named on standard input.

One path per input line; one JSON object per output line:
  {"path": ..., "zipfile": [[name, sha256], ...] or {"error": ...},
                "unzip": [[name, sha256], ...] or {"error": ...} or null (no unzip)}
Used by tests/e2e/hostile.rs (the parser-agreement test).
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile


def with_zipfile(path):
    try:
        with zipfile.ZipFile(path) as z:
            return [[i.filename, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]
    except Exception as e:  # every failure is an answer
        return {"error": f"{type(e).__name__}: {e}"}


def with_unzip(path, unzip):
    if unzip is None:
        return None
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([unzip, "-qq", "-o", path, "-d", out], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=60)
        if r.returncode != 0:
            return {"error": f"exit {r.returncode}: {r.stderr.decode(errors='replace')[:300]}"}
        found = []
        for dirpath, dirnames, filenames in os.walk(out):
            for f in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
                full = os.path.join(dirpath, f)
                rel = os.path.relpath(full, out)
                if os.path.islink(full) or not os.path.isfile(full):
                    found.append([rel, "not a regular file"])
                    continue
                with open(full, "rb") as fh:
                    found.append([rel, hashlib.sha256(fh.read()).hexdigest()])
        return sorted(found)


def main():
    unzip = shutil.which("unzip")
    for line in sys.stdin:
        path = line.strip()
        if path:
            print(json.dumps({"path": path, "zipfile": with_zipfile(path),
                              "unzip": with_unzip(path, unzip)}), flush=True)


if __name__ == "__main__":
    main()
