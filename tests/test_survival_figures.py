"""The survival figures draw from tables, masked ones included (<5, never the value)."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

import readmit  # noqa: E402
from extract_builder import person, write_extract  # noqa: E402
from readmit.errors import ParameterError  # noqa: E402
from readmit.privacy import masked  # noqa: E402
from readmit.survival import (hazard_ratio_figure, survival_at, survival_at_figure,  # noqa: E402
                              survival_curves, survival_figure)
from test_survival_cases import BYSTANDER, TIES, TIES_PERSONS  # noqa: E402

CURVE_RULE = dict(counts=["n_at_risk", "deaths", "cumulative_deaths"],
                  derived={c: ["n_at_risk", "cumulative_deaths"]
                           for c in ("survival", "ci_low", "ci_high")})


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    d = tmp_path_factory.mktemp("ties")
    write_extract(d, [*TIES, *BYSTANDER], persons=[*TIES_PERSONS, person("zz")])
    with readmit.open(d) as ex:
        r = readmit.Readmissions(ex)
        return survival_curves(r, by="sector"), survival_at(r, by="sector")


def test_masked_curves_show_small_numbers_as_lt5(tables):
    curves, _ = tables
    shown = masked(curves, **CURVE_RULE)
    fig = survival_figure(shown, lang="en")
    line = [t for t in fig.data if t.name == "Somatic care"][0]
    # 6 persons, 2 deaths on day 10: from day 10 the cumulative deaths (2, 3, 4) are
    # small, so the curve is not drawn there; at day 0 it is (no death yet)
    y = np.asarray(line.y, dtype=float)
    assert y[0] == 1 and np.isnan(y[10:]).all()
    assert not any(isinstance(v, float) and 0 < v < 1 for v in line.y if v == v)
    # the numbers at risk under the plot: 6 at day 0; 4 at day 30, 3 at 60-180 are <5
    at_risk = [a.text for a in fig.layout.annotations if a.xref == "x"]
    assert at_risk == ["6", "<5", "<5", "<5", "<5", "<5", "<5"]
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "Number at risk" in texts and "fewer than five" in texts
    assert fig.layout.title.text.startswith("Survival after discharge")


def test_unmasked_curves_in_bokmaal(tables):
    curves, at = tables
    fig = survival_figure(curves)
    assert fig.layout.title.text.startswith("Overlevelse etter utskrivning")
    line = [t for t in fig.data if t.name == "Somatikk"][0]
    assert line.y[182] == pytest.approx(1 / 3)
    assert "33,3 %" in line.text[182]
    fig = survival_at_figure(masked(at, counts=["n", "deaths"],
                                    derived={c: ["n", "deaths"] for c in
                                             ("survival", "ci_low", "ci_high")}))
    assert all(math.isnan(v) for t in fig.data for v in t.y)   # 4 deaths: all hidden
    with pytest.raises(ParameterError, match="lang"):
        survival_figure(curves, lang="de")


def test_hazard_ratio_figure_with_a_hidden_row():
    import pandas as pd

    table = pd.DataFrame({"covariate": ["age", "sector=vop"], "hazard_ratio": [1.07, np.nan],
                          "ci_low": [1.06, np.nan], "ci_high": [1.08, np.nan],
                          "ph_test_p": [0.3, np.nan]})
    fig = hazard_ratio_figure(table, lang="en", references={"sector": "somatic"})
    assert list(fig.data[0].y) == ["Sector: Adult mental health (VOP) (<5)", "Age (per year)"]
    assert "Reference: Sector: Somatic care" in fig.layout.title.text
