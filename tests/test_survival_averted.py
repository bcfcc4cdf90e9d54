"""Deaths a team could avert, by hand, and their place in the savings simulator.

The extract runs from 2017-01-01 to 2019-12-31 (a bystander's outpatient
contacts), so the cohort's stays are admitted from 2018-01-01 and the full
years are 2018 and 2019. The target group: ready for discharge (a
utskrklardato) and readmitted acutely within 30 days.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import readmit  # noqa: E402
from extract_builder import ep, person, write_extract  # noqa: E402
from readmit.cli import main  # noqa: E402
from readmit.errors import ParameterError  # noqa: E402
from readmit.savings.prepare import prepared_scenarios  # noqa: E402
from readmit.survival import deaths_averted  # noqa: E402

Z95 = 1.959963984540054


def target_pair(lopenr, n, admitted, discharged, ready, back, **kw):
    """An index stay ready for discharge on ``ready``, readmitted acutely on ``back``."""
    return [ep(lopenr, n, admitted, discharged, utskrklardato=ready, **kw),
            ep(lopenr, n + 1, back + " 10:00", back[:8] + f"{int(back[8:]) + 2:02d} 10:00")]


def build(tmp_path):
    episodes = [
        ep("zz", 9001, "2017-01-01 08:00", "2017-01-01 09:00", omsorgsniva=3),
        ep("zz", 9002, "2019-12-31 08:00", "2019-12-31 09:00", omsorgsniva=3),
        # 2018: b1, alive
        *target_pair("b1", 10, "2018-05-01 10:00", "2018-05-05 10:00", "2018-05-03", "2018-05-15"),
        # 2019: a1 dies 1 April, 55 days after the discharge of 5 Feb (23 + 31 + 1)
        *target_pair("a1", 20, "2019-02-01 10:00", "2019-02-05 10:00", "2019-02-04", "2019-02-15"),
        *target_pair("a2", 30, "2019-03-01 10:00", "2019-03-05 10:00", "2019-03-04", "2019-03-10"),
        # a3 is in the group twice in 2019: counted once
        *target_pair("a3", 40, "2019-03-01 10:00", "2019-03-05 10:00", "2019-03-04", "2019-03-20"),
        *target_pair("a3", 50, "2019-06-01 10:00", "2019-06-05 10:00", "2019-06-04", "2019-06-20"),
        # a4: ready, not readmitted; a5: readmitted, not ready: not in the group
        ep("a4", 60, "2019-03-01 10:00", "2019-03-05 10:00", utskrklardato="2019-03-04"),
        *target_pair("a5", 70, "2019-03-01 10:00", "2019-03-05 10:00", None, "2019-03-12"),
    ]
    persons = [person("zz"), person("b1"), person("a1", doddato="2019-04-01"), person("a2"),
               person("a3"), person("a4", doddato="2019-03-20"), person("a5", doddato="2019-04-01")]
    write_extract(tmp_path, episodes, persons=persons)
    return tmp_path


def test_deaths_averted_by_hand(tmp_path):
    with readmit.open(build(tmp_path)) as ex:
        r = readmit.Readmissions(ex)
        mean = deaths_averted(r, mortality_reduction=0.43).iloc[0]
        one_year = r.deaths_averted(mortality_reduction=0.43, year=2019).iloc[0]
        with pytest.raises(ParameterError, match="year 2017"):
            deaths_averted(r, mortality_reduction=0.43, year=2017)
        with pytest.raises(ParameterError, match="mortality_reduction"):
            deaths_averted(r, mortality_reduction=43)
        with pytest.raises(ParameterError, match="target must name"):
            deaths_averted(r, mortality_reduction=0.4, target=["old"])
    # person-years in the group: 2018 b1; 2019 a1, a2, a3 -> 4, 2 a year on average
    assert (mean["years"], mean["n"], mean["deaths"]) == ("2018-2019", 4, 1)
    assert mean["persons_per_year"] == 2.0
    # Kaplan-Meier: a1's death on day 55 with 4 at risk -> S = 3/4, mortality 1/4
    assert mean["mortality"] == pytest.approx(0.25, abs=1e-12)
    # 2 a year x 1/4 x 0.43 = 0.215 deaths averted a year; 2019 alone: 3 x 1/4 x 0.43 = 0.3225
    assert mean["deaths_per_year"] == pytest.approx(0.5)
    assert mean["deaths_averted"] == pytest.approx(0.215)
    assert one_year["persons_per_year"] == 3.0
    assert one_year["deaths_averted"] == pytest.approx(0.3225)
    # the interval: Greenwood 1/(4*3) = 1/12; log(-log) interval of S = 3/4:
    se = math.sqrt(1 / 12) / abs(math.log(0.75))
    s_low, s_high = 0.75 ** math.exp(Z95 * se), 0.75 ** math.exp(-Z95 * se)   # 0.1280, 0.9605
    assert [mean["mortality_ci_low"], mean["mortality_ci_high"]] == pytest.approx(
        [1 - s_high, 1 - s_low], abs=1e-9)
    assert [mean["ci_low"], mean["ci_high"]] == pytest.approx(
        [2 * 0.43 * (1 - s_high), 2 * 0.43 * (1 - s_low)], abs=1e-9)
    assert mean["ci_low"] == pytest.approx(0.033928, abs=2e-6)   # 0.86 x (1 - 0.960548)


def test_the_simulator_takes_persons_and_mortality_from_the_extract(tmp_path, capsys):
    d = build(tmp_path)
    prepared = prepared_scenarios(["psht_team"], extract=str(d), year=2019)
    base = prepared.scenarios[0].base_values()
    assert base["target_persons"] == 3.0
    assert base["six_month_mortality"] == pytest.approx(0.25)   # the beta's mean
    assert prepared.baseline["target"] == "ready_for_discharge & readmitted"
    assert prepared.scenarios[0].parameters["six_month_mortality"].kind == "beta"
    # psht_team's mortality reduction has mode 0.43: 3 x 0.25 x 0.43
    assert main(["simulate", "--extract", str(d), "--year", "2019", "--scenario", "psht_team",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenarios"][0]["outcomes"]["deaths_averted"]["base"] == pytest.approx(0.3225)
    # a scenario that does not reduce mortality does not read it
    plain = prepared_scenarios(["fewer_readmissions_10"], extract=str(d), year=2019)
    assert "target" not in plain.baseline
