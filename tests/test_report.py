"""The leaders' report: builds in both languages, opens offline, leaks nothing.

The privacy checks run on two extracts: the small synthetic extract with its
person ids rewritten to strings that cannot occur by chance (``PX0000123Z``),
and a hand-made extract where one year holds exactly 3 readmissions among 43
index stays, so that its rows must show ``<5`` and no chart may hold the 3
(plotly embeds every value it draws: :func:`plotly_figures` reads them back
from the page, typed arrays decoded).
"""
from __future__ import annotations

import base64
import json
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
SECTIONS = ["keyfigures", "trend", "length-of-stay", "time-to-readmission", "survival",
            "fair-comparison", "frequent", "savings", "quality", "definitions", "about"]


def plotly_figures(page: str) -> list[dict]:
    """Every chart of the page as plotly's JSON (``data``, ``layout``), its typed
    arrays (``{"dtype": ..., "bdata": ...}``) decoded to lists."""
    decoder = json.JSONDecoder()
    figures = []
    for match in re.finditer(r'Plotly\.newPlot\(\s*"[^"]*",\s*', page):
        data, end = decoder.raw_decode(page, match.end())
        rest = re.match(r"\s*,\s*", page[end:])
        layout, _ = decoder.raw_decode(page, end + rest.end())
        figures.append({"data": _decoded(data), "layout": _decoded(layout)})
    return figures


def _decoded(value):
    import numpy as np

    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def _flat(value):
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _flat(v)
    else:
        yield value


#: Trace keys that hold what a chart says about its groups (not their positions on
#: the x axis, which are years, days or bands).
DRAWN = ("y", "customdata", "text", "hovertext", "q1", "median", "q3", "lowerfence",
         "upperfence", "mean")


def drawn_values(trace: dict):
    """Every value a trace draws or shows on hover, but its x positions."""
    for key in DRAWN:
        yield from _flat(trace.get(key))
    for bar in ("error_y", "error_x"):
        for key in ("array", "arrayminus"):
            yield from _flat((trace.get(bar) or {}).get(key))


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


@pytest.fixture(scope="module")
def three_page(tmp_path_factory) -> str:
    """The English report of the extract whose one group holds 3 readmissions."""
    folder = _three_readmissions(tmp_path_factory.mktemp("three"))
    with readmit.open(folder) as ex:
        r = readmit.Readmissions(ex)
        rates = r.rates(by=["year", "sector"])
        row = rates[(rates.year == 2018) & (rates.sector == "somatic")].iloc[0]
        # by hand: 40 index stays + 3 readmission stays (themselves index stays, not
        # readmitted) + Qend's stay (no follow-up left: not eligible) -> 43 eligible, 3 readmitted
        assert (int(row.n_index), int(row.n_readmitted)) == (43, 3)
        return report_html(r, lang="en")


def _rows(page: str, first_cells: str) -> list[list[str]]:
    rows = re.findall(rf"<tr>{first_cells}(.*?)</tr>", page)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]


def _row(page: str, first_cells: str) -> list[str]:
    rows = _rows(page, first_cells)
    assert len(rows) == 1, f"one row starting {first_cells!r}: {rows}"
    return rows[0]


def test_a_group_of_three_readmissions_shows_small_in_every_table(three_page):
    small = "&lt;5"
    # the trend table: index stays, then readmitted, share and its interval hidden
    cells = _row(three_page, r"<td>2018</td><td>Somatic care</td>")
    assert cells[0] == "43" and cells[1:4] == [small] * 3, cells
    # the trusts' tables: length of stay (the trust's readmissions, share and interval) and
    # the fair comparison (readmissions, what is expected of them, O/E, its interval, the
    # standardised share and whether outside the limits: with one unit, E = O = 3)
    los, fair = _rows(three_page, r"<td>Helse Bergen</td>")
    assert los[0] == "43" and los[2:] == [small] * 3, los
    assert fair[0] == "43" and fair[1:] == [small] * 6, fair
    # what readmissions cost: the 3 readmission stays and every sum over them
    cells = _row(three_page, r'<td>2018</td>(?=<td class="num">)')
    assert cells == [small] * 4, cells
    # the key figures: the share and the saving of 10% fewer
    values = re.findall(r'<span class="kf-number">(.*?)</span>', three_page)
    assert values[0] == small and values[-1] == small, values
    assert "The scenarios are not shown" in three_page
    assert "7.0%" not in three_page and "6.98" not in three_page    # 3 / 43


def _is_three(value) -> bool:
    """The count 3, or the share 3 / 43 as a fraction, per cent or text."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return any(abs(float(value) - v) < 5e-4 for v in (3, 3 / 43, 100 * 3 / 43))
    text = str(value).split("<br>", 1)[-1]        # the first line names the group and day
    return bool(re.search(r"(?<![\d.,])3(?![\d.,])|7[.,]0 ?%", text))


def test_a_group_of_three_readmissions_is_nowhere_in_the_charts(three_page):
    figures = plotly_figures(three_page)
    assert len(figures) == three_page.count('class="plotly-graph-div"') >= 8
    names = set()
    for fig in figures:
        for trace in fig["data"]:
            names.add(trace.get("name"))
            found = [v for v in drawn_values(trace) if _is_three(v)]
            assert not found, (fig["layout"]["title"]["text"], trace.get("name"), found[:5])
    # the group's own traces are there (drawn with gaps), so the check looked at them
    assert {"Somatic care", "Helse Bergen"} <= names, names


def test_sections_in_order_each_opening_with_plain_sentences(pages):
    for lang, page in pages.items():
        keys = re.findall(r'<section id="([^"]+)">', page)
        assert keys == SECTIONS, keys
        for key, intro in re.findall(
                r'<section id="([^"]+)">\s*<h2>[^<]*</h2>\s*<div class="intro">(.*?)</div>',
                page, re.S):
            text = re.sub(r"<[^>]+>", "", intro).strip()
            assert len(text) > 40 and text.endswith("."), (lang, key, text)


def test_highlight_marks_the_trust_in_every_chart_of_trusts(pages):
    from readmit.figures import HIGHLIGHT

    figures = plotly_figures(pages["en"])
    marked = [f for f in figures
              if any(t.get("name") == "Helse Fonna"
                     and HIGHLIGHT in json.dumps([t.get("line"), t.get("marker")])
                     for t in f["data"])]
    with_trusts = [f for f in figures if any(t.get("name") == "Helse Bergen" for t in f["data"])]
    assert len(with_trusts) >= 3 and len(marked) == len(with_trusts)


def test_every_parameter_and_the_versions_are_printed(pages):
    page = pages["en"]
    for name in ("window_days", "transfer_hours", "min_age", "sector", "keep_deaths",
                 "end_date", "years", "window", "link", "exclude_planned_conditions",
                 "elderly_group", "lang", "highlight", "scenarios", "draws", "seed"):
        assert f"<td>{name}</td>" in page, name
    assert f"<td>readmit</td><td>{readmit.__version__}</td>" in page
    assert re.search(r"<td>episoder\.parquet</td><td>parquet</td>", page)
    assert "Bed-day cost (NOK)" in page            # the savings scenario's values


def test_a_chosen_scenario_is_run_and_named_in_bokmal(small_extract):
    with readmit.open(small_extract) as ex:
        page = report_html(readmit.Readmissions(ex), scenarios=["psht_team"],
                           sections=("savings",), draws=200)
    assert "Pasientsentrert helseteam (PSHT)" in page
    assert "10 % færre reinnleggelser" not in page     # only the scenarios asked for


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None,
                    reason="headless Chromium (Debian package 'chromium') is not installed; "
                           ".ci/run installs it with apt-get")
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_renders_in_headless_chromium(pages, tmp_path, lang):
    page = tmp_path / "report.html"
    page.write_text(pages[lang], encoding="utf-8")
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
    assert dom, proc.stderr[-2000:]
    charts = pages[lang].count('class="plotly-graph-div"')
    drawn = len(re.findall(r'<div class="plot-container plotly"[ >]', dom))
    assert drawn == charts >= 10, (drawn, charts)


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


def test_bad_scenario_is_one_line_and_exit_2(small_extract, tmp_path, capsys):
    code = main(["report", str(small_extract), "--out", str(tmp_path / "x.html"),
                 "--scenario", "no_such_scenario"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "no_such_scenario" in err and "\n" not in err
    assert not (tmp_path / "x.html").exists()
