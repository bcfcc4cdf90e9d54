"""Sniffing NPR-style CSV files: encoding, delimiter and header.

DuckDB's own sniffer guesses well, but an extract is a contract: we decide the
encoding (UTF-8 unless the bytes are not valid UTF-8, then Latin-1), the
delimiter (``;`` or ``,``, from the header line) and the column names
ourselves, and then let DuckDB read every column as text with those settings
fixed.

Example
-------
>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "pasienter.csv"
>>> _ = p.write_bytes("lopenr;komnr\\n1;4647\\n".encode("latin-1"))
>>> sniff(p)
CsvDialect(encoding='utf-8', delimiter=';', header=['lopenr', 'komnr'])
"""
from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

from readmit.errors import StructuralError

ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "latin-1": "latin-1", "latin1": "latin-1",
             "iso-8859-1": "latin-1", "iso8859-1": "latin-1"}
_CHUNK = 1 << 20
_HEADER_LIMIT = 1 << 20


@dataclass(frozen=True)
class CsvDialect:
    """How to read one CSV file: its encoding, delimiter and column names."""

    encoding: str
    delimiter: str
    header: list[str]


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
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def sniff(path: Path, encoding: str | None = None) -> CsvDialect:
    """Encoding, delimiter and header of a CSV file; raise on a file that is not CSV.

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
        Zero bytes, binary content, or no header line.

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
    if b"\x00" in head:
        raise StructuralError(f"{path.name}: not a CSV file (binary content)")
    enc = ENCODINGS[encoding] if encoding else detect_encoding(path)
    text = head.decode("utf-8-sig" if enc == "utf-8" else enc, errors="replace")
    first = text.splitlines()[0] if text.splitlines() else ""
    if not first.strip():
        raise StructuralError(f"{path.name}: no header line")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [name.strip() for name in next(csv.reader([first], delimiter=delimiter))]
    return CsvDialect(encoding=enc, delimiter=delimiter, header=header)


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
