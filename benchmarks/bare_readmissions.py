"""The readmission rule as a bare DuckDB query straight over the raw Parquet files.

The yardstick of ``readmit readmissions`` (issue 14, item 3): the same SQL
models (``readmit/sql``) and the same CSV, but the models read views over the
extract's Parquet files as they are -- no typing, no checks, no rejects, no
snapshot, no summary. Whatever ``readmit readmissions`` costs beyond this is
the price of reading an extract safely.

    .venv/bin/python benchmarks/bare_readmissions.py /work/data/hv-10m out.csv

Prints one JSON line: seconds, peak resident memory (MiB) and rows written.
Honours ``READMIT_MEMORY_LIMIT`` and ``READMIT_TEMP_DIR`` as readmit does.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import vm_hwm_mb

#: The columns and order of ``readmit readmissions`` (readmit.rule.INDEX_STAY_COLUMNS).
STAMPS = ("admitted_at", "discharged_at")


def bare_readmissions(extract: Path, out: Path) -> int:
    """Write the index stays of ``extract`` to ``out`` (CSV); return the rows written."""
    import duckdb

    from readmit import sql
    from readmit.rule import INDEX_STAY_COLUMNS, rule_parameters

    temp = tempfile.mkdtemp(prefix="readmit-bare-", dir=os.environ.get("READMIT_TEMP_DIR"))
    config = {"temp_directory": temp, "preserve_insertion_order": False}
    if os.environ.get("READMIT_MEMORY_LIMIT"):
        config["memory_limit"] = os.environ["READMIT_MEMORY_LIMIT"]
    con = duckdb.connect(":memory:", config=config)
    for table in ("episoder", "pasienter", "akuttkontakter", "handlingsplaner"):
        file = extract / f"{table}.parquet"
        if file.exists():
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{file}')")
    sql.build(con, rule_parameters(), models=["mart_index_stays"])
    cols = ", ".join(f"strftime(\"{c}\", '%Y-%m-%dT%H:%M:%S') AS \"{c}\"" if c in STAMPS
                     else f'"{c}"' for c in INDEX_STAY_COLUMNS)
    con.sql(f"SELECT {cols} FROM mart_index_stays ORDER BY CAST(lopenr AS VARCHAR), admitted_at, stay_id") \
        .write_csv(str(out), header=True)
    con.close()
    with open(out, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1


if __name__ == "__main__":
    t0 = time.perf_counter()
    rows = bare_readmissions(Path(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps({"seconds": time.perf_counter() - t0, "peak_mib": vm_hwm_mb(),
                      "rows": rows}))
