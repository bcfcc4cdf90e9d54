"""About the report: the extract it was made from (its files and their
fingerprints, and what generated it if it is synthetic), readmit's version
and the date it was made."""
from __future__ import annotations

import datetime as dt
import platform

import duckdb
import pandas as pd

from readmit.figures import number
from readmit.quality import extract_files, generator_info
from readmit.report.html import paragraphs, table_html
from readmit.report.sections import Section


def section(ctx) -> Section:
    from readmit import __version__

    t, lang = ctx.t, ctx.lang
    folder = ctx.extract.path
    files = extract_files(folder)
    files["size_mb"] = files["size_mb"].map(lambda v: number(v, 1, lang=lang))
    body = [table_html(files, numeric=["size_mb"], headers={
        "file": t("Fil", "File"), "format": t("Format", "Format"),
        "size_mb": t("Størrelse (MB)", "Size (MB)"), "modified": t("Endret", "Modified"),
        "sha256": t("Fingeravtrykk (SHA-256)", "Fingerprint (SHA-256)")},
        caption=t(f"Uttrekket «{folder.name}»", f"The extract “{folder.name}”"))]
    rows = [(t("readmit", "readmit"), __version__),
            ("DuckDB", duckdb.__version__),
            ("Python", platform.python_version()),
            (t("Laget", "Made"), dt.date.today().isoformat()),
            (t("Slutt på dataene", "End of the data"), str(ctx.rule.end_date))]
    info = generator_info(folder)
    if info:
        rows.append((t("Syntetisk uttrekk", "Synthetic extract"),
                     ", ".join(f"{k} {v}" for k, v in info.items()
                               if k in ("generator", "seed", "scale", "years", "version"))))
    body.append(table_html(pd.DataFrame(rows, columns=["what", "value"]),
                           headers={"what": t("Hva", "What"), "value": t("Verdi", "Value")},
                           caption=t("Versjoner", "Versions")))
    intro = paragraphs(t(
        "Hvilket uttrekk og hvilken versjon av readmit rapporten er laget med. Fingeravtrykket "
        "er det samme for de samme filene uansett hvor de ligger, så en ny rapport fra samme "
        "uttrekk kan kjennes igjen.",
        "Which extract and which version of readmit the report was made with. The fingerprint "
        "is the same for the same files wherever they lie, so a new report from the same "
        "extract can be recognised."))
    return Section("about", t("Om rapporten", "About the report"), intro, body)
