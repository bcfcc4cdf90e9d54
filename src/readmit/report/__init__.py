"""The leaders' report: one self-contained HTML file that opens offline.

:func:`report_html` builds the page from an extract; :func:`write_report`
writes it. Bokmål by default (``lang="en"`` for English); plotly.js is
embedded once; nothing is fetched over the network; only aggregates, with
counts 1-4 (and what is computed from them) shown as ``<5`` in tables, chart
labels, hover text and the chart data itself.

Examples
--------
>>> import readmit
>>> from readmit.report import report_html
>>> with readmit.open(readmit.datasets.example_extract()) as ex:
...     page = report_html(readmit.Readmissions(ex), lang="en")
>>> page.startswith("<!DOCTYPE html>") and 'src="http' not in page
True
"""
from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from readmit.errors import ParameterError
from readmit.report.context import DRAWS, SEED, ReportContext
from readmit.report.sections import ORDER, Section
from readmit.rule import Readmissions

__all__ = ["report_html", "write_report", "ReportContext"]


def report_html(rule: Readmissions, *, lang: str = "nb", highlight: str | None = None,
                scenarios: Sequence[str] = (), title: str | None = None,
                draws: int = DRAWS, seed: int = SEED,
                sections: Sequence[str] = ORDER) -> str:
    """The report as one HTML page.

    Parameters
    ----------
    rule : readmit.Readmissions
        The rule and extract the report's numbers come from (its ``years``
        set the period).
    lang : {"nb", "en"}, default "nb"
    highlight : str, optional
        A trust (``institusjonID``) marked in every chart.
    scenarios : sequence of str
        Savings scenario files or shipped names to compare (default: the
        shipped ``fewer_readmissions_10``), each with the extract's
        readmission bed days and ready-for-discharge days of the period's
        last year as its baseline.
    title : str, optional
        Default: "Reinnleggelser og utskrivningsklare pasienter" (nb).
    draws, seed : int
        Monte Carlo draws and seed of the savings scenarios (default 2000 and
        2020: modest and fixed, so the same extract gives the same report).
    sections : sequence of str
        Section modules of :mod:`readmit.report.sections`, in order.

    Returns
    -------
    str
    """
    import jinja2
    import plotly.offline

    from readmit import __version__

    if not isinstance(rule, Readmissions):
        raise ParameterError("rule must be a readmit.Readmissions object")
    ctx = ReportContext(rule, lang=lang, highlight=highlight, scenarios=list(scenarios),
                        draws=_whole(draws, "draws"), seed=_whole(seed, "seed", minimum=0))
    _check_highlight(ctx)
    _check_scenarios(ctx)
    built: list[Section] = []
    for name in sections:
        module = importlib.import_module(f"readmit.report.sections.{name}")
        section = module.section(ctx)
        if section is not None:
            built.append(section)
    t = ctx.t
    title = title or t("Reinnleggelser og utskrivningsklare pasienter",
                       "Readmissions and patients ready for discharge")
    today = dt.date.today().isoformat()
    period = ctx.period
    span = f"{period[0]}–{period[1]}" if period else "–"
    subtitle = t(f"Periode {span} · uttrekk «{rule.extract.path.name}» · laget {today}",
                 f"Period {span} · extract “{rule.extract.path.name}” · made {today}")
    footer = t(f"Laget med readmit {__version__} {today}. Bare sammenstilte tall; tall fra 1 "
               "til 4 vises som <5.",
               f"Made with readmit {__version__} on {today}. Aggregates only; counts from 1 "
               "to 4 are shown as <5.")
    env = jinja2.Environment(autoescape=True)
    template = env.from_string(_resource("report.html.j2"))
    return template.render(
        lang=lang, title=title, subtitle=subtitle, sections=built, footer=footer,
        toc_label=t("Innhold", "Contents"), version=__version__, css=_resource("report.css"),
        plotlyjs=plotly.offline.get_plotlyjs())


def write_report(rule: Readmissions, out: str | Path, *, lang: str = "nb",
                 highlight: str | None = None, scenarios: Sequence[str] = (),
                 title: str | None = None, draws: int = DRAWS, seed: int = SEED) -> Path:
    """Write :func:`report_html` to ``out`` (its folder is created); return the path."""
    path = Path(out)
    if path.suffix.lower() not in {".html", ".htm"}:
        raise ParameterError(f"out must name an .html file, not {str(out)!r}")
    page = report_html(rule, lang=lang, highlight=highlight, scenarios=scenarios, title=title,
                       draws=draws, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def _check_highlight(ctx: ReportContext) -> None:
    if ctx.highlight is None:
        return
    known = [row[0] for row in ctx.extract.con.sql(
        'SELECT DISTINCT "institusjonID" FROM episoder ORDER BY 1').fetchall()]
    if ctx.highlight not in known:
        raise ParameterError(f"highlight must be a trust of the extract ({', '.join(known)}), "
                             f"not {ctx.highlight!r}")


def _check_scenarios(ctx: ReportContext) -> None:
    """Load every scenario before any work, so a bad file fails at once."""
    from readmit.savings.scenarios import load_scenario

    for name in ctx.scenario_names:
        load_scenario(name)


def _whole(value, name: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ParameterError(f"{name} must be a whole number >= {minimum}, not {value!r}")
    return value


def _resource(name: str) -> str:
    return resources.files("readmit.report").joinpath("templates", name).read_text("utf-8")
