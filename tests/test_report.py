"""The leaders' report: builds in both languages, opens offline, leaks nothing.

The privacy checks run on two extracts: the small synthetic extract with its
person ids rewritten to strings that cannot occur by chance (``PX0000123Z``),
and a hand-made extract where one year holds exactly 3 readmissions among 40
index stays, so that its row must show ``<5``.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from extract_builder import ep, person, write_extract

import readmit
from readmit.cli import main
from readmit.report import report_html

EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def distinct_ids(small_extract, tmp_path_factory) -> Path:
    """The small extract with every lopenr rewritten to ``PX{n:07d}Z``."""
    out = tmp_path_factory.mktemp("distinct") / "helse-vest"
    out.mkdir()
    for src in Path(small_extract).glob("*.parquet"):
        table = pq.read_table(src)
        if "lopenr" in table.column_names:
            ids = pc.cast(table["lopenr"], pa.string())
            new = pc.binary_join_element_wise("PX", pc.utf8_lpad(ids, 7, "0"), "Z", "")
            table = table.set_column(table.column_names.index("lopenr"), "lopenr", new)
        pq.write_table(table, out / src.name)
    return out


@pytest.fixture(scope="module")
def pages(distinct_ids) -> dict[str, str]:
    with readmit.open(distinct_ids) as ex:
        r = readmit.Readmissions(ex)
        return {lang: report_html(r, lang=lang, highlight="HFO") for lang in ("nb", "en")}


class _Refs(HTMLParser):
    """Every URL an element or a stylesheet of the page points to."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        for name, value in attrs:
            if value and name in {"src", "href", "action", "poster", "data", "srcset",
                                  "background", "xlink:href"}:
                self.urls.append((tag, name, value))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            for url in re.findall(r"url\(([^)]*)\)|@import\s+['\"]([^'\"]+)", data):
                self.urls.append(("style", "url", "".join(url).strip("'\" ")))


def test_both_languages_build_and_differ(pages):
    assert pages["nb"].startswith("<!DOCTYPE html>") and '<html lang="nb">' in pages["nb"]
    assert '<html lang="en">' in pages["en"]
    assert "Nøkkeltall" in pages["nb"] and "Key figures" in pages["en"]
    assert "Key figures" not in pages["nb"]
    # numbers in the language's format: a per cent sign after a space, decimal comma
    assert re.search(r"\d+,\d %", pages["nb"]) and re.search(r"\d+\.\d%", pages["en"])


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_nothing_points_outside_the_file(pages, lang):
    parser = _Refs()
    parser.feed(pages[lang])
    external = [u for u in parser.urls if EXTERNAL.match(u[2])]
    assert not external, external
    assert pages[lang].count("<script") == pages[lang].count("</script>")
    # plotly.js is embedded once (its banner), not linked
    assert len(re.findall(r"plotly\.js v\d", pages[lang])) == 1


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_person_id_anywhere(pages, distinct_ids, lang):
    ids = set(pq.read_table(distinct_ids / "pasienter.parquet")["lopenr"].to_pylist())
    found = set(re.findall(r"PX\d{7}Z", pages[lang]))
    assert not (found & ids), sorted(found & ids)[:5]
    assert not found


def _three_readmissions(tmp: Path) -> Path:
    """2018: 40 somatic index stays of 40 persons at HBE, 3 of them readmitted
    within 30 days (the readmissions discharged in 2018 too); nothing else."""
    episodes, persons = [], []
    n = 0
    for i in range(40):
        pid = f"Q{i:03d}"
        persons.append(person(pid))
        n += 1
        episodes.append(ep(pid, n, f"2018-03-{1 + i % 20:02d} 10:00",
                           f"2018-03-{3 + i % 20:02d} 10:00"))
        if i < 3:   # readmitted 10 days after discharge, acute
            n += 1
            episodes.append(ep(pid, n, f"2018-03-{13 + i:02d} 09:00", f"2018-03-{14 + i:02d} 09:00"))
    # follow-up to the end of 2018
    persons.append(person("Qend"))
    episodes.append(ep("Qend", n + 1, "2018-12-30 10:00", "2018-12-31 10:00", innmateHast=4))
    write_extract(tmp / "three", episodes, persons)
    return tmp / "three"


def test_a_group_of_three_readmissions_shows_small(tmp_path):
    folder = _three_readmissions(tmp_path)
    with readmit.open(folder) as ex:
        r = readmit.Readmissions(ex)
        rates = r.rates(by=["year", "sector"])
        row = rates[(rates.year == 2018) & (rates.sector == "somatic")].iloc[0]
        # by hand: 40 index stays + 3 readmission stays (themselves index stays, not
        # readmitted) + Qend's stay (no follow-up left: not eligible) -> 43 eligible, 3 readmitted
        assert (int(row.n_index), int(row.n_readmitted)) == (43, 3)
        page = report_html(r, lang="en")
    rows = re.findall(r"<tr><td>2018</td><td>Somatic care</td>(.*?)</tr>", page)
    assert rows, "the 2018 somatic row is missing from the trend table"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0])
    assert cells[0] == "43" and cells[1:] == ["&lt;5"] * 4, cells   # readmitted, share, interval
    assert "7.0%" not in page     # 3 / 43 would show as 7.0%


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None,
                    reason="headless Chromium (Debian package 'chromium') is not installed; "
                           ".ci/run installs it with apt-get")
def test_renders_in_headless_chromium(pages, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(pages["nb"], encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom",
             "--virtual-time-budget=20000", page.as_uri()],
            capture_output=True, text=True, timeout=180)
    console = [ln for ln in proc.stderr.splitlines() if ":CONSOLE" in ln]
    assert not console, console
    dom = proc.stdout
    charts = pages["nb"].count('class="plotly-graph-div"')
    drawn = len(re.findall(r'<div class="plot-container plotly">', dom))
    assert drawn == charts, (drawn, charts)


def test_command_line_writes_the_file(small_extract, tmp_path, capsys):
    out = tmp_path / "reports" / "hv.html"
    assert main(["report", str(small_extract), "--out", str(out), "--lang", "en",
                 "--title", "Test report"]) == 0
    text = out.read_text("utf-8")
    assert "<title>Test report</title>" in text
    assert "wrote" in capsys.readouterr().out


def test_bad_highlight_is_one_line_and_exit_2(small_extract, tmp_path, capsys):
    code = main(["report", str(small_extract), "--out", str(tmp_path / "x.html"),
                 "--highlight", "XYZ"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "highlight" in err and "\n" not in err
    assert not (tmp_path / "x.html").exists()
