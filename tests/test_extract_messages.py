"""What the loader says (issue 13: 11, 13, 16) and integer ids (issue 14, item 3).

- a reject says which data row it is and, in a CSV file, which line;
- a file that is not CSV (UTF-16, JSON, a workbook, Parquet under a .csv name,
  tab-separated text) or not Parquet is named for what it is;
- ``Extract`` shows the folder, the period and rows read/kept/rejected per
  file as text and as HTML;
- a Parquet extract with integer ids (as the generator and NPR write them) is
  checked on the integers: the same rejects as text ids.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import readmit
from readmit.cli import main
from readmit.errors import StructuralError

sys.path.insert(0, str(Path(__file__).parent))
from test_loader import (CONTACT_HEADER, EPISODE_HEADER, HEADERS, base_rows,  # noqa: E402
                         write_csv, write_extract)

D = dt.date


# ----------------------------------------------------------------- 13.11 rows and lines
def test_a_reject_says_its_data_row_and_line(tmp_path, capsys):
    rows = base_rows()
    rows["episoder"][2]["sektor"] = "4"            # data row 3: line 4 (header = line 1)
    d = write_extract(tmp_path / "x", rows)
    with open(d / "episoder.csv", "a") as fh:     # trailing blank lines change nothing
        fh.write("\n\n")
    assert main(["check", str(d)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  episoder.csv data row 3, line 4 of the file, sektor: unknown code: '4'" in out
    assert out[-1] == ("(a data row counts the rows after the header from 1; a line of the "
                       "file counts the header as line 1)")


def test_no_line_when_a_quoted_field_spans_lines(tmp_path, capsys):
    rows = base_rows()
    rows["akuttkontakter"][0]["utfall"] = None
    rows["akuttkontakter"][1]["hastegrad"] = "rød"   # data row 2
    d = write_extract(tmp_path / "x", rows)
    text = (d / "akuttkontakter.csv").read_text().splitlines()
    # data row 1 gets a quoted field with a line break: rows no longer equal lines
    text[1] = text[1] + '"two\nlines"'
    (d / "akuttkontakter.csv").write_text("\n".join(text) + "\n")
    assert main(["check", str(d), "--json"]) == 0
    rejects = json.loads(capsys.readouterr().out)["rejects"]
    assert rejects == [{"file": "akuttkontakter", "row": 1, "line": None, "column": "utfall",
                        "reason": "unknown code: 'two\nlines'"},
                       {"file": "akuttkontakter", "row": 2, "line": None,
                        "column": "hastegrad", "reason": "unknown code: 'rød'"}]
    assert main(["check", str(d)]) == 0
    out = capsys.readouterr().out
    assert "  akuttkontakter.csv data row 2, hastegrad: unknown code: 'rød'" in out


def test_malformed_rows_have_their_line(tmp_path):
    d = write_extract(tmp_path / "x")
    text = (d / "akuttkontakter.csv").read_text().splitlines()
    text.insert(2, "p1;7;AMK;2019-03-20 10:00;akutt;ambulanse;EXTRA")   # data row 2, line 3
    (d / "akuttkontakter.csv").write_text("\n".join(text) + "\n")
    with readmit.open(d) as ex:
        assert ex.rejects_frame().values.tolist() == [
            ["akuttkontakter", 2, None, "malformed CSV row: too many fields", 3]]


# ----------------------------------------------------------------- 13.13 what a file is
def not_csv(tmp_path: Path, content: bytes, name: str = "pasienter.csv") -> str:
    d = write_extract(tmp_path / "x")
    (d / "pasienter.csv").unlink()
    (d / name).write_bytes(content)
    with pytest.raises(StructuralError) as err:
        readmit.open(d)
    return str(err.value)


@pytest.mark.parametrize("content,said", [
    ("lopenr;fodselsar\np1;1950\n".encode("utf-16"),
     "pasienter.csv: not a CSV file: UTF-16 text; save it as UTF-8 or Latin-1"),
    ("lopenr;fodselsar\np1;1950\n".encode("utf-16-le"),
     "pasienter.csv: not a CSV file: UTF-16 text (little-endian); save it as UTF-8 or Latin-1"),
    (b'[{"lopenr": "p1", "fodselsar": 1950}]\n',
     "pasienter.csv: not a CSV file: JSON, not CSV; export the table as CSV"),
    (b'  {"lopenr": "p1"}\n',
     "pasienter.csv: not a CSV file: JSON, not CSV; export the table as CSV"),
    (b"PK\x03\x04\x14\x00\x06\x00workbook",
     "pasienter.csv: not a CSV file: a ZIP archive or an Excel workbook (.xlsx); export the "
     "sheet as CSV"),
    (b"PAR1\x15\x04\x15", "pasienter.csv: not a CSV file: a Parquet file; name it .parquet"),
    (b"lopenr\tfodselsar\tkjonn\np1\t1950\t2\n",
     "pasienter.csv: columns separated by tabs; readmit reads CSV separated by ; or ,"),
])
def test_a_file_that_is_not_csv_is_named(tmp_path, content, said):
    assert not_csv(tmp_path, content) == said


def test_csv_text_under_a_parquet_name(tmp_path):
    said = not_csv(tmp_path, b"lopenr;fodselsar\np1;1950\n", name="pasienter.parquet")
    assert said == ("pasienter.parquet: not a readable Parquet file: it holds text (CSV?); "
                    "name a CSV file .csv")


# ----------------------------------------------------------------- 13.16 the summary
def test_text_and_html_summary(tmp_path):
    rows = base_rows()
    rows["episoder"][1]["sektor"] = "4"
    del rows["handlingsplaner"]
    d = write_extract(tmp_path / "x & y", rows)
    with readmit.open(d) as ex:
        text = repr(ex).splitlines()
        html = ex._repr_html_()
    # kept episodes: 03-01..03-05 and 05-01..05-03 (episode 2 rejected)
    assert text == [
        f"Extract {d.resolve()}",
        "period: 2019-03-01 to 2019-05-03 (first admission to last discharge)",
        "file                       read  kept  rejected",
        "episoder.csv                  3     2         1",
        "pasienter.csv                 2     2         0",
        "akuttkontakter.csv            2     2         0",
        "handlingsplaner (no file)",
    ]
    assert "x &amp; y" in html and "x & y" not in html
    assert "<td>episoder.csv</td><td>3</td><td>2</td><td style='color:#D55E00'>1</td>" in html
    assert "<td>handlingsplaner</td><td colspan='3'><i>no file</i></td>" in html
    assert "period: 2019-03-01 to 2019-05-03" in html


# ----------------------------------------------------------------- integer ids
def write_int_parquet(d: Path, rows: dict) -> None:
    """The base extract as Parquet with integer lopenr, as the generator writes it."""
    d.mkdir(parents=True)
    ids = {"p1": 1, "p2": 2, "p9": 9}
    types = {"lopenr": pa.int64(), "episode_lnr": pa.int64(), "kontakt_id": pa.int64(),
             "sektor": pa.int8(), "omsorgsniva": pa.int8(), "innmateHast": pa.int8(),
             "uttilstand": pa.int8(), "kjonn": pa.int8(), "fodselsar": pa.int16(),
             "korrvekt": pa.float64(), "inndato": pa.date32(), "utdato": pa.date32(),
             "doddato": pa.date32(), "inntid": pa.time64("us"), "uttid": pa.time64("us"),
             "tidspunkt": pa.timestamp("us")}

    def value(name, text):
        if text is None:
            return None
        if name == "lopenr":
            return ids[text]
        t = types.get(name, pa.string())
        if t == pa.date32():
            return D.fromisoformat(text)
        if t == pa.time64("us"):
            return dt.time.fromisoformat(text)
        if t == pa.timestamp("us"):
            return dt.datetime.fromisoformat(text)
        if pa.types.is_integer(t):
            return int(text)
        if t == pa.float64():
            return float(text)
        return text

    for table in ("episoder", "pasienter", "akuttkontakter"):
        header = HEADERS[table]
        pq.write_table(pa.table({h: pa.array([value(h, r.get(h)) for r in rows[table]],
                                             types.get(h, pa.string())) for h in header}),
                       d / f"{table}.parquet")


def test_integer_ids_are_checked_like_text_ids(tmp_path):
    rows = base_rows()
    rows["episoder"][1]["lopenr"] = "p9"                         # no such person
    rows["episoder"].append(dict(rows["episoder"][2], episode_lnr="1"))    # duplicate id
    rows["pasienter"].append(dict(rows["pasienter"][1], fodselsar="1941"))  # p2 twice
    rows["episoder"][2]["inndato"] = "2019-06-02"                # after p2's death 06-01
    rows["episoder"][2]["utdato"] = "2019-06-03"
    rows["akuttkontakter"][0]["kontakt_id"] = "2"                # duplicate contact id
    expected = [
        ("episoder", 2, "lopenr", "person missing from pasienter"),
        ("episoder", 3, "inndato", "death before admission"),
        ("episoder", 4, "episode_lnr", "duplicate id: first at row 1"),
        ("pasienter", 3, "lopenr", "duplicate id: first at row 2"),
        ("akuttkontakter", 2, "kontakt_id", "duplicate id: first at row 1"),
    ]
    write_int_parquet(tmp_path / "int", rows)
    text = write_extract(tmp_path / "text", {k: v for k, v in rows.items()
                                             if k != "handlingsplaner"})
    for d in (tmp_path / "int", text):
        with readmit.open(d) as ex:
            got = [tuple(r[:4]) for r in ex.rejects_frame().values.tolist()]
            assert sorted(got) == sorted(expected), d.name
            assert ex.counts["episoder"] == {"read": 4, "kept": 1, "rejected": 3}
    with readmit.open(tmp_path / "int") as ex:
        assert ex.con.execute("SELECT lopenr FROM pasienter").fetchall() == [("1",), ("2",)]


def test_text_ids_against_integer_persons(tmp_path):
    """Persons with integer ids, episodes with text ids: "007" is not person 7."""
    rows = base_rows()
    write_int_parquet(tmp_path / "x", rows)
    (tmp_path / "x" / "episoder.parquet").unlink()
    rows["episoder"][0]["lopenr"] = "1"
    rows["episoder"][1]["lopenr"] = "01"
    rows["episoder"][2]["lopenr"] = "2"
    write_csv(tmp_path / "x" / "episoder.csv", EPISODE_HEADER, rows["episoder"])
    with readmit.open(tmp_path / "x") as ex:
        assert [tuple(r[:4]) for r in ex.rejects_frame().values.tolist()] == [
            ("episoder", 2, "lopenr", "person missing from pasienter")]
    assert CONTACT_HEADER[0] == "lopenr"
