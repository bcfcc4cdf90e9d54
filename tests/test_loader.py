"""The loader: typed tables, rejects and structural faults (extract.md, CONTRACTS.md).

Every extract here is written from a few hand-written rows into ``tmp_path``;
every expected value is written by hand from the spec.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import readmit
from readmit.cli import main
from readmit.errors import StructuralError

D = dt.date
T = dt.time

# ------------------------------------------------------------------ a small valid extract
# Values as text, the way a CSV carries them (ISO dates; the writers re-format).
EPISODE_HEADER = ["lopenr", "episode_lnr", "institusjonID", "sektor", "omsorgsniva",
                  "innmateHast", "inndato", "inntid", "utdato", "uttid", "tilstand_1_1",
                  "tilstand_2_1", "korrvekt", "uttilstand", "kjonn"]
PERSON_HEADER = ["lopenr", "fodselsar", "kjonn", "komnr", "doddato"]
CONTACT_HEADER = ["lopenr", "kontakt_id", "tjeneste", "tidspunkt", "hastegrad", "utfall"]
PLAN_HEADER = ["lopenr", "startdato", "tjeneste"]


def base_rows() -> dict[str, list[dict[str, str | None]]]:
    """Three episodes of two persons, two contacts, one plan: all valid."""
    def ep(lopenr, lnr, inst, inn, inntid, ut, uttid, **kw):
        row = dict(lopenr=lopenr, episode_lnr=lnr, institusjonID=inst, sektor="1",
                   omsorgsniva="1", innmateHast="1", inndato=inn, inntid=inntid, utdato=ut,
                   uttid=uttid, tilstand_1_1="J44.1", tilstand_2_1=None, korrvekt="1.5",
                   uttilstand="1", kjonn="2")
        row.update(kw)
        return row

    return {
        "episoder": [
            ep("p1", "1", "HBE", "2019-03-01", "10:00", "2019-03-05", "12:00"),
            ep("p1", "2", "HST", "2019-03-20", "08:30", "2019-03-22", None, innmateHast="4"),
            ep("p2", "3", "HFD", "2019-05-01", None, "2019-05-03", "09:15",
               tilstand_2_1="I50.0", kjonn="1"),
        ],
        "pasienter": [
            dict(lopenr="p1", fodselsar="1950", kjonn="2", komnr="4601", doddato=None),
            dict(lopenr="p2", fodselsar="1940", kjonn="1", komnr="4647", doddato="2019-06-01"),
        ],
        "akuttkontakter": [
            dict(lopenr="p1", kontakt_id="1", tjeneste="AMK", tidspunkt="2019-03-19 22:00",
                 hastegrad="akutt", utfall="ambulanse"),
            dict(lopenr="p2", kontakt_id="2", tjeneste="LV", tidspunkt="2019-04-30 10:00",
                 hastegrad="haster", utfall="legevakt"),
        ],
        "handlingsplaner": [dict(lopenr="p1", startdato="2019-04-01", tjeneste="begge")],
    }


HEADERS = {"episoder": EPISODE_HEADER, "pasienter": PERSON_HEADER,
           "akuttkontakter": CONTACT_HEADER, "handlingsplaner": PLAN_HEADER}


def write_csv(path: Path, header: list[str], rows: list[dict], *, delimiter: str = ";",
              encoding: str = "utf-8", norwegian_dates: bool = False) -> None:
    """Write rows of text values; None is an empty field."""
    def cell(value):
        if value is None:
            return ""
        if norwegian_dates and len(value) >= 10 and value[4] == "-" and value[7] == "-":
            return f"{value[8:10]}.{value[5:7]}.{value[0:4]}{value[10:]}"
        return value

    lines = [delimiter.join(header)]
    lines += [delimiter.join(cell(r.get(h.strip())) for h in header) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


ARROW_TYPES = {
    "lopenr": pa.string(), "episode_lnr": pa.int64(), "institusjonID": pa.string(),
    "sektor": pa.int32(), "omsorgsniva": pa.int32(), "innmateHast": pa.int32(),
    "inndato": pa.date32(), "inntid": pa.time64("us"), "utdato": pa.date32(),
    "uttid": pa.time64("us"), "tilstand_1_1": pa.string(), "tilstand_2_1": pa.string(),
    "korrvekt": pa.float64(), "uttilstand": pa.int32(), "kjonn": pa.int32(),
    "fodselsar": pa.int32(), "komnr": pa.string(), "doddato": pa.date32(),
    "kontakt_id": pa.int64(), "tjeneste": pa.string(), "tidspunkt": pa.timestamp("us"),
    "hastegrad": pa.string(), "utfall": pa.string(), "startdato": pa.date32(),
}


def _native(name: str, text: str | None):
    typ = ARROW_TYPES[name]
    if text is None:
        return None
    if typ == pa.date32():
        return D.fromisoformat(text)
    if typ == pa.time64("us"):
        return T.fromisoformat(text)
    if typ == pa.timestamp("us"):
        return dt.datetime.fromisoformat(text)
    if pa.types.is_integer(typ):
        return int(text)
    if pa.types.is_floating(typ):
        return float(text)
    return text


def write_parquet(path: Path, header: list[str], rows: list[dict]) -> None:
    pq.write_table(pa.table({h: pa.array([_native(h, r.get(h)) for r in rows], ARROW_TYPES[h])
                             for h in header}), path)


def write_extract(directory: Path, rows: dict | None = None, fmt: str = "csv", **csv_opts) -> Path:
    """Write every table of ``rows`` as ``fmt`` ("csv" or "parquet"); returns the folder."""
    rows = base_rows() if rows is None else rows
    directory.mkdir(parents=True, exist_ok=True)
    for name, table_rows in rows.items():
        if fmt == "parquet":
            write_parquet(directory / f"{name}.parquet", HEADERS[name], table_rows)
        else:
            write_csv(directory / f"{name}.csv", HEADERS[name], table_rows, **csv_opts)
    return directory


def load(directory: Path, **kw):
    """Open, and return (rejects as tuples, counts)."""
    with readmit.open(directory, **kw) as ex:
        rejects = ex.con.execute('SELECT file, "row", "column", reason FROM rejects '
                                 'ORDER BY file, "row", "column"').fetchall()
        return rejects, ex.counts


# ------------------------------------------------------------------------ typed tables
EXPECTED = {
    "episoder": [
        ("p1", 1, "HBE", 1, 1, 1, None, None, D(2019, 3, 1), T(10, 0), D(2019, 3, 5), T(12, 0),
         "J44.1", None, None, 1.5, 1, None, None, None, 2),
        ("p1", 2, "HST", 1, 1, 4, None, None, D(2019, 3, 20), T(8, 30), D(2019, 3, 22), None,
         "J44.1", None, None, 1.5, 1, None, None, None, 2),
        ("p2", 3, "HFD", 1, 1, 1, None, None, D(2019, 5, 1), None, D(2019, 5, 3), T(9, 15),
         "J44.1", "I50.0", None, 1.5, 1, None, None, None, 1),
    ],
    "pasienter": [("p1", 1950, 2, "4601", None), ("p2", 1940, 1, "4647", D(2019, 6, 1))],
    "akuttkontakter": [
        ("p1", 1, "AMK", dt.datetime(2019, 3, 19, 22, 0), "akutt", "ambulanse"),
        ("p2", 2, "LV", dt.datetime(2019, 4, 30, 10, 0), "haster", "legevakt"),
    ],
    "handlingsplaner": [("p1", D(2019, 4, 1), "begge")],
}
CONTRACT_SCHEMA = {
    "episoder": [
        ("lopenr", "VARCHAR"), ("episode_lnr", "BIGINT"), ("institusjonID", "VARCHAR"),
        ("sektor", "INTEGER"), ("omsorgsniva", "INTEGER"), ("innmateHast", "INTEGER"),
        ("fraSted", "INTEGER"), ("tilSted", "INTEGER"), ("inndato", "DATE"), ("inntid", "TIME"),
        ("utdato", "DATE"), ("uttid", "TIME"), ("tilstand_1_1", "VARCHAR"),
        ("tilstand_2_1", "VARCHAR"), ("drg", "VARCHAR"), ("korrvekt", "DOUBLE"),
        ("uttilstand", "INTEGER"), ("utskrklardato", "DATE"), ("komnr", "VARCHAR"),
        ("alder", "INTEGER"), ("kjonn", "INTEGER")],
    "pasienter": [("lopenr", "VARCHAR"), ("fodselsar", "INTEGER"), ("kjonn", "INTEGER"),
                  ("komnr", "VARCHAR"), ("doddato", "DATE")],
    "akuttkontakter": [("lopenr", "VARCHAR"), ("kontakt_id", "BIGINT"), ("tjeneste", "VARCHAR"),
                       ("tidspunkt", "TIMESTAMP"), ("hastegrad", "VARCHAR"),
                       ("utfall", "VARCHAR")],
    "handlingsplaner": [("lopenr", "VARCHAR"), ("startdato", "DATE"), ("tjeneste", "VARCHAR")],
}


def typed_tables(directory: Path, **kw) -> dict:
    with readmit.open(directory, **kw) as ex:
        out = {}
        for name in CONTRACT_SCHEMA:
            schema = [(r[0], r[1]) for r in ex.con.execute(f"DESCRIBE {name}").fetchall()]
            rows = sorted(ex.con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
            out[name] = (schema, rows)
        return out


FORMATS = {
    "parquet": dict(fmt="parquet"),
    "csv-semicolon-utf8-iso": dict(fmt="csv", delimiter=";", encoding="utf-8"),
    "csv-comma-latin1-norwegian": dict(fmt="csv", delimiter=",", encoding="latin-1",
                                       norwegian_dates=True),
    "csv-semicolon-latin1-norwegian": dict(fmt="csv", delimiter=";", encoding="latin-1",
                                           norwegian_dates=True),
}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_gives_the_contract_tables(tmp_path, fmt):
    tables = typed_tables(write_extract(tmp_path / fmt, **FORMATS[fmt]))
    for name in CONTRACT_SCHEMA:
        assert tables[name] == (CONTRACT_SCHEMA[name], sorted(EXPECTED[name], key=repr)), name


def test_formats_give_identical_tables_with_norwegian_letters(tmp_path):
    rows = base_rows()
    # 'Førde' and 'Ålesund' in a person id (text) and a diagnosis text, through every file
    for table in rows.values():
        for r in table:
            if r["lopenr"] == "p2":
                r["lopenr"] = "Førde-Ålesund-2"
    rows["episoder"][2]["tilstand_2_1"] = "Førde"
    results = {fmt: typed_tables(write_extract(tmp_path / fmt, rows, **opts))
               for fmt, opts in FORMATS.items()}
    reference = results.pop("parquet")
    assert ("Førde-Ålesund-2", 1940, 1, "4647", D(2019, 6, 1)) in reference["pasienter"][1]
    assert any(r[13] == "Førde" for r in reference["episoder"][1])
    for fmt, tables in results.items():
        assert tables == reference, fmt


def test_latin1_given_explicitly(tmp_path):
    rows = base_rows()
    rows["pasienter"][0]["komnr"] = "Førde"
    d = write_extract(tmp_path, rows, encoding="latin-1")
    with readmit.open(d, encoding="latin-1") as ex:
        assert ex.con.execute("SELECT komnr FROM pasienter WHERE lopenr = 'p1'").fetchall() == [
            ("Førde",)]


def test_mixed_formats_in_one_folder(tmp_path):
    rows = base_rows()
    write_parquet(tmp_path / "episoder.parquet", EPISODE_HEADER, rows["episoder"])
    write_csv(tmp_path / "pasienter.csv", PERSON_HEADER, rows["pasienter"], delimiter=",")
    write_parquet(tmp_path / "akuttkontakter.parquet", CONTACT_HEADER, rows["akuttkontakter"])
    write_csv(tmp_path / "handlingsplaner.csv", PLAN_HEADER, rows["handlingsplaner"],
              norwegian_dates=True)
    tables = typed_tables(tmp_path)
    for name in CONTRACT_SCHEMA:
        assert tables[name][1] == sorted(EXPECTED[name], key=repr), name


def test_column_names_match_case_insensitively_and_extras_are_dropped(tmp_path):
    rows = base_rows()
    for r in rows["episoder"]:
        r.update({"Ekstra": "x", "TILSTAND_2_3": "E11"})
    header = [h.upper() for h in EPISODE_HEADER] + ["Ekstra", "TILSTAND_2_3"]
    write_extract(tmp_path, {k: v for k, v in rows.items() if k != "episoder"})
    lines = [";".join(header)] + [
        ";".join(r.get(h) or "" for h in EPISODE_HEADER + ["Ekstra", "TILSTAND_2_3"])
        for r in rows["episoder"]]
    (tmp_path / "episoder.csv").write_text("\n".join(lines) + "\n")
    with readmit.open(tmp_path) as ex:
        names = [r[0] for r in ex.con.execute("DESCRIBE episoder").fetchall()]
        assert names[12:15] == ["tilstand_1_1", "tilstand_2_1", "tilstand_2_3"]
        assert "institusjonID" in names and "innmateHast" in names
        assert "Ekstra" not in names and "ekstra" not in names
        assert ex.con.execute("SELECT DISTINCT tilstand_2_3 FROM episoder").fetchall() == [("E11",)]
        assert ex.counts["episoder"] == {"read": 3, "kept": 3, "rejected": 0}


def test_times_with_seconds_and_decimal_comma(tmp_path):
    rows = base_rows()
    rows["episoder"][0].update(inntid="10:00:30", korrvekt="0,83")
    with readmit.open(write_extract(tmp_path, rows)) as ex:
        assert ex.con.execute("SELECT inntid, korrvekt FROM episoder WHERE episode_lnr = 1"
                              ).fetchall() == [(T(10, 0, 30), 0.83)]


def test_optional_plans_absent_gives_an_empty_table(tmp_path):
    rows = base_rows()
    del rows["handlingsplaner"]
    with readmit.open(write_extract(tmp_path, rows)) as ex:
        assert ex.con.execute("SELECT count(*) FROM handlingsplaner").fetchall() == [(0,)]
        cols = [(r[0], r[1]) for r in ex.con.execute("DESCRIBE handlingsplaner").fetchall()]
        assert cols == CONTRACT_SCHEMA["handlingsplaner"]
        assert set(ex.counts) == {"episoder", "pasienter", "akuttkontakter"}


def test_extract_object(tmp_path):
    d = write_extract(tmp_path / "x")
    ex = readmit.open(d)
    assert ex.path == d.resolve()
    assert ex.end_date == D(2019, 5, 3)
    assert ex.counts == {
        "episoder": {"read": 3, "kept": 3, "rejected": 0},
        "pasienter": {"read": 2, "kept": 2, "rejected": 0},
        "akuttkontakter": {"read": 2, "kept": 2, "rejected": 0},
        "handlingsplaner": {"read": 1, "kept": 1, "rejected": 0},
    }
    assert list(ex.rejects_frame().columns) == ["file", "row", "column", "reason", "line"]
    assert ex.rejects.fetchall() == []
    assert ex.con.execute("SELECT database_name FROM duckdb_databases() WHERE NOT internal"
                          ).fetchall() == [("memory",)]
    ex.close()
    with pytest.raises(Exception):
        ex.con.execute("SELECT 1")


def test_the_connection_alone_stays_usable(tmp_path):
    con = readmit.open(write_extract(tmp_path)).con   # the Extract itself is dropped
    assert con.execute("SELECT count(*) FROM episoder").fetchall() == [(3,)]
    con.close()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_typed_tables_are_views_over_a_snapshot(tmp_path, fmt):
    d = write_extract(tmp_path / "x", bad("episoder", 2, sektor="4"), fmt=fmt)
    with readmit.open(d) as ex:
        for f in d.iterdir():   # later changes to the source files do not matter
            f.unlink()
        objects = ex.con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                 "ORDER BY 1").fetchall()
        assert objects == [("akuttkontakter", "VIEW"), ("episoder", "VIEW"),
                           ("handlingsplaner", "VIEW"), ("pasienter", "VIEW"),
                           ("rejects", "BASE TABLE")]
        assert sorted(ex.con.execute("SELECT episode_lnr FROM episoder").fetchall()) == [
            (1,), (3,)]
        assert ex.con.execute("SELECT count(*) FROM pasienter").fetchall() == [(2,)]
        temp = ex.con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
        assert sorted(p.name for p in Path(temp).glob("*.parquet")) == [
            "akuttkontakter.parquet", "episoder.parquet", "handlingsplaner.parquet",
            "pasienter.parquet"]
    assert not Path(temp).exists()


def test_unknown_encoding_is_a_parameter_error(tmp_path):
    with pytest.raises(readmit.errors.ParameterError):
        readmit.open(write_extract(tmp_path), encoding="cp1252")


# ------------------------------------------------------------------------------ bad rows
def bad(file: str, row: int, **changes) -> dict:
    """The base extract with ``changes`` applied to data row ``row`` (1-based) of ``file``."""
    rows = base_rows()
    rows[file][row - 1].update(changes)
    return rows


BAD_ROWS = {
    # unparseable values
    "unparseable-date": (bad("episoder", 2, inndato="2019-02-30"),
                         [("episoder", 2, "inndato", "unparseable date: '2019-02-30'")]),
    "unparseable-norwegian-date": (bad("pasienter", 2, doddato="31.13.2019"),
                                   # p2 is then not kept: their episode and contact go too
                                   [("akuttkontakter", 2, "lopenr", "person rejected in pasienter"),
                                    ("episoder", 3, "lopenr", "person rejected in pasienter"),
                                    ("pasienter", 2, "doddato", "unparseable date: '31.13.2019'")]),
    "unparseable-time": (bad("episoder", 1, uttid="25:61"),
                         [("episoder", 1, "uttid", "unparseable time: '25:61'")]),
    "unparseable-number-integer": (bad("episoder", 3, sektor="1.5"),
                                   [("episoder", 3, "sektor", "unparseable number: '1.5'")]),
    "unparseable-number-decimal": (bad("episoder", 1, korrvekt="abc"),
                                   [("episoder", 1, "korrvekt", "unparseable number: 'abc'")]),
    "unparseable-id": (bad("akuttkontakter", 2, kontakt_id="K2"),
                       [("akuttkontakter", 2, "kontakt_id", "unparseable number: 'K2'")]),
    "unparseable-timestamp": (bad("akuttkontakter", 1, tidspunkt="i går"),
                              [("akuttkontakter", 1, "tidspunkt",
                                "unparseable timestamp: 'i går'")]),
    "unparseable-plan-date": (bad("handlingsplaner", 1, startdato="april"),
                              [("handlingsplaner", 1, "startdato", "unparseable date: 'april'")]),
    # discharge before admission: by date, and on the same day by clock time
    "discharge-before-admission": (bad("episoder", 2, utdato="2019-03-19"),
                                   [("episoder", 2, "utdato", "discharge before admission")]),
    "discharge-before-admission-same-day": (
        bad("episoder", 1, utdato="2019-03-01", uttid="09:59"),
        [("episoder", 1, "utdato", "discharge before admission")]),
    # unknown codes
    "unknown-sektor": (bad("episoder", 1, sektor="4"),
                       [("episoder", 1, "sektor", "unknown code: '4'")]),
    "unknown-omsorgsniva": (bad("episoder", 2, omsorgsniva="0"),
                            [("episoder", 2, "omsorgsniva", "unknown code: '0'")]),
    "unknown-innmateHast": (bad("episoder", 3, innmateHast="6"),
                            [("episoder", 3, "innmateHast", "unknown code: '6'")]),
    "unknown-uttilstand": (bad("episoder", 1, uttilstand="4"),
                           [("episoder", 1, "uttilstand", "unknown code: '4'")]),
    "unknown-kjonn-episode": (bad("episoder", 1, kjonn="3"),
                              [("episoder", 1, "kjonn", "unknown code: '3'")]),
    "unknown-kjonn-person": (bad("pasienter", 1, kjonn="0"),
                             # the person is then missing, so are their episodes etc.
                             [("akuttkontakter", 1, "lopenr", "person rejected in pasienter"),
                              ("episoder", 1, "lopenr", "person rejected in pasienter"),
                              ("episoder", 2, "lopenr", "person rejected in pasienter"),
                              ("handlingsplaner", 1, "lopenr", "person rejected in pasienter"),
                              ("pasienter", 1, "kjonn", "unknown code: '0'")]),
    "unknown-institusjonID": (bad("episoder", 2, institusjonID="OUS"),
                              [("episoder", 2, "institusjonID", "unknown code: 'OUS'")]),
    "unknown-tjeneste": (bad("akuttkontakter", 1, tjeneste="113"),
                         [("akuttkontakter", 1, "tjeneste", "unknown code: '113'")]),
    "unknown-hastegrad": (bad("akuttkontakter", 2, hastegrad="rød"),
                          [("akuttkontakter", 2, "hastegrad", "unknown code: 'rød'")]),
    "unknown-utfall": (bad("akuttkontakter", 2, utfall="taxi"),
                       [("akuttkontakter", 2, "utfall", "unknown code: 'taxi'")]),
    "unknown-plan-tjeneste": (bad("handlingsplaner", 1, tjeneste="fastlege"),
                              [("handlingsplaner", 1, "tjeneste", "unknown code: 'fastlege'")]),
    # duplicate ids: the first is kept, the later one rejected
    "duplicate-episode_lnr": (bad("episoder", 3, episode_lnr="1"),
                              [("episoder", 3, "episode_lnr", "duplicate id: first at row 1")]),
    "duplicate-kontakt_id": (bad("akuttkontakter", 2, kontakt_id="1"),
                             [("akuttkontakter", 2, "kontakt_id",
                               "duplicate id: first at row 1")]),
    "duplicate-person": (bad("pasienter", 2, lopenr="p1"),
                         # p2 no longer exists: their episode and contact are orphans
                         [("akuttkontakter", 2, "lopenr", "person missing from pasienter"),
                          ("episoder", 3, "lopenr", "person missing from pasienter"),
                          ("pasienter", 2, "lopenr", "duplicate id: first at row 1")]),
    # persons missing from pasienter
    "episode-of-missing-person": (bad("episoder", 2, lopenr="p9"),
                                  [("episoder", 2, "lopenr", "person missing from pasienter")]),
    "contact-of-missing-person": (bad("akuttkontakter", 1, lopenr="p9"),
                                  [("akuttkontakter", 1, "lopenr",
                                    "person missing from pasienter")]),
    "plan-of-missing-person": (bad("handlingsplaner", 1, lopenr="p9"),
                               [("handlingsplaner", 1, "lopenr",
                                 "person missing from pasienter")]),
    # death before admission (p2 died 2019-06-01)
    "death-before-admission": (bad("episoder", 3, inndato="2019-06-02", utdato="2019-06-03"),
                               [("episoder", 3, "inndato", "death before admission")]),
    # missing required values
    "missing-lopenr": (bad("episoder", 1, lopenr=None),
                       [("episoder", 1, "lopenr", "missing required value")]),
    "missing-episode_lnr": (bad("episoder", 2, episode_lnr=None),
                            [("episoder", 2, "episode_lnr", "missing required value")]),
    "missing-institusjonID": (bad("episoder", 2, institusjonID=None),
                              [("episoder", 2, "institusjonID", "missing required value")]),
    "missing-sektor": (bad("episoder", 2, sektor=None),
                       [("episoder", 2, "sektor", "missing required value")]),
    "missing-omsorgsniva": (bad("episoder", 2, omsorgsniva=None),
                            [("episoder", 2, "omsorgsniva", "missing required value")]),
    "missing-innmateHast": (bad("episoder", 2, innmateHast=None),
                            [("episoder", 2, "innmateHast", "missing required value")]),
    "missing-inndato": (bad("episoder", 3, inndato=None),
                        [("episoder", 3, "inndato", "missing required value")]),
    "missing-utdato": (bad("episoder", 1, utdato=None),
                       [("episoder", 1, "utdato", "missing required value")]),
    "missing-person-lopenr": (bad("pasienter", 1, lopenr=" "),
                              [("akuttkontakter", 1, "lopenr", "person missing from pasienter"),
                               ("episoder", 1, "lopenr", "person missing from pasienter"),
                               ("episoder", 2, "lopenr", "person missing from pasienter"),
                               ("handlingsplaner", 1, "lopenr", "person missing from pasienter"),
                               ("pasienter", 1, "lopenr", "missing required value")]),
    "missing-kontakt_id": (bad("akuttkontakter", 2, kontakt_id=None),
                           [("akuttkontakter", 2, "kontakt_id", "missing required value")]),
    "missing-contact-lopenr": (bad("akuttkontakter", 2, lopenr=None),
                               [("akuttkontakter", 2, "lopenr", "missing required value")]),
    "missing-plan-lopenr": (bad("handlingsplaner", 1, lopenr=None),
                            [("handlingsplaner", 1, "lopenr", "missing required value")]),
}


@pytest.mark.parametrize("fmt", ["csv", "csv-latin1-norwegian"])
@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_bad_row(tmp_path, case, fmt):
    rows, expected = BAD_ROWS[case]
    opts = {"encoding": "latin-1", "norwegian_dates": True, "delimiter": ","} \
        if fmt == "csv-latin1-norwegian" else {}
    if opts and "unparseable-date" == case:
        expected = [("episoder", 2, "inndato", "unparseable date: '30.02.2019'")]
    rejects, counts = load(write_extract(tmp_path, rows, **opts))
    assert rejects == expected
    base = {"episoder": 3, "pasienter": 2, "akuttkontakter": 2, "handlingsplaner": 1}
    for file, n in base.items():
        rejected_rows = {r[1] for r in expected if r[0] == file}
        assert counts[file] == {"read": n, "kept": n - len(rejected_rows),
                                "rejected": len(rejected_rows)}, file


def test_bad_rows_in_parquet(tmp_path):
    rows = bad("episoder", 2, utdato="2019-03-19", sektor="7", institusjonID="OUS")
    rows["akuttkontakter"][1]["kontakt_id"] = "1"
    rejects, counts = load(write_extract(tmp_path, rows, fmt="parquet"))
    assert rejects == [
        ("akuttkontakter", 2, "kontakt_id", "duplicate id: first at row 1"),
        ("episoder", 2, "institusjonID", "unknown code: 'OUS'"),
        ("episoder", 2, "sektor", "unknown code: '7'"),
        ("episoder", 2, "utdato", "discharge before admission"),
    ]
    assert counts["episoder"] == {"read": 3, "kept": 2, "rejected": 1}
    assert counts["akuttkontakter"] == {"read": 2, "kept": 1, "rejected": 1}


def test_parquet_text_columns_are_parsed_like_csv(tmp_path):
    rows = base_rows()
    write_extract(tmp_path, {k: v for k, v in rows.items() if k != "episoder"}, fmt="parquet")
    rows["episoder"][1]["inndato"] = "20.03.2019"
    rows["episoder"][2]["inndato"] = "01.13.2019"
    pq.write_table(pa.table({h: pa.array([r.get(h) for r in rows["episoder"]], pa.string())
                             for h in EPISODE_HEADER}), tmp_path / "episoder.parquet")
    with readmit.open(tmp_path) as ex:
        assert ex.con.execute("SELECT episode_lnr, inndato, sektor FROM episoder ORDER BY 1"
                              ).fetchall() == [(1, D(2019, 3, 1), 1), (2, D(2019, 3, 20), 1)]
        # a Parquet file has no lines: line is NULL
        assert ex.rejects.fetchall() == [("episoder", 3, "inndato",
                                          "unparseable date: '01.13.2019'", None)]


def test_a_row_with_several_problems_counts_once(tmp_path):
    rows = bad("episoder", 1, sektor="9", inndato="2019-13-01", lopenr="p9", episode_lnr="2")
    rejects, counts = load(write_extract(tmp_path, rows))
    assert rejects == [
        ("episoder", 1, "inndato", "unparseable date: '2019-13-01'"),
        ("episoder", 1, "lopenr", "person missing from pasienter"),
        ("episoder", 1, "sektor", "unknown code: '9'"),
        # episode_lnr 2 first appears in row 1 itself, so row 2 is the duplicate
        ("episoder", 2, "episode_lnr", "duplicate id: first at row 1"),
    ]
    assert counts["episoder"] == {"read": 3, "kept": 1, "rejected": 2}


def test_malformed_csv_rows_are_rejects_with_their_row(tmp_path):
    d = write_extract(tmp_path)
    text = (d / "akuttkontakter.csv").read_text().splitlines()
    text.insert(2, "p1;7;AMK;2019-03-20 10:00;akutt;ambulanse;EXTRA")   # data row 2
    text.append("p2;8")                                                  # data row 4
    text.append("p2;9;LV;2019-05-01 10:00;vanlig;raad")                 # data row 5
    (d / "akuttkontakter.csv").write_text("\n".join(text) + "\n")
    rejects, counts = load(d)
    assert rejects == [
        ("akuttkontakter", 2, None, "malformed CSV row: too many fields"),
        ("akuttkontakter", 4, "tjeneste", "malformed CSV row: too few fields"),
    ]
    assert counts["akuttkontakter"] == {"read": 5, "kept": 3, "rejected": 2}
    with readmit.open(d) as ex:
        assert sorted(ex.con.execute("SELECT kontakt_id FROM akuttkontakter").fetchall()) == [
            (1,), (2,), (9,)]


def test_counts_reconcile_on_a_messy_extract(tmp_path):
    rows = base_rows()
    rows["episoder"] += [dict(rows["episoder"][0], episode_lnr=str(n)) for n in range(10, 20)]
    rows["episoder"][5]["sektor"] = "x"
    rows["episoder"][6]["utdato"] = "2018-01-01"
    rows["episoder"][6]["kjonn"] = "7"
    rows["pasienter"].append(dict(rows["pasienter"][0]))
    rejects, counts = load(write_extract(tmp_path, rows))
    assert counts["episoder"] == {"read": 13, "kept": 11, "rejected": 2}
    assert counts["pasienter"] == {"read": 3, "kept": 2, "rejected": 1}
    assert len(rejects) == 4
    for c in counts.values():
        assert c["read"] == c["kept"] + c["rejected"]


# --------------------------------------------------------------------------------- CLI
def test_check_prints_an_aligned_table(tmp_path, capsys):
    d = write_extract(tmp_path, bad("episoder", 2, sektor="4"))
    assert main(["check", str(d)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:5] == [
        "file             read  kept  rejected",
        "episoder            3     2         1",
        "pasienter           2     2         0",
        "akuttkontakter      2     2         0",
        "handlingsplaner     1     1         0",
    ]
    # data row 2 is line 3 of the file (the header is line 1)
    assert "  episoder.csv data row 2, line 3 of the file, sektor: unknown code: '4'" in out


def test_check_json(tmp_path, capsys):
    d = write_extract(tmp_path, bad("akuttkontakter", 1, hastegrad="rød"), encoding="latin-1")
    assert main(["check", str(d), "--json", "--encoding", "latin-1"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "files": {
            "episoder": {"read": 3, "kept": 3, "rejected": 0},
            "pasienter": {"read": 2, "kept": 2, "rejected": 0},
            "akuttkontakter": {"read": 2, "kept": 1, "rejected": 1},
            "handlingsplaner": {"read": 1, "kept": 1, "rejected": 0},
        },
        "absent": [],
        "aliases": {},
        "rejects": [{"file": "akuttkontakter", "row": 1, "line": 2, "column": "hastegrad",
                     "reason": "unknown code: 'rød'"}],
    }


# -------------------------------------------------------------------- structural faults
def snapshot(root: Path) -> set:
    return {(str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*")}


def structural(tmp_path, monkeypatch, capsys, directory: Path) -> str:
    """Run ``readmit check``: exit 2, one line on stderr, nothing on stdout, nothing written."""
    cwd, systmp = tmp_path / "cwd", tmp_path / "systmp"
    cwd.mkdir()
    systmp.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(tempfile, "tempdir", str(systmp))
    before = snapshot(tmp_path)
    code = main(["check", str(directory)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert snapshot(tmp_path) == before
    with pytest.raises(StructuralError):
        readmit.open(directory)
    return lines[0]


@pytest.mark.parametrize("missing", ["episoder", "pasienter"])
def test_missing_file(tmp_path, monkeypatch, capsys, missing):
    d = write_extract(tmp_path / "x")
    (d / f"{missing}.csv").unlink()
    line = structural(tmp_path, monkeypatch, capsys, d)
    assert line.startswith("readmit check: missing file ")
    assert missing in line


REQUIRED = [("episoder", c) for c in ["lopenr", "episode_lnr", "institusjonID", "sektor",
                                      "omsorgsniva", "innmateHast", "inndato", "utdato"]] + [
    ("pasienter", "lopenr"), ("akuttkontakter", "lopenr"), ("akuttkontakter", "kontakt_id"),
    ("handlingsplaner", "lopenr")]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("file,column", REQUIRED)
def test_missing_required_column(tmp_path, monkeypatch, capsys, file, column, fmt):
    rows = base_rows()
    d = write_extract(tmp_path / "x", rows, fmt=fmt)
    header = [h for h in HEADERS[file] if h != column]
    (d / f"{file}.{fmt}").unlink()
    (write_parquet if fmt == "parquet" else write_csv)(d / f"{file}.{fmt}", header, rows[file])
    line = structural(tmp_path, monkeypatch, capsys, d)
    assert line == f"readmit check: {file}.{fmt}: missing required column {column}"


def test_empty_file_zero_bytes(tmp_path, monkeypatch, capsys):
    d = write_extract(tmp_path / "x")
    (d / "pasienter.csv").write_bytes(b"")
    assert structural(tmp_path, monkeypatch, capsys, d) == \
        "readmit check: pasienter.csv: empty file (zero bytes)"


def test_required_file_header_only(tmp_path, monkeypatch, capsys):
    # a required table with no rows is a fault; an optional one is an empty table
    d = write_extract(tmp_path / "x")
    (d / "pasienter.csv").write_text(";".join(PERSON_HEADER) + "\n")
    assert structural(tmp_path, monkeypatch, capsys, d) == \
        "readmit check: pasienter.csv: empty file (no data rows)"


def test_empty_parquet(tmp_path, monkeypatch, capsys):
    d = write_extract(tmp_path / "x", fmt="parquet")
    write_parquet(d / "episoder.parquet", EPISODE_HEADER, [])
    assert structural(tmp_path, monkeypatch, capsys, d) == \
        "readmit check: episoder.parquet: empty file (no data rows)"


def test_not_a_parquet_file(tmp_path, monkeypatch, capsys):
    d = write_extract(tmp_path / "x")
    (d / "episoder.csv").rename(d / "episoder.parquet")   # CSV text under a Parquet name
    line = structural(tmp_path, monkeypatch, capsys, d)
    assert line.startswith("readmit check: episoder.parquet: not a readable Parquet file")


def test_not_a_csv_file(tmp_path, monkeypatch, capsys):
    d = write_extract(tmp_path / "x")
    (d / "pasienter.csv").write_bytes(b"\x01\x02\x00\x00\x15\x04\x00\x00\xffbinary")
    assert structural(tmp_path, monkeypatch, capsys, d) == \
        "readmit check: pasienter.csv: not a CSV file: binary content, not CSV text"


def test_neither_csv_nor_parquet(tmp_path, monkeypatch, capsys):
    d = write_extract(tmp_path / "x")
    (d / "episoder.csv").rename(d / "episoder.xlsx")
    line = structural(tmp_path, monkeypatch, capsys, d)
    assert line == ("readmit check: episoder: episoder.xlsx is neither CSV nor Parquet "
                    "(expected episoder.parquet or episoder.csv)")


def test_missing_folder(tmp_path, monkeypatch, capsys):
    line = structural(tmp_path, monkeypatch, capsys, tmp_path / "nowhere")
    assert "nowhere" in line and "no such extract folder" in line


def test_structural_fault_is_found_before_bad_rows_are_checked(tmp_path, monkeypatch, capsys):
    rows = bad("episoder", 1, sektor="x")
    d = write_extract(tmp_path / "x", rows)
    write_csv(d / "handlingsplaner.csv", ["LOPENR_X", "startdato"], rows["handlingsplaner"])
    assert structural(tmp_path, monkeypatch, capsys, d) == \
        "readmit check: handlingsplaner.csv: missing required column lopenr"


def test_temporary_directory_is_removed_on_close(tmp_path, monkeypatch):
    d = write_extract(tmp_path / "x")
    systmp = tmp_path / "systmp"
    systmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(systmp))
    with readmit.open(d) as ex:
        assert len(os.listdir(systmp)) == 1
        setting = ex.con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
        assert setting.startswith(str(systmp))
    assert os.listdir(systmp) == []
