"""`readmit simulate`: JSON output, scenarios, and one clear line for bad parameters."""
from __future__ import annotations

import json

import pytest

from readmit.cli import main


def run(capsys, *argv):
    code = main(["simulate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_worked_example_json_bed_days_only(capsys):
    code, out, _ = run(capsys, "--bed-days", "100968", "--reduction", "0.1", "--json")
    assert code == 0
    assert json.loads(out)["saving"] == 0.1 * (100_968 * 30_000)


def test_worked_example_json_with_ready_for_discharge_days(capsys):
    code, out, _ = run(capsys, "--bed-days", "90000", "--ukp-days", "21936", "--json")
    assert code == 0
    assert json.loads(out)["saving"] == 0.1 * (90_000 * 30_000 + 21_936 * (5_000 + 10_000))


def test_costs_from_flags(capsys):
    _, out, _ = run(capsys, "--bed-days", "10", "--ukp-days", "2", "--reduction", "0.5",
                    "--bed-day-cost", "100", "--ukp-cost-municipality", "7",
                    "--ukp-cost-hospital", "3", "--json")
    assert json.loads(out)["saving"] == 0.5 * (10 * 100 + 2 * (7 + 3))


def test_statutory_rate_of_the_year(capsys):
    # 2019 rate 4 885: 0.1 * (10 * 30 000 + 5 * (4 885 + 10 000)) = 37 442.5
    _, out, _ = run(capsys, "--bed-days", "10", "--ukp-days", "5", "--statutory-ukp-rate",
                    "--year", "2019", "--json")
    assert json.loads(out)["saving"] == pytest.approx(37_442.5)


def test_draws_give_mean_and_interval(capsys):
    code, out, _ = run(capsys, "--scenario", "fewer_readmissions_10", "--draws", "5000",
                       "--seed", "4", "--json")
    result = json.loads(out)
    assert code == 0
    assert result["saving"] == 302_904_000
    assert result["p05"] < result["p50"] < result["p95"]
    assert {"mean", "p05", "p50", "p95"} <= set(result)
    _, again, _ = run(capsys, "--scenario", "fewer_readmissions_10", "--draws", "5000",
                      "--seed", "4", "--json")
    assert json.loads(again)["mean"] == result["mean"]


def test_flags_override_a_scenario(capsys):
    _, out, _ = run(capsys, "--scenario", "fewer_readmissions_10", "--bed-days", "100968",
                    "--ukp-days", "0", "--reduction", "0.1", "--bed-day-cost", "30000", "--json")
    assert json.loads(out)["saving"] == 0.1 * (100_968 * 30_000)


def test_several_scenarios_side_by_side(capsys):
    _, out, _ = run(capsys, "--scenario", "psht_team", "--scenario", "hospital_at_home",
                    "--draws", "1000", "--seed", "1", "--json")
    result = json.loads(out)
    assert [s["scenario"] for s in result["scenarios"]] == ["psht_team", "hospital_at_home"]
    assert result["saving"] == result["scenarios"][0]["saving"]
    assert "net_saving" in result["scenarios"][1]["outcomes"]


def test_text_output_states_the_values_it_used(capsys):
    code, out, _ = run(capsys, "--bed-days", "90000", "--ukp-days", "21936")
    assert code == 0
    # the formula, and every cost with the defaults of definitions.md
    assert "saving = reduction x (bed days x bed-day cost" in out
    assert "30 000 (default)" in out and "5 000 (default)" in out and "10 000 (default)" in out
    assert "0.1" in out.split("Reduction of readmissions (share)")[1].splitlines()[0]
    # 0.1 x (90 000 x 30 000 + 21 936 x 15 000) = 302 904 000
    assert out.split("Gross saving per year (NOK)")[1].splitlines()[0].strip() == "302 904 000"
    assert "baseline: bed days and ready-for-discharge days per year as given" in out


@pytest.mark.parametrize("argv, fragment", [
    (["--bed-days", "10", "--bed-day-cost", "-1"], "bed_day_cost must be >= 0"),
    (["--bed-days", "10", "--reduction", "1.5"], "reduction must be between 0 and 1"),
    (["--bed-days", "10", "--reduction", "-0.2"], "reduction must be >= 0"),
    (["--bed-days", "10", "--draws", "-3"], "--draws must be >= 0"),
    ([], "no baseline"),
    (["--bed-days", "10", "--statutory-ukp-rate", "--year", "2013"], "no published"),
    (["--scenario", "nope_not_here"], "unknown scenario"),
])
def test_bad_parameters_exit_2_with_one_line(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert fragment in err and err.startswith("readmit simulate: ")


def test_unknown_distribution_in_a_file_exits_2(capsys, tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("name: s\nparameters:\n  bed_days: 10\n"
                 "  reduction: {distribution: cauchy, loc: 0.1}\n")
    code, _, err = run(capsys, "--scenario", str(f), "--draws", "10")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "unknown distribution 'cauchy'" in err


def test_subprocess_exit_code(tmp_path):
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "readmit.cli", "simulate", "--bed-days", "5",
                        "--bed-day-cost", "-3"], capture_output=True, text=True)
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "bed_day_cost" in p.stderr
