"""What an opened extract holds and what the loader set aside, as small tables.

:func:`row_counts` is ``Extract.counts`` as a table (rows read = kept +
rejected, per file); :func:`reject_reasons` counts the rejected rows per
file and reason (the reason's phrase only: a raw value could identify a
person); :func:`extract_files` describes the files themselves (format, size,
date, a content fingerprint) and :func:`generator_info` what made a
synthetic extract. The report's data-quality section and the analysts'
first notebook show them.

Examples
--------
>>> import readmit
>>> with readmit.open(readmit.datasets.example_extract()) as ex:
...     counts = row_counts(ex)
...     reasons = reject_reasons(ex)
>>> counts
              file  read  kept  rejected
0         episoder   271   271         0
1        pasienter    60    60         0
2   akuttkontakter   392   392         0
3  handlingsplaner     4     4         0
>>> len(reasons)
0
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from readmit.loader import Extract

__all__ = ["row_counts", "reject_reasons", "extract_files", "generator_info"]

#: The files of an extract (extract.md), in the order tables show them.
FILES = ("episoder", "pasienter", "akuttkontakter", "handlingsplaner")


def row_counts(extract: Extract) -> pd.DataFrame:
    """Rows read, kept and rejected per file of an opened extract.

    Parameters
    ----------
    extract : readmit.Extract

    Returns
    -------
    pandas.DataFrame
        ``file``, ``read``, ``kept``, ``rejected`` (read = kept + rejected).
    """
    rows = [{"file": name, **{k: int(c.get(k, 0)) for k in ("read", "kept", "rejected")}}
            for name, c in extract.counts.items()]
    return pd.DataFrame(rows, columns=["file", "read", "kept", "rejected"])


def reject_reasons(extract: Extract) -> pd.DataFrame:
    """Rejected rows per file and reason (the reason's phrase, without raw values).

    Parameters
    ----------
    extract : readmit.Extract

    Returns
    -------
    pandas.DataFrame
        ``file``, ``reason``, ``n_rows`` (rows rejected for it; a row with
        two faults counts under each), most frequent first within a file.
        ``extract.rejects_frame()`` lists every rejected row, for finding
        it in the source file.
    """
    return extract.con.sql(
        """SELECT file, split_part(reason, ':', 1) AS reason,
                  CAST(count(DISTINCT "row") AS BIGINT) AS n_rows
           FROM rejects GROUP BY ALL ORDER BY file, n_rows DESC, reason""").df()


def extract_files(folder: str | Path) -> pd.DataFrame:
    """The files of an extract folder: what a reader needs to know which
    delivery a result came from.

    Parameters
    ----------
    folder : str or pathlib.Path
        The extract folder (``Extract.path``).

    Returns
    -------
    pandas.DataFrame
        ``file`` (its name), ``format`` (``parquet`` or ``csv``), ``size_mb``,
        ``modified`` (the file's date) and ``sha256`` (the first 12 hex
        digits of its content's SHA-256: the same files give the same
        fingerprint wherever they are copied).

    Examples
    --------
    >>> import readmit
    >>> extract_files(readmit.datasets.example_extract())["file"].tolist()
    ['episoder.csv', 'pasienter.csv', 'akuttkontakter.csv', 'handlingsplaner.csv']
    """
    rows = []
    for name in FILES:
        for path in sorted(Path(folder).glob(f"{name}.*")):
            if path.suffix.lower() not in (".parquet", ".csv"):
                continue
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            stat = path.stat()
            rows.append({"file": path.name, "format": path.suffix.lower().lstrip("."),
                         "size_mb": round(stat.st_size / 1e6, 2),
                         "modified": dt.date.fromtimestamp(stat.st_mtime).isoformat(),
                         "sha256": digest.hexdigest()[:12]})
    return pd.DataFrame(rows, columns=["file", "format", "size_mb", "modified", "sha256"])


def generator_info(folder: str | Path) -> dict | None:
    """What generated a synthetic extract (its ``synthetic.json``: generator,
    seed, scale, years, rows), or None for a real delivery.

    Examples
    --------
    >>> import readmit
    >>> generator_info(readmit.datasets.example_extract()) is None
    True
    """
    path = Path(folder) / "synthetic.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
