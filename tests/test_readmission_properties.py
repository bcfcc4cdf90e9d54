"""Property tests: the DuckDB readmission rule against the pure-Python reference.

Hypothesis generates small extracts (a few persons, a few episodes each),
clustered in time around the rule's boundaries (overlaps, gaps of about
``transfer_hours``, readmissions at about ``window_days``, deaths just inside and
outside the window, missing clock times), with mixed sectors, urgencies and
care levels. For each, ``readmit.readmissions.index_stays`` must equal
``tests/reference_readmissions.index_stays`` on every row and column, satisfy
invariants stated directly on the raw episodes, and ``readmission_rates`` must
equal a count by hand with a Wilson interval from statsmodels.

Examples are derandomized (the same on every run, CI included); set
``READMIT_PROPERTY_EXAMPLES`` for more and ``READMIT_PROPERTY_RANDOM=1`` for a
fresh random search, ``READMIT_PROPERTY_SHRINK=1`` to shrink a failure to a
minimal example (slow: each step re-runs DuckDB).
"""
from __future__ import annotations

import datetime as dt
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from extract_builder import ep, person, write_extract  # noqa: E402
import reference_readmissions as ref  # noqa: E402

readmit = pytest.importorskip("readmit")
readmissions = pytest.importorskip("readmit.readmissions")

EXAMPLES = int(os.environ.get("READMIT_PROPERTY_EXAMPLES", "80"))
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("READMIT_PROPERTY_RANDOM", "") != "1",
    database=None,
    print_blob=True,
    report_multiple_bugs=False,
    # shrinking re-runs DuckDB hundreds of times; off unless asked for (a failure
    # still prints its whole example and the differing rows)
    phases=[Phase.explicit, Phase.reuse, Phase.generate]
    + ([Phase.shrink] if os.environ.get("READMIT_PROPERTY_SHRINK") == "1" else []),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TRUSTS = ["HBE", "HST", "HFO", "HFD", "HDS"]
MINUTE = dt.timedelta(minutes=1)


# --------------------------------------------------------------------------- strategies
@st.composite
def rule_params(draw) -> dict[str, Any]:
    return {
        "window_days": draw(st.sampled_from([30, 30, 30, 7, 2])),
        "transfer_hours": draw(st.sampled_from([8.0, 8.0, 8.0, 0.0, 24.0, 2.5])),
        "min_age": draw(st.sampled_from([None, None, 67])),
        "sector": draw(st.sampled_from([None, None, "somatic", "vop", "tsb", "all"])),
        "keep_deaths": draw(st.booleans()),
        "end_date": draw(st.sampled_from([None, None, "2019-03-15", "2019-04-20", "2019-07-01"])),
    }


def _gap(draw, params: dict[str, Any], run_end: dt.datetime, prev_adm: dt.datetime,
         prev_dis: dt.datetime) -> dt.datetime:
    """The next admission, placed near one of the rule's boundaries."""
    transfer = dt.timedelta(hours=params["transfer_hours"])
    window = dt.timedelta(days=params["window_days"])
    kind = draw(st.sampled_from(["overlap", "transfer", "transfer", "window", "window",
                                 "hours", "days", "days", "same"]))
    jitter = draw(st.sampled_from([-1, 0, 0, 1])) * MINUTE
    if kind == "overlap":
        span = max(int((prev_dis - prev_adm) / MINUTE), 0)
        return prev_adm + draw(st.integers(0, span)) * MINUTE
    if kind == "same":
        return run_end
    if kind == "transfer":
        return max(run_end + transfer + jitter, prev_adm)
    if kind == "window":
        # about window_days after the run's discharge, or after a gap that ends a stay
        extra = draw(st.sampled_from([dt.timedelta(0), dt.timedelta(0), transfer]))
        return run_end + window + jitter + extra
    if kind == "hours":
        return run_end + draw(st.integers(0, 48 * 60)) * MINUTE
    return run_end + dt.timedelta(days=draw(st.integers(1, 40)), minutes=draw(st.integers(0, 1439)))


@st.composite
def extracts(draw, params: dict[str, Any]):
    n_persons = draw(st.integers(1, 4))
    episodes: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    eid = 1
    for i in range(n_persons):
        pid = draw(st.sampled_from([f"p{i}", f"{i + 1}", f"{10 + i}", f"x{i}"]))
        if any(p["lopenr"] == pid for p in persons):
            pid = f"q{i}"
        start = dt.datetime(2019, 2, 1) + dt.timedelta(days=draw(st.integers(0, 60)),
                                                       minutes=draw(st.integers(0, 1439)))
        n_eps = draw(st.integers(1, 6))
        age = draw(st.integers(64, 70))
        run_end = prev_adm = prev_dis = None
        dates: list[dt.date] = []
        for k in range(n_eps):
            adm = start if k == 0 else _gap(draw, params, run_end, prev_adm, prev_dis)
            duration = draw(st.sampled_from([
                dt.timedelta(0), dt.timedelta(hours=draw(st.integers(1, 20))),
                dt.timedelta(days=draw(st.integers(1, 6)), minutes=draw(st.integers(0, 1439))),
                dt.timedelta(days=draw(st.integers(1, 6)), minutes=draw(st.integers(0, 1439))),
                dt.timedelta(days=draw(st.integers(7, 35))),
            ]))
            dis = adm + duration
            inntid: dt.time | None = adm.time()
            uttid: dt.time | None = dis.time()
            if draw(st.integers(0, 9)) == 0:  # missing admission time: the stamp is midnight
                adm = dt.datetime.combine(adm.date(), dt.time(0, 0))
                inntid = None
            if draw(st.integers(0, 7)) == 0:
                floored = dt.datetime.combine(dis.date(), dt.time(0, 0))
                if floored >= adm:
                    dis, uttid = floored, None
            care = draw(st.sampled_from([1, 1, 1, 1, 1, 2, 3]))
            sektor = draw(st.sampled_from([1, 1, 1, 1, 2, 2, 3]))
            hast = draw(st.sampled_from([1, 1, 1, 2, 3, 4, 4, 5]))
            uttilstand = 1 if draw(st.integers(0, 11)) else draw(st.sampled_from([2, 3]))
            ukp = None
            if draw(st.integers(0, 3)) == 0:
                ndays = (dis.date() - adm.date()).days
                ukp = adm.date() + dt.timedelta(days=draw(st.integers(0, ndays)))
            age_here = age + (1 if draw(st.integers(0, 9)) == 0 else 0)
            e = ep(pid, eid, None, None,
                   inndato=adm.date(), inntid=inntid, utdato=dis.date(), uttid=uttid,
                   omsorgsniva=care, sektor=sektor, innmateHast=hast, uttilstand=uttilstand,
                   institusjonID=draw(st.sampled_from(TRUSTS)), utskrklardato=ukp,
                   alder=age_here, tilSted=draw(st.sampled_from([1, 1, 3, 11])),
                   fraSted=draw(st.sampled_from([1, 1, 3])))
            episodes.append(e)
            eid += 1
            dates.append(adm.date())
            run_end = dis if k == 0 else max(run_end, dis)  # the person's latest discharge so far
            prev_adm, prev_dis = adm, dis
        # death: none, or on/after the last admission date (the loader rejects
        # episodes admitted after death), often within a window of a discharge
        doddato = None
        if draw(st.integers(0, 2)) == 0:
            last_dis = max(e["utdato"] for e in episodes if e["lopenr"] == pid)
            anchor = draw(st.sampled_from([max(dates), last_dis]))
            offset = draw(st.sampled_from([0, 0, 1, params["window_days"],
                                           params["window_days"] + 1, draw(st.integers(0, 40))]))
            doddato = max(anchor + dt.timedelta(days=offset), max(dates))
        persons.append(person(pid, doddato))
    # shuffle the file order: nothing may depend on it
    order = draw(st.permutations(range(len(episodes))))
    episodes = [episodes[j] for j in order]
    return episodes, persons


@st.composite
def scenarios(draw):
    params = draw(rule_params())
    episodes, persons = draw(extracts(params))
    fmt = draw(st.sampled_from(["parquet", "parquet", "parquet", "csv"]))
    by = draw(st.sampled_from(["overall", "sector", "year"]))
    return params, episodes, persons, fmt, by


# --------------------------------------------------------------------------- invariants
def _stamp(day: dt.date, clock: dt.time | None) -> dt.datetime:
    return dt.datetime.combine(day, clock or dt.time(0, 0))


def check_invariants(rows: list[dict[str, Any]], episodes: list[dict[str, Any]],
                     persons: list[dict[str, Any]], params: dict[str, Any],
                     end_date: dt.date) -> None:
    """Statements about the output that follow from the rule directly."""
    sectors = {1: "somatic", 2: "vop", 3: "tsb"}
    inpatient: dict[str, list[dict[str, Any]]] = {}
    for e in episodes:
        if e["omsorgsniva"] == 1:
            inpatient.setdefault(e["lopenr"], []).append(e)
    death = {p["lopenr"]: p["doddato"] for p in persons}
    window_h = params["window_days"] * 24
    keys = [(r["lopenr"], r["admitted_at"]) for r in rows]
    assert keys == sorted(keys), "rows not sorted by (lopenr, admitted_at)"
    if params["transfer_hours"] > 0:  # with 0, back-to-back zero-length stays share a start
        assert len(set(keys)) == len(keys), "two index stays of one person admitted at once"
    for r in rows:
        pid = r["lopenr"]
        eps = inpatient.get(pid, [])
        assert any(_stamp(e["inndato"], e["inntid"]) == r["admitted_at"] for e in eps), r
        assert any(_stamp(e["utdato"], e["uttid"]) == r["discharged_at"] for e in eps), r
        dday = r["discharged_at"].date()
        assert r["los_days"] == (dday - r["admitted_at"].date()).days
        d = death.get(pid)
        assert d is None or d > dday, f"index stay of a person dead by discharge: {r}"
        if params["min_age"] is not None:
            assert r["age"] >= params["min_age"]
        if params["sector"] in ("somatic", "vop", "tsb"):
            assert r["sector"] == params["sector"]
        died = d is not None and dday < d <= dday + dt.timedelta(days=params["window_days"])
        assert r["died_in_window"] == int(died)
        complete = (end_date - dday).days >= params["window_days"]
        if r["eligible"]:
            assert complete
            assert r["readmitted"] or not died or params["keep_deaths"]
        if r["readmitted"]:
            h = r["hours_to_readmission"]
            assert 0 < h <= window_h + 1e-9, r
            assert h >= params["transfer_hours"] - 1e-9, r  # a readmission is a separate stay
            at = r["discharged_at"] + dt.timedelta(hours=h)
            starts = [e for e in eps
                      if abs((_stamp(e["inndato"], e["inntid"]) - at).total_seconds()) < 1e-3]
            assert starts, f"no inpatient episode starts {h} h after discharge: {r}"
            ok = [e for e in starts if e["innmateHast"] in (1, 2, 3)
                  and (params["sector"] == "all" or sectors[e["sektor"]] == r["sector"])]
            assert ok, f"the readmission is not an acute stay of the same sector: {r}"
            assert r["days_to_readmission"] == (at.date() - dday).days
        else:
            assert r["hours_to_readmission"] is None and r["days_to_readmission"] is None


def check_rates(ex, rows: list[dict[str, Any]], params: dict[str, Any], by: str) -> None:
    """readmission_rates equals a count by hand over the index_stays rows."""
    from statsmodels.stats.proportion import proportion_confint

    def counts(sub):
        n = sum(1 for r in sub if r["eligible"] == 1)
        k = sum(1 for r in sub if r["eligible"] == 1 and r["readmitted"] == 1)
        died = sum(1 for r in sub if r["eligible"] == 0 and r["died_in_window"] == 1
                   and r["readmitted"] == 0)
        return n, k, died, sum(1 for r in sub if r["eligible"] == 0) - died

    def check_row(got: dict[str, Any], sub: list[dict[str, Any]], label: str) -> None:
        n, k, died, incomplete = counts(sub)
        assert int(got["n_index"]) == n, (label, got, n)
        assert int(got["n_readmitted"]) == k, (label, got, k)
        assert int(got["n_died_excluded"]) == died, (label, got, died)
        assert int(got["n_incomplete"]) == incomplete, (label, got, incomplete)
        if n == 0:
            assert ref._is_missing(got["rate"]), (label, got)
            return
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert math.isclose(float(got["rate"]), k / n, abs_tol=1e-12), (label, got)
        assert math.isclose(float(got["ci_low"]), lo, abs_tol=1e-12), (label, got, lo)
        assert math.isclose(float(got["ci_high"]), hi, abs_tol=1e-12), (label, got, hi)

    # Readmissions.rates reports only groups with an eligible index stay (definitions.md,
    # Follow-up: a year with no eligible index stay is not an empty row)
    r = readmit.Readmissions(ex, **params)
    eligible = [row for row in rows if row["eligible"] == 1]
    if by == "overall":
        total = r.rates(by=[]).to_dict("records")
        assert len(total) == (1 if eligible else 0), total
        if eligible:
            check_row(total[0], rows, "overall")
    elif by == "sector":
        groups = r.rates(by=["sector"]).to_dict("records")
        assert sorted(g["sector"] for g in groups) == sorted({e["sector"] for e in eligible})
        for g in groups:
            check_row(g, [row for row in rows if row["sector"] == g["sector"]],
                      f"sector {g['sector']}")
    else:  # year of discharge
        groups = r.rates(by=["year"]).to_dict("records")
        assert sorted(int(g["year"]) for g in groups) == \
            sorted({e["discharged_at"].year for e in eligible})
        for g in groups:
            check_row(g, [row for row in rows if row["discharged_at"].year == int(g["year"])],
                      f"year {g['year']}")


# --------------------------------------------------------------------------- the tests
@PROPERTY_SETTINGS
@given(scenarios())
def test_sql_equals_reference(scenario) -> None:
    params, episodes, persons, fmt, by = scenario
    call = {k: v for k, v in params.items() if not (k == "end_date" and v is None)}
    with tempfile.TemporaryDirectory() as tmp:
        rows = write_extract(Path(tmp) / "x", episodes, persons, fmt=fmt)
        expected = ref.index_stays(rows.episodes, rows.persons, **call)
        with readmit.open(Path(tmp) / "x") as ex:
            rejected = {k: v.get("rejected", 0) for k, v in ex.counts.items()}
            assert not any(rejected.values()), ex.rejects_frame().to_dict("records")
            end_date = (dt.date.fromisoformat(params["end_date"]) if params["end_date"]
                        else ex.end_date)
            df = readmit.Readmissions(ex, **call).index_stays()
            assert list(df.columns) == ref.OUTPUT_COLUMNS
            got = ref.frame_rows(df)
            diffs = ref.differences(expected, got)
            assert not diffs, "\n".join(
                [f"params {call}", "episodes:"] + [f"  {e}" for e in rows.episodes]
                + ["persons:"] + [f"  {p}" for p in rows.persons] + ["differences:"]
                + [f"  {d}" for d in diffs])
            check_invariants(got, rows.episodes, rows.persons, params, end_date)
            check_rates(ex, got, call, by)


@PROPERTY_SETTINGS
@given(st.data())
def test_reference_invariants(data) -> None:
    """The reference itself obeys the invariants (cheap: no DuckDB)."""
    params = data.draw(rule_params())
    episodes, persons = data.draw(extracts(params))
    from extract_builder import fill_rows

    rows = fill_rows(episodes, persons)
    call = {k: v for k, v in params.items() if not (k == "end_date" and v is None)}
    got = ref.index_stays(rows.episodes, rows.persons, **call)
    end_date = (dt.date.fromisoformat(params["end_date"]) if params["end_date"]
                else max(e["utdato"] for e in rows.episodes))
    check_invariants(got, rows.episodes, rows.persons, params, end_date)
