"""The Helse Vest figures of domain.md beside what an extract gives.

Every achieved value is computed through readmit's own definitions (the SQL
marts over the loader's tables). Counts are compared with the target times
the extract's scale (persons in the extract relative to Helse Vest), shares
of readmission within 0.3 percentage points, counts within 5 %, shares of
resource use within 3 points, and trends must run in the stated direction
in every trust.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from readmit.cli.common import output_path
from readmit.figures import trust_name
from readmit.privacy import SMALL, is_small
from readmit.rule import Readmissions, rates_table

HELSE_VEST_PERSONS_2019 = 167_563


@dataclass
class Check:
    """One row of the calibration table."""

    figure: str
    target: str
    achieved: str
    ok: bool
    target_value: float | None = None
    value: float | None = None
    #: the achieved value is a count (of persons): 1-4 is shown as <5 outside the session
    count: bool = False

    def __post_init__(self) -> None:   # plain Python types, so the table is JSON
        self.ok = bool(self.ok)
        self.target_value = None if self.target_value is None else float(self.target_value)
        self.value = None if self.value is None else float(self.value)

    def displayed(self) -> "Check":
        """This check as it may be read outside the analyst's session: an
        achieved count from 1 to 4 shown as ``<5`` (definitions.md, Small numbers)."""
        if self.count and self.value is not None and bool(is_small([self.value]).iloc[0]):
            return Check(self.figure, self.target, SMALL, self.ok, self.target_value, None, True)
        return self


def _share(target: float, value: float, tol_points: float, name: str) -> Check:
    return Check(name, f"{target:.2f} %", f"{value:.2f} %", abs(value - target) <= tol_points,
                 target, value)


def _count(target: float, value: float, name: str, tol: float = 0.05) -> Check:
    return Check(name, f"{target:,.0f} (±{tol:.0%})", f"{value:,.0f}",
                 abs(value - target) <= tol * target, target, float(value), count=True)


def _rising(series: pd.Series) -> bool:
    values = series.sort_index().to_numpy()
    return bool(len(values) > 1 and (values[1:] > values[:-1]).all())


def _falling(series: pd.Series) -> bool:
    values = series.sort_index().to_numpy()
    return bool(len(values) > 1 and (values[1:] < values[:-1]).all())


def _trend(name: str, frame: pd.DataFrame, column: str, rising: bool) -> Check:
    """A trend over years, overall and in every trust."""
    test = _rising if rising else _falling
    bad = [t for t, g in frame.groupby("institusjonID") if not test(g.set_index("year")[column])]
    word = "rising" if rising else "falling"
    return Check(name, f"{word} year on year in every trust",
                 "yes" if not bad else f"not in {', '.join(trust_name(t) for t in bad)}", not bad)


def calibration_checks(extract, scale: float | None = None) -> list[Check]:
    """Compare an extract with domain.md's Helse Vest targets.

    Parameters
    ----------
    extract : readmit.Extract
    scale : float, optional
        The extract's size relative to Helse Vest (counts are compared with
        target * scale); default: the scale recorded by ``readmit generate``
        in the extract's ``synthetic.json``, else 1.0.

    Returns
    -------
    list of Check
    """
    r = Readmissions(extract)
    rates = rates_table(r, ["sector", "year"], drop_empty=True)
    rates_trust = rates_table(r, ["sector", "year", "institusjonID"], drop_empty=True)
    som = rates[rates.sector == "somatic"].set_index("year")
    checks: list[Check] = []

    persons = r.sql("SELECT year, n_persons FROM mart_persons_discharged").df().set_index("year")
    last_year = 2019 if 2019 in persons.index else int(persons.index.max())
    if scale is None:
        scale = recorded_scale(extract.path)

    for year, target in ((2014, 10.70), (2018, 11.92)):
        if year in som.index:
            checks.append(_share(target, 100 * som.loc[year, "rate"], 0.3,
                                 f"somatic 30-day readmission share {year}"))
    years = [y for y in som.index if 2014 <= y <= 2018]
    som_trust = rates_trust[(rates_trust.sector == "somatic") & rates_trust.year.isin(years)]
    overall = som.loc[years, "rate"]
    trend = _trend("somatic readmission share 2014-2018", som_trust, "rate", rising=True)
    if not _rising(overall):
        trend.ok, trend.achieved = False, "not overall"
    checks.append(trend)

    vop = rates[(rates.sector == "vop") & (rates.year == 2018)]
    if len(vop):
        checks.append(_share(13.7, 100 * float(vop.rate.iloc[0]), 0.3, "VOP 30-day readmission share 2018"))

    summary = r.sql("SELECT * FROM mart_stay_summary WHERE sector = 'somatic'").df()
    summary = summary[summary.year <= last_year]
    checks.append(_trend("mean length of stay (somatic) 2014-2019", summary, "mean_los_days", rising=False))
    checks.append(_trend("stays with a ready-for-discharge date", summary, "n_ready_stays", rising=True))
    checks.append(_trend("ready-for-discharge days", summary, "ukp_days", rising=True))

    checks.append(_count(HELSE_VEST_PERSONS_2019 * scale, persons.loc[last_year, "n_persons"],
                         f"persons discharged from inpatient stays {last_year}"))

    june = r.sql(
        """SELECT "institusjonID", count(DISTINCT lopenr) AS n FROM mart_ready_readmitted
           WHERE year = 2019 AND month = 6 AND sector = 'somatic' GROUP BY ALL"""
    ).df().set_index("institusjonID")["n"]
    for trust, target in (("HFO", 110), ("HST", 160)):
        checks.append(_count(target * scale, float(june.get(trust, 0)),
                             f"readmitted ready-for-discharge patients, June 2019, "
                             f"{trust_name(trust)}"))

    conc = r.sql("SELECT * FROM mart_resource_concentration "
                 "WHERE year = $year AND measure = 'bed_days'",
                 params={"year": int(last_year)}).df().set_index("sector")
    for col, target, label in (("top1_share", 22, "1 %"), ("top5_share", 50, "5 %"),
                               ("top10_share", 66, "10 %")):
        checks.append(_share(target, 100 * conc.loc["somatic", col], 3.0,
                             f"somatic bed days used by the top {label} of persons {last_year}"))
    checks.append(_share(75, 100 * conc.loc["vop", "top10_share"], 3.0,
                         f"VOP bed days used by the top 10 % of VOP patients {last_year}"))

    dead = r.sql(
        """WITH first AS (
               SELECT lopenr, arg_min(died_within, discharge_date) AS died
               FROM mart_ready_readmitted
               WHERE has_mortality_follow_up = 1 AND sector = 'somatic' GROUP BY lopenr)
           SELECT avg(died) FROM first"""
    ).fetchall()[0][0]
    checks.append(_share(60, 100 * (dead or 0), 3.0,
                         "readmitted ready-for-discharge patients dead 7 months after discharge"))

    ready = rates_table(r, ["sector", "ready_for_discharge"], drop_empty=True)
    ready = ready[(ready.sector == "somatic") & (ready.ready_for_discharge)]
    checks.append(_share(20.0, 100 * float(ready.rate.iloc[0]), 0.3,
                         "30-day readmission among ready-for-discharge stays (all years)"))

    psych = r.sql(
        """SELECT sector, los_days < 7 AS short,
                  avg(readmitted) FILTER (WHERE eligible = 1) AS rate,
                  median(days_to_readmission) FILTER (WHERE eligible = 1) AS median_days
           FROM mart_index_stays WHERE sector IN ('vop', 'tsb') GROUP BY ALL"""
    ).df()
    for sector in ("vop", "tsb"):
        p = psych[psych.sector == sector].set_index("short")
        if {True, False} <= set(p.index):
            more = p.loc[True, "rate"] > p.loc[False, "rate"]
            earlier = p.loc[True, "median_days"] < p.loc[False, "median_days"]
            checks.append(Check(
                f"{sector.upper()}: stays under 7 days followed by more and earlier readmissions",
                "more and earlier",
                f"{100 * p.loc[True, 'rate']:.1f} % vs {100 * p.loc[False, 'rate']:.1f} %, "
                f"median {p.loc[True, 'median_days']:.0f} vs {p.loc[False, 'median_days']:.0f} days",
                bool(more and earlier)))

    figure = f"shared frequent users of AMK and legevakt {last_year} (>= 10 each)"
    if r.extract.has("akuttkontakter"):
        shared = r.sql(
            "SELECT count(*) FROM mart_frequent_callers WHERE year = $year AND frequent_both = 1",
            params={"year": int(last_year)}).fetchall()[0][0]
        checks.append(_count(160 * scale, shared, figure))
    else:
        checks.append(Check(figure, f"{160 * scale:,.0f}", "– (the extract has no akuttkontakter)",
                            False, 160 * scale, None))

    pop = r.sql("SELECT count(*), sum(population) FROM ref_kommuner").fetchall()[0]
    in_extract = r.sql("SELECT count(DISTINCT komnr) FROM pasienter").fetchall()[0][0]
    checks.append(Check("population of Helse Vest (reference data)", "about 1.12 million in 66 municipalities",
                        f"{pop[1]:,} in {pop[0]} ({in_extract} in the extract)",
                        abs(pop[1] - 1.12e6) <= 0.05 * 1.12e6 and pop[0] == 66 and in_extract == 66))
    return checks


def recorded_scale(extract_dir) -> float:
    """The scale ``readmit generate`` wrote into ``synthetic.json`` (1.0 if none)."""
    manifest = Path(extract_dir) / "synthetic.json"
    if manifest.exists():
        return float(json.loads(manifest.read_text("utf-8"))["scale"])
    return 1.0


def calibration_markdown(checks: list[Check], extract_dir: str) -> str:
    """The calibration table as Markdown."""
    lines = [
        "# Calibration of the synthetic extract",
        "",
        f"Extract: `{extract_dir}`. Regenerate with `make calibration`.",
        "Every achieved figure is computed by readmit's own SQL (definitions.md);",
        "counts are targets times the extract's scale.",
        "",
        "| figure | target | achieved | ok |",
        "|---|---|---|---|",
    ]
    for c in checks:
        lines.append(f"| {c.figure} | {c.target} | {c.achieved} | {'yes' if c.ok else '**no**'} |")
    lines.append("")
    return "\n".join(lines)


def calibration_command(args: argparse.Namespace) -> int:
    """``readmit calibration``: print (and optionally write) the table; exit 1
    when a target is missed. Achieved counts from 1 to 4 are shown as ``<5``
    unless ``--no-suppress``."""
    from readmit.cli.common import open_extract

    if args.markdown:
        output_path(args.markdown)   # an unusable path fails before any work
    with open_extract(args) as ex:
        checks = calibration_checks(ex)
    if getattr(args, "no_suppress", False):
        print("not suppressed (--no-suppress): counts 1-4 are shown; keep this table inside "
              "the secure server", file=sys.stderr)
    else:
        checks = [c.displayed() for c in checks]
    if args.json:
        print(json.dumps([asdict(c) for c in checks], indent=2))
    else:
        width = max(len(c.figure) for c in checks)
        for c in checks:
            mark = "ok " if c.ok else "OFF"
            print(f"{mark} {c.figure:<{width}}  target {c.target:<38} achieved {c.achieved}")
        print(f"{sum(c.ok for c in checks)} of {len(checks)} targets met")
    if args.markdown:
        path = output_path(args.markdown)
        path.write_text(calibration_markdown(checks, args.extract_dir), "utf-8")
        print(f"wrote {path}")
    missed = sum(not c.ok for c in checks)
    if missed:
        print(f"readmit calibration: {missed} of {len(checks)} targets missed", file=sys.stderr)
        return 1
    return 0
