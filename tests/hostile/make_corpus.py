"""Generates the corpus of hostile bundles in tests/hostile/cases/ and tests/hostile/expected.tsv.

Every case is built from the entries of source.sonnx (a frozen copy of the signed example
models/iris-1.0.0.sonnx, so rebuilding the examples does not change the corpus) by a
small zip writer below whose every field can be set, so each file shows one construction
that a general zip reader tolerates (or reads differently from sealed-onnx) and that
sealed-onnx must refuse with the check named in expected.tsv. The `control-*` cases are
well-formed and must verify, which shows the writer itself is sound.

Run from the repository root (the output is committed; tests/e2e/hostile.rs checks it is
up to date and that the CLI refuses every case):

    models/.venv/bin/python tests/hostile/make_corpus.py [--out DIR]

Nothing here is random: the same inputs give the same bytes.
"""

import argparse
import copy
import pathlib
import struct
import zipfile
import zlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = pathlib.Path(__file__).resolve().parent / "source.sonnx"

LOCAL_SIG = 0x04034B50
CENTRAL_SIG = 0x02014B50
EOCD_SIG = 0x06054B50
ZIP64_EOCD_SIG = 0x06064B50
ZIP64_LOCATOR_SIG = 0x07064B50
STORED, DEFLATE = 0, 8
UTF8 = 0x0800
REGULAR = 0o100644 << 16


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


class Entry:
    """One entry: `local` and `central` are separate field dicts, so they can disagree."""

    def __init__(self, name, data, method=DEFLATE):
        body = deflate(data) if method == DEFLATE else data
        self.local = dict(
            version=20, flags=UTF8, method=method, time=0, date=0x21,
            crc=zlib.crc32(data), csize=len(body), usize=len(data),
            name=name.encode(), name_len=None, extra=b"", body=body,
        )
        self.central = dict(self.local, made_by=0x0314, extra=b"", comment=b"",
                            disk=0, internal=0, external=REGULAR, offset=None)
        del self.central["body"]

    def set(self, **fields):
        """Sets fields in both headers."""
        self.local.update({k: v for k, v in fields.items() if k in self.local})
        self.central.update({k: v for k, v in fields.items() if k in self.central})
        return self


def local_bytes(f):
    name_len = len(f["name"]) if f["name_len"] is None else f["name_len"]
    return struct.pack(
        "<IHHHHHIIIHH", LOCAL_SIG, f["version"], f["flags"], f["method"], f["time"],
        f["date"], f["crc"], f["csize"], f["usize"], name_len, len(f["extra"]),
    ) + f["name"] + f["extra"] + f["body"]


def central_bytes(f, offset):
    name_len = len(f["name"]) if f["name_len"] is None else f["name_len"]
    offset = offset if f["offset"] is None else f["offset"]
    return struct.pack(
        "<IHHHHHHIIIHHHHHII", CENTRAL_SIG, f["made_by"], f["version"], f["flags"],
        f["method"], f["time"], f["date"], f["crc"], f["csize"], f["usize"], name_len,
        len(f["extra"]), len(f["comment"]), f["disk"], f["internal"], f["external"], offset,
    ) + f["name"] + f["extra"] + f["comment"]


def eocd(count, cd_size, cd_offset, comment=b"", comment_len=None, disk=0, on_disk=None):
    return struct.pack(
        "<IHHHHIIH", EOCD_SIG, disk, disk, count if on_disk is None else on_disk, count,
        cd_size, cd_offset, len(comment) if comment_len is None else comment_len,
    ) + comment


def archive(entries, *, prepend=b"", absolute=False, gap_before_cd=b"", extra_central=(),
            junk_before_eocd=b"", count=None, cd_size=None, trailer=b"", end=None, gaps=None):
    """A zip of `entries`. Offsets are relative to the end of `prepend` unless `absolute`.

    `extra_central` are additional (Entry, offset) directory records appended after the
    regular ones (counted in the directory size unless `cd_size` says otherwise); `end`
    replaces the end record (a function of count, cd_size, cd_offset).
    """
    out = bytearray(prepend)
    base = 0 if absolute else len(prepend)
    offsets = []
    for i, e in enumerate(entries):
        if gaps and i in gaps:
            out += gaps[i]
        offsets.append(len(out) - base)
        out += local_bytes(e.local)
    out += gap_before_cd
    cd_offset = len(out) - base
    cd = b"".join(central_bytes(e.central, off) for e, off in zip(entries, offsets))
    cd += b"".join(central_bytes(e.central, off) for e, off in extra_central)
    out += cd
    out += junk_before_eocd
    n = len(entries) + len(extra_central) if count is None else count
    size = len(cd) if cd_size is None else cd_size
    out += (end or eocd)(n, size, cd_offset)
    out += trailer
    return bytes(out)


def source_entries():
    with zipfile.ZipFile(SOURCE) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def bundle():
    """Fresh Entry objects for the example's three entries."""
    return [Entry(n, d) for n, d in source_entries()]


EVIL_MODEL = b"\x08\x07\x12\x04evil: not the signed model"


def cases():
    """(file stem, expected check, what it shows, bytes)."""
    out = []

    def case(name, check, what, data):
        out.append((name, check, what, data))

    # Controls: well-formed, must verify.
    case("control-rebuilt", "ok", "the example's entries re-zipped by this writer", archive(bundle()))
    stored = [Entry(n, d, method=STORED) for n, d in source_entries()]
    case("control-stored", "ok", "every entry stored", archive(stored))
    hinted = [e.set(flags=UTF8 | 0b10) for e in bundle()]
    case("control-deflate-hint", "ok", "deflate level hint bits (1-2) set", archive(hinted))

    # Item 1: other readers see another model.
    e = bundle()
    evil = Entry("model.onnx", EVIL_MODEL)
    # [good entries][evil entry][good directory][good end, comment covering the rest]
    # [evil directory][evil end with a lying comment length]: zipfile and unzip take the last
    # end record; a reader that insists on an exact comment length takes the first.
    body = bytearray()
    offsets = []
    for x in e + [evil]:
        offsets.append(len(body))
        body += local_bytes(x.local)
    good_cd = b"".join(central_bytes(x.central, o) for x, o in zip(e, offsets))
    evil_cd = b"".join(central_bytes(x.central, o) for x, o in zip([evil] + e[1:], [offsets[3]] + offsets[1:3]))
    evil_cd_offset = len(body) + len(good_cd) + 22
    evil_end = eocd(3, len(evil_cd), evil_cd_offset, comment_len=7)
    good_end = eocd(3, len(good_cd), len(body), comment_len=len(evil_cd) + len(evil_end))
    case("two-end-records", "zip.archive-comment",
         "a second directory and end record after the first (unzip and zipfile read the second)",
         bytes(body) + good_cd + good_end + evil_cd + evil_end)
    evil_end0 = eocd(3, len(evil_cd), evil_cd_offset)
    case("two-end-records-last-wins", "zip.entry-out-of-place",
         "the first end record and directory hidden before the one every reader uses",
         bytes(body) + good_cd + eocd(3, len(good_cd), len(body)) + evil_cd + evil_end0)

    # End record counts 3, the directory holds a 4th entry (zipfile reads the directory).
    e = bundle()
    extra = Entry("model.onnx", EVIL_MODEL)
    data = bytearray()
    offs = []
    for x in e + [extra]:
        offs.append(len(data))
        data += local_bytes(x.local)
    cd = b"".join(central_bytes(x.central, o) for x, o in zip(e + [extra], offs))
    case("count-3-directory-4-duplicate", "zip.duplicate-entry",
         "end record says 3 entries, the directory holds a second model.onnx",
         bytes(data) + cd + eocd(3, len(cd), len(data)))
    e = bundle()
    extra = Entry("evil.py", b"import os; os.system('echo pwned')\n")
    data = bytearray()
    offs = []
    for x in e + [extra]:
        offs.append(len(data))
        data += local_bytes(x.local)
    cd = b"".join(central_bytes(x.central, o) for x, o in zip(e + [extra], offs))
    case("count-3-directory-4-evil-py", "zip.entry-count-mismatch",
         "end record says 3 entries, the directory holds evil.py too",
         bytes(data) + cd + eocd(3, len(cd), len(data)))
    cd3 = b"".join(central_bytes(x.central, o) for x, o in zip(e, offs))
    case("fourth-entry-outside-directory-size", "zip.junk-before-end-record",
         "a 4th directory record between the counted directory and the end record",
         bytes(data) + cd + eocd(3, len(cd3), len(data)))

    # zip64: an end record with markers, a zip64 end record pointing to a second directory.
    e = bundle()
    data = bytearray()
    offs = []
    for x in e:
        offs.append(len(data))
        data += local_bytes(x.local)
    cd = b"".join(central_bytes(x.central, o) for x, o in zip(e, offs))
    evil = Entry("model.onnx", EVIL_MODEL)
    evil_at = len(data) + len(cd)
    evil_local = local_bytes(evil.local)
    evil_cd = central_bytes(evil.central, evil_at) + cd[len(central_bytes(e[0].central, 0)):]
    evil_cd_at = evil_at + len(evil_local)
    z64_at = evil_cd_at + len(evil_cd)
    z64 = struct.pack("<IQHHIIQQQQ", ZIP64_EOCD_SIG, 44, 45, 45, 0, 0, 3, 3, len(evil_cd), evil_cd_at)
    locator = struct.pack("<IIQI", ZIP64_LOCATOR_SIG, 0, z64_at, 1)
    tail = z64 + locator
    case("zip64-second-directory", "zip.zip64",
         "a zip64 end record pointing to a second directory with another model.onnx (zipfile follows it)",
         bytes(data) + cd + evil_local + evil_cd + tail + eocd(3, 0xFFFFFFFF, 0xFFFFFFFF))
    case("zip64-locator", "zip.zip64",
         "a zip64 locator before a plain end record (zipfile uses the zip64 record)",
         bytes(data) + cd + evil_local + evil_cd + tail + eocd(3, len(cd), len(data)))
    e = bundle()
    e[0].central["extra"] = struct.pack("<HHQQ", 1, 16, e[0].local["usize"], e[0].local["csize"])
    case("zip64-extra-central", "zip.extra-field", "a zip64 extra field in the directory", archive(e))
    e = bundle()
    e[0].local["extra"] = struct.pack("<HHQQ", 1, 16, e[0].local["usize"], e[0].local["csize"])
    case("zip64-extra-local", "zip.extra-field", "a zip64 extra field in the local header only", archive(e))
    e = bundle()
    e[0].set(version=45)
    case("version-4.5", "zip.version-needed", "entries that need zip 4.5 (zip64) to extract", archive(e))
    e = bundle()
    e[0].set(csize=0xFFFFFFFF)
    case("zip64-size-marker", "zip.zip64", "an entry size set to the zip64 marker", archive(e))

    # Item 2: local headers that disagree with the directory.
    for field, value, what in [
        ("method", STORED, "local header says stored (unzip writes the raw deflate data)"),
        ("csize", 0, "local compressed size 0 (an empty file for readers that trust it)"),
        ("usize", 1, "local uncompressed size differs"),
        ("crc", 0, "local CRC differs"),
        ("flags", UTF8 | 1, "encryption flag only in the local header"),
        ("version", 10, "local version needed differs"),
        ("time", 0x1234, "local modification time differs"),
    ]:
        e = bundle()
        e[0].local[field] = value
        check = "zip.local-header-mismatch"
        case(f"local-{field}-differs", check, what, archive(e))
    e = bundle()
    e[0].local["name"] = b"model.onnz"
    case("local-name-differs", "zip.local-header-mismatch", "local header names another file", archive(e))
    e = bundle()
    e[0].local["name"] = b"model.onnx.py"
    case("local-name-length-differs", "zip.local-header-mismatch", "local name longer than the directory's", archive(e))
    e = bundle()
    e[0].central["external"] = 0o120777 << 16
    case("symlink", "zip.not-a-regular-file", "model.onnx marked as a symbolic link (unzip makes a link)", archive(e))
    e = bundle()
    e[0].central["external"] = (0o040755 << 16) | 0x10
    case("directory-entry", "zip.not-a-regular-file", "model.onnx marked as a directory", archive(e))

    # Data around the structures.
    case("prepended-data", "zip.prepended-data",
         "100 bytes in front, offsets relative to the archive (zipfile adjusts, unzip warns)",
         archive(bundle(), prepend=b"#!/bin/sh\necho self-extracting\n".ljust(100, b"#")))
    case("prepended-data-absolute", "zip.prepended-data",
         "100 bytes in front, offsets absolute",
         archive(bundle(), prepend=b"X" * 100, absolute=True))
    case("junk-before-end-record", "zip.junk-before-end-record",
         "64 bytes between the directory and the end record",
         archive(bundle(), junk_before_eocd=b"J" * 64))
    case("gap-before-directory", "zip.data-before-directory",
         "bytes between the last entry and the directory",
         archive(bundle(), gap_before_cd=b"G" * 50))
    case("gap-between-entries", "zip.entry-out-of-place",
         "bytes between two entries (a streaming reader sees something else)",
         archive(bundle(), gaps={1: b"\0" * 30}))
    case("trailing-data", "zip.data-after-end-record", "bytes after the end record",
         archive(bundle(), trailer=b"T" * 10))
    case("archive-comment", "zip.archive-comment", "an archive comment",
         archive(bundle(), end=lambda n, s, o: eocd(n, s, o, comment=b"signed by nobody")))
    case("multi-disk", "zip.multi-disk", "disk numbers other than 0",
         archive(bundle(), end=lambda n, s, o: eocd(n, s, o, disk=1)))
    e = bundle()
    e[1].central["comment"] = b"note"
    case("entry-comment", "zip.entry-comment", "a per-entry comment", archive(e))

    # Flag bits.
    for bit, name in [(0, "encrypted"), (3, "data-descriptor"), (4, "enhanced-deflate"),
                      (5, "patched-data"), (6, "strong-encryption"), (12, "reserved-12"),
                      (13, "encrypted-directory"), (15, "reserved-15")]:
        e = bundle()
        e[0].set(flags=UTF8 | (1 << bit))
        case(f"flag-{name}", "zip.disallowed-flag", f"general-purpose flag bit {bit} set", archive(e))

    # Methods, sizes, names.
    e = bundle()
    e[0].set(method=12)
    case("method-bzip2", "zip.unsupported-method", "compression method 12 (bzip2)", archive(e))
    e = [Entry(n, d, method=STORED) for n, d in source_entries()]
    e[0].set(usize=e[0].local["usize"] + 1)
    case("stored-size-mismatch", "zip.stored-size-mismatch", "stored entry with two different sizes", archive(e))
    e = bundle()
    e[0].set(name="model.onnx\0.txt".encode())
    case("name-nul", "zip.unsafe-name", "a NUL byte in an entry name", archive(e))
    e = bundle()
    e[0].set(name="modèl.onnx".encode("cp437"), flags=0)
    case("name-cp437", "zip.unsafe-name", "a non-ASCII name (cp437 or UTF-8 depending on the reader)", archive(e))
    e = bundle()
    case("duplicate-model", "zip.duplicate-entry", "model.onnx twice",
         archive([e[0], Entry("model.onnx", EVIL_MODEL)] + e[1:]))
    e = bundle()
    case("unexpected-entry", "bundle.unexpected-entry", "a 4th entry, counted properly",
         archive(e + [Entry("evil.py", b"print('pwned')\n")]))
    e = bundle()
    case("missing-manifest", "bundle.missing-entry", "no manifest.json", archive([e[0], e[2]]))
    e = bundle()
    e[2].set(name=b"../model.sig")
    case("path-traversal", "zip.unsafe-name", "a name with ../ (unzip strips it)", archive(e))
    e = bundle()
    e[2].set(name=b"/tmp/model.sig")
    case("absolute-path", "zip.unsafe-name", "an absolute path", archive(e))
    e = bundle()
    e[2].set(name=b"model\\sig")
    case("backslash", "zip.unsafe-name", "a backslash (a directory separator to some extractors)", archive(e))

    # Data that does not inflate to what the directory declares.
    e = bundle()
    data = source_entries()[0][1]
    e[0].local["body"] = deflate(data) + b"hidden"
    e[0].set(csize=len(e[0].local["body"]))
    case("deflate-trailing-bytes", "zip.compressed-trailing-data",
         "bytes hidden after the end of the deflate stream", archive(e))
    e = bundle()
    e[0].set(usize=e[0].local["usize"] - 1)
    case("inflates-larger", "zip.inflated-size-mismatch", "inflates to more than declared", archive(e))
    e = bundle()
    e[0].set(usize=e[0].local["usize"] + 1)
    case("inflates-smaller", "zip.inflated-size-mismatch", "inflates to fewer than declared", archive(e))
    e = bundle()
    e[0].set(crc=e[0].local["crc"] ^ 1)
    case("crc-both-headers", "zip.crc-mismatch", "a CRC that both headers agree on, and is wrong", archive(e))
    e = bundle()
    e[0].local["body"] = b"\xff" * 40
    e[0].set(csize=40)
    case("not-deflate", "zip.inflate-failed", "compressed data that is not deflate", archive(e))

    # Item 4: names and declared sizes first, bounded total.
    e = bundle()
    e[0].set(usize=300 << 20)
    case("declared-bomb", "zip.compression-bomb",
         "model.onnx declares 300 MiB from under 1 KiB", archive(e))
    e = bundle()
    e[0].set(usize=600 << 20)
    case("declared-over-entry-limit", "zip.entry-too-large", "model.onnx declares 600 MiB", archive(e))
    e = bundle()
    # 9 MiB declared from 95 KB (under the 100:1 bomb ratio); refused from its declared size,
    # so the body (not deflate at all) is never inflated.
    e[1].local["body"] = bytes((i * 7919) % 251 for i in range(95_000))
    e[1].set(usize=9 << 20, csize=95_000)
    case("manifest-over-limit", "bundle.manifest-too-large",
         "manifest.json declares 9 MiB (checked before inflating)", archive(e))
    fakes = [Entry(f"extra{i:02}.bin", b"x").set(usize=38 << 20) for i in range(13)]
    case("extra-entries-declaring-38mib", "zip.compression-bomb",
         "13 extra entries declaring 38 MiB each (refused from the directory, nothing inflated)",
         archive(bundle() + fakes))
    case("many-entries", "zip.too-many-entries", "17 entries",
         archive(bundle() + fakes + [Entry("x", b"")]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=pathlib.Path, default=ROOT / "tests" / "hostile")
    args = ap.parse_args()
    cases_dir = args.out / "cases"
    cases_dir.mkdir(parents=True, exist_ok=True)
    for old in cases_dir.glob("*.sonnx"):
        old.unlink()
    lines = ["# file\texpected check\twhat it shows (generated by make_corpus.py; do not edit)"]
    seen = set()
    for name, check, what, data in cases():
        assert name not in seen, name
        seen.add(name)
        (cases_dir / f"{name}.sonnx").write_bytes(data)
        lines.append(f"{name}.sonnx\t{check}\t{what}")
    (args.out / "expected.tsv").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(seen)} cases to {cases_dir}")


if __name__ == "__main__":
    main()
