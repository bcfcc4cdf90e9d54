"""Sniffing NPR-style CSV files: what the file is, its encoding, delimiter and header.

DuckDB's own sniffer guesses well, but an extract is a contract: we decide the
encoding (UTF-8 unless the bytes are not valid UTF-8, then Latin-1), the
delimiter (``;`` or ``,``, from the header line) and the column names
ourselves, and then let DuckDB read every column as text with those settings
fixed. A file that is not CSV text at all (UTF-16, JSON, a spreadsheet, a
Parquet or compressed file under a ``.csv`` name) is named for what it is.

The same pass over the bytes counts the file's lines, so a reject can say
which line of the file its row is on (:attr:`CsvDialect.lines`).

Example
-------
>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "pasienter.csv"
>>> _ = p.write_bytes("lopenr;komnr\\n1;4647\\n".encode("latin-1"))
>>> sniff(p)
CsvDialect(encoding='utf-8', delimiter=';', header=['lopenr', 'komnr'], lines=2)
"""
from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

from readmit.errors import StructuralError

__all__ = ["CsvDialect", "ENCODINGS", "READ_SQL", "detect_encoding", "sniff", "read_params",
           "what_it_is"]

ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "latin-1": "latin-1", "latin1": "latin-1",
             "iso-8859-1": "latin-1", "iso8859-1": "latin-1"}
_CHUNK = 1 << 20
_HEADER_LIMIT = 1 << 20

#: Leading bytes of files that are not CSV text, and what they are.
_MAGIC = (
    (b"\xff\xfe\x00\x00", "UTF-32 text; save it as UTF-8 or Latin-1"),
    (b"\x00\x00\xfe\xff", "UTF-32 text; save it as UTF-8 or Latin-1"),
    (b"\xff\xfe", "UTF-16 text; save it as UTF-8 or Latin-1"),
    (b"\xfe\xff", "UTF-16 text; save it as UTF-8 or Latin-1"),
    (b"PAR1", "a Parquet file; name it .parquet"),
    (b"PK\x03\x04", "a ZIP archive or an Excel workbook (.xlsx); export the sheet as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls); export the sheet as CSV"),
    (b"\x1f\x8b", "a gzip-compressed file; decompress it first"),
    (b"BZh", "a bzip2-compressed file; decompress it first"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file; decompress it first"),
    (b"SQLite format 3", "an SQLite database"),
    (b"%PDF", "a PDF document"),
)


@dataclass(frozen=True)
class CsvDialect:
    """How to read one CSV file: its encoding, delimiter and column names.

    ``lines`` is the number of lines of the file up to its last line with
    content (header included); ``None`` when not counted.
    """

    encoding: str
    delimiter: str
    header: list[str]
    lines: int | None = None


def what_it_is(head: bytes) -> str | None:
    """What a file that is not CSV text is, from its first bytes; ``None`` if it may be CSV.

    Examples
    --------
    >>> what_it_is("lopenr;x".encode("utf-16"))
    'UTF-16 text; save it as UTF-8 or Latin-1'
    >>> what_it_is(b'[{"lopenr": 1}]')
    'JSON, not CSV; export the table as CSV'
    >>> what_it_is(b"lopenr;komnr") is None
    True
    """
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    sample = head[:4096]
    if sample and b"\x00" in sample:
        # UTF-16 without a byte-order mark: every other byte is NUL in ASCII text
        even, odd = sample[0::2], sample[1::2]
        if odd and odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            return "UTF-16 text (little-endian); save it as UTF-8 or Latin-1"
        if even and even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "UTF-16 text (big-endian); save it as UTF-8 or Latin-1"
        return "binary content, not CSV text"
    text = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "JSON, not CSV; export the table as CSV"
    if text[:1] == b"<":
        lowered = text[:200].lower()
        if lowered.startswith((b"<!doctype html", b"<html")):
            return "an HTML page, not CSV"
        return "XML or HTML, not CSV"
    return None


def detect_encoding(path: Path) -> str:
    """``"utf-8"`` if the whole file is valid UTF-8, else ``"latin-1"``.

    Reads the file in 1 MiB chunks (memory stays flat for big files).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes("kommune\\nFørde\\n".encode("latin-1"))
    >>> detect_encoding(p)
    'latin-1'
    """
    return _scan(path, check_utf8=True)[0]


def _scan(path: Path, *, check_utf8: bool) -> tuple[str, int]:
    """The encoding (when ``check_utf8``) and the number of lines, in one pass."""
    decoder = codecs.getincrementaldecoder("utf-8")() if check_utf8 else None
    utf8 = check_utf8
    newlines, tail = 0, b""
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            newlines += chunk.count(b"\n")
            tail = (tail + chunk)[-4096:]
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    # the last line with content: blank lines at the end are no rows
    trailing = tail[len(tail.rstrip(b"\r\n \t")):].count(b"\n")
    lines = newlines - trailing + 1
    return ("utf-8" if utf8 else "latin-1"), lines


def sniff(path: Path, encoding: str | None = None) -> CsvDialect:
    """Encoding, delimiter, header and line count of a CSV file; raise on a file
    that is not CSV.

    Parameters
    ----------
    path : Path
        The CSV file.
    encoding : {"utf-8", "latin-1"} or None
        Given by the user, or ``None`` to detect.

    Returns
    -------
    CsvDialect

    Raises
    ------
    StructuralError
        Zero bytes, no header line, or content that is not CSV text (named:
        UTF-16, JSON, a spreadsheet, ...).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "akuttkontakter.csv"
    >>> _ = p.write_text("lopenr,kontakt_id\\n1,7\\n")
    >>> sniff(p, "utf-8").delimiter
    ','
    """
    with open(path, "rb") as fh:
        head = fh.read(_HEADER_LIMIT)
    if not head:
        raise StructuralError(f"{path.name}: empty file (zero bytes)")
    what = what_it_is(head)
    if what:
        raise StructuralError(f"{path.name}: not a CSV file: {what}")
    detected, lines = _scan(path, check_utf8=encoding is None)
    enc = ENCODINGS[encoding] if encoding else detected
    text = head.decode("utf-8-sig" if enc == "utf-8" else enc, errors="replace")
    first = text.splitlines()[0] if text.splitlines() else ""
    if not first.strip():
        raise StructuralError(f"{path.name}: no header line (the first line is empty)")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [name.strip() for name in next(csv.reader([first], delimiter=delimiter))]
    if len(header) == 1:
        for other, name in (("\t", "tabs"), ("|", "|")):
            if first.count(other) >= 2:
                raise StructuralError(f"{path.name}: columns separated by {name}; readmit reads "
                                      "CSV separated by ; or ,")
    return CsvDialect(encoding=enc, delimiter=delimiter, header=header, lines=lines)


#: Read every column as text, with the dialect fixed; malformed lines go to
#: the rejects table named by the caller instead of stopping the scan.
READ_SQL = (
    "SELECT * FROM read_csv($path, delim=$delim, header=true, auto_detect=false, "
    "columns=$columns, quote='\"', escape='\"', encoding=$encoding, "
    "store_rejects=true, rejects_table=$rejects_table, rejects_scan=$rejects_scan)"
)


def read_params(path: Path, dialect: CsvDialect, table: str) -> dict:
    """The bound parameters of :data:`READ_SQL`: columns are named ``c0``, ``c1``, ...

    Examples
    --------
    >>> d = CsvDialect("utf-8", ";", ["lopenr", "komnr"])
    >>> read_params(Path("p.csv"), d, "pasienter")["columns"]
    {'c0': 'VARCHAR', 'c1': 'VARCHAR'}
    """
    return {
        "path": str(path),
        "delim": dialect.delimiter,
        "columns": {f"c{i}": "VARCHAR" for i in range(len(dialect.header))},
        "encoding": dialect.encoding,
        "rejects_table": f"_csv_errors_{table}",
        "rejects_scan": f"_csv_scans_{table}",
    }
