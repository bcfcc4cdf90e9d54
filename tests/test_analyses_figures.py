"""Every figure of readmit.analyses is built from its table (raw and masked),
in bokmål and English, with a title and labelled axes."""
from __future__ import annotations

import pytest

import readmit
from readmit import analyses as an
from readmit.errors import ParameterError
from readmit.privacy import masked


@pytest.fixture(scope="module")
def tables(small_extract):
    with readmit.open(small_extract) as ex:
        r = readmit.Readmissions(ex)
        yield {
            "trend": (r.trend(by="trust"), an.trend_figure, an.TREND_SUPPRESSION),
            "trend_sector": (r.trend(by="sector"), an.trend_figure, an.TREND_SUPPRESSION),
            "los_bands": (r.rates_by_los_band(), an.rates_by_los_band_figure,
                          an.LOS_SUPPRESSION),
            "bubbles": (r.los_vs_readmission(), an.los_vs_readmission_figure,
                        an.LOS_SUPPRESSION),
            "time": (r.time_to_readmission(by="trust", horizon_days=90),
                     an.time_to_readmission_figure, an.TIME_TO_READMISSION_SUPPRESSION),
            "time_sector": (r.time_to_readmission(by="sector", horizon_days=90),
                            an.time_to_readmission_figure, an.TIME_TO_READMISSION_SUPPRESSION),
            "days_by_los": (r.days_to_readmission_by_los(), an.days_to_readmission_by_los_figure,
                            an.DAYS_BY_LOS_SUPPRESSION),
            "ready": (r.ready_for_discharge(by=["year", "trust"]), an.ready_for_discharge_figure,
                      an.READY_FOR_DISCHARGE_SUPPRESSION),
        }


TRUST_LEVEL = {"trend", "bubbles", "time", "ready"}


def axis_titles(fig) -> dict[str, str]:
    """The title of every axis a trace uses, unless it is shared (``matches``)."""
    out = {}
    for trace in fig.data:
        for letter in ("x", "y"):
            ref = getattr(trace, f"{letter}axis", None) or letter
            name = f"{letter}axis{ref[1:]}"
            axis = fig.layout[name]
            if axis.matches:
                continue
            out[name] = axis.title.text
    return out


def check_figure(fig) -> None:
    assert fig.layout.title.text and len(fig.layout.title.text) > 10
    titles = axis_titles(fig)
    assert any(k.startswith("xaxis") for k in titles) and any(k.startswith("yaxis") for k in titles)
    assert all(titles.values()), titles
    assert len(fig.data) > 0


@pytest.mark.parametrize("name", ["trend", "trend_sector", "los_bands", "bubbles", "time",
                                  "time_sector", "days_by_los", "ready"])
def test_figure_has_a_title_labelled_axes_and_both_languages(tables, name):
    table, figure, suppression = tables[name]
    nb, en = figure(table), figure(table, lang="en")
    check_figure(nb)
    check_figure(en)
    assert nb.layout.title.text != en.layout.title.text
    assert nb.layout.separators == ", " and en.layout.separators == ".,"
    if name in TRUST_LEVEL:
        check_figure(figure(table, highlight="HFO"))
        with pytest.raises(ParameterError, match="highlight"):
            figure(table, highlight="NOPE")
    # the masked table (what a report hands the figure): NaN cells are gaps and <5
    hidden = masked(table, counts=suppression["counts"], derived={
        k: v for k, v in suppression["derived"].items() if k in table})
    fig = figure(hidden)
    check_figure(fig)
    drawn = hidden[hidden["sector"] == "somatic"] if name == "bubbles" else hidden
    if drawn[suppression["counts"]].isna().to_numpy().any() and name != "days_by_los":
        texts = [str(t) for trace in fig.data for t in (trace.hovertext or [])]
        texts += [a.text for a in fig.layout.annotations]
        assert any("<5" in t for t in texts)


def test_intervals_are_drawn(tables):
    # the trend: a band (fill) around the rate; the time to readmission: a band
    # per group; LOS bands: error bars
    trend, figure, _ = tables["trend_sector"]
    assert any(t.fill == "toself" for t in figure(trend).data)
    time, figure, _ = tables["time_sector"]
    assert sum(t.fill == "toself" for t in figure(time).data) == 3
    bands, figure, _ = tables["los_bands"]
    assert all(t.error_y.array is not None for t in figure(bands).data)


def test_bubble_chart_joins_each_trusts_years_in_order(tables):
    table, figure, _ = tables["bubbles"]
    fig = figure(table, sector="somatic")
    assert len(fig.data) == table.loc[table.sector == "somatic", "institusjonID"].nunique()
    for trace in fig.data:
        years = [int(h.split("<br>")[0].rsplit(", ", 1)[1]) for h in trace.hovertext]
        assert years == sorted(years) and len(years) == 6      # 2014-2019
        # the path's ends are labelled (the years between are in the hover text)
        assert list(trace.text) == ["2014", "", "", "", "", "2019"]
        assert trace.marker.sizemode == "area"
    marked = figure(table, sector="somatic", highlight="HFO")
    labels = {t.name: [x for x in t.text if x] for t in marked.data}
    assert labels.pop("Helse Fonna") == [str(y) for y in range(2014, 2020)]
    assert not any(labels.values())                            # only the marked trust's years
    with pytest.raises(ParameterError, match="sector"):
        figure(table, sector="icu")


def test_time_figure_has_the_naive_curve_beside(tables):
    table, figure, _ = tables["time_sector"]
    names = [t.name for t in figure(table).data if t.name]
    assert sum("Kaplan" in n for n in names) == 3
    assert not any("Kaplan" in (t.name or "") for t in figure(table, naive=False).data)
