"""A new user's first hour with the command line (issue 13), one test per item.

Subprocess tests where the exit code, stderr or the absence of a traceback is
the point; in-process ``main([...])`` elsewhere (same command boundary).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import readmit
from readmit.cli import main, parser
from readmit.cli.common import SECURE_SERVER_NOTE, HelpFormatter
from tests.extract_builder import ep, person, write_extract

ROOT = Path(__file__).resolve().parents[1]


def run(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m readmit ARGV`` in a fresh process."""
    return subprocess.run([sys.executable, "-m", "readmit", *argv], capture_output=True,
                          text=True, cwd=cwd)


def one_line(err: str) -> bool:
    return len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.fixture(scope="module")
def hand_extract(tmp_path_factory):
    """Three persons in 2019, and one episode row the loader rejects (a month 13).

    p1: stay 1-5 March, readmitted acutely 20 March (15 days later), discharged 22 March.
    p2: stay 1-4 May, not readmitted.  p3: an outpatient contact on 31 December
    ends the data, so every stay above has complete follow-up.
    Eligible index stays in 2019: p1's two stays and p2's = 3, readmitted 1.
    """
    d = tmp_path_factory.mktemp("hand") / "extract"
    write_extract(d, [
        ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
        ep("p1", 2, "2019-03-20 08:00", "2019-03-22 12:00", institusjonID="HFO"),
        ep("p2", 3, "2019-05-01 10:00", "2019-05-04 10:00"),
        ep("p3", 4, "2019-12-31 10:00", "2019-12-31 11:00", omsorgsniva=3),
    ], persons=[person(p) for p in ("p1", "p2", "p3")], fmt="csv")
    episoder = d / "episoder.csv"
    lines = episoder.read_text(encoding="utf-8").splitlines()
    bad = lines[1].replace("p1;1;", "p1;9;").replace("2019-03-01", "2019-13-01")
    episoder.write_text("\n".join([*lines, bad]) + "\n", encoding="utf-8")
    return d


# ----------------------------------------------------------------- 1: help, version, -m
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_works(flag):
    p = run(flag)
    assert p.returncode == 0 and p.stderr == ""
    assert "usage: readmit" in p.stdout and "run-notebook" in p.stdout


def test_version_and_python_dash_m():
    p = run("--version")
    assert p.returncode == 0 and p.stdout.strip() == f"readmit {readmit.__version__}"
    q = subprocess.run([sys.executable, "-m", "readmit.cli", "--version"], capture_output=True,
                       text=True)
    assert q.stdout == p.stdout


def test_no_command_is_one_line_and_exit_2():
    p = run()
    assert p.returncode == 2 and one_line(p.stderr) and "readmit --help" in p.stderr


@pytest.mark.parametrize("command", ["generate", "check", "calibration", "readmissions",
                                     "rates", "analyse", "simulate", "run-notebook"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert f"usage: readmit {command}" in capsys.readouterr().out


# ----------------------------------------------------------------- 2: optional packages
def test_a_missing_optional_package_is_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "jupytext", None)   # import jupytext now fails
    code = main(["run-notebook", "--scenario", "psht_team", "--param", "draws=10",
                 "--out", str(tmp_path / "s.html")])
    err = capsys.readouterr().err
    assert code == 2 and one_line(err)
    assert "needs the optional package jupytext" in err and "readmit[notebooks]" in err
    assert not (tmp_path / "s.html").exists()


def test_the_readme_set_up_installs_what_run_notebook_needs():
    import tomllib

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("$(VENV)/.installed: pyproject.toml")[1].split("\n\n")[0]
    extra = re.search(r"pip install [^\n]*-e '\.\[(\w+)\]'", recipe)
    assert extra, "make report's install has no extra"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"][extra.group(1)]
    names = {re.split(r"[<>=\[ ]", e)[0] for e in extras}
    assert {"papermill", "jupytext", "ipykernel", "nbclient", "nbformat"} <= names
    assert re.search(r"^report: \$\(VENV\)/\.installed", makefile, re.M)


# ----------------------------------------------------------------- 3: --out folders
def test_out_folders_are_created(small_extract, tmp_path, capsys):
    idx, rates = tmp_path / "a" / "b" / "idx.csv", tmp_path / "c" / "rates.csv"
    assert main(["readmissions", str(small_extract), "--out", str(idx), "--years", "2019"]) == 0
    assert main(["rates", str(small_extract), "--out", str(rates)]) == 0
    assert idx.is_file() and rates.is_file()
    out = capsys.readouterr().out
    assert f"wrote {idx}" in out and f"to {rates}" in out


def test_calibration_markdown_folder_is_created(monkeypatch, hand_extract, tmp_path, capsys):
    import readmit.calibration as calibration

    monkeypatch.setattr(calibration, "calibration_checks",
                        lambda ex: [calibration.Check("a figure", "1", "1", True, 1.0, 1.0)])
    md = tmp_path / "new" / "folder" / "CALIBRATION.md"
    assert main(["calibration", str(hand_extract), "--markdown", str(md)]) == 0
    assert "| a figure | 1 | 1 | yes |" in md.read_text(encoding="utf-8")


@pytest.mark.parametrize("make_out, fragment", [
    (lambda t: t, "is a folder; give a file name"),
    (lambda t: (t / "file.txt").write_text("x") and t / "file.txt" / "r.csv",
     "file.txt is a file, not a folder"),
])
def test_an_unusable_out_is_one_line_and_exit_2(hand_extract, tmp_path, make_out, fragment):
    out = make_out(tmp_path)
    for command in ("rates", "readmissions"):
        p = run(command, str(hand_extract), "--out", str(out))
        # checked before the extract is read: no work done, one line
        assert p.returncode == 2 and fragment in p.stderr and one_line(p.stderr), p.stderr


def test_an_unusable_markdown_path_fails_before_calibrating(hand_extract, tmp_path):
    p = run("calibration", str(hand_extract), "--markdown", str(tmp_path))
    assert p.returncode == 2 and one_line(p.stderr) and "is a folder" in p.stderr


def test_a_file_duckdb_cannot_write_is_one_line(hand_extract):
    # /proc accepts no new files: DuckDB's own IOException, caught at the boundary
    p = run("readmissions", str(hand_extract), "--out", "/proc/readmit-test.csv")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "readmit readmissions: cannot open file" in p.stderr


def test_running_out_of_memory_is_one_line_naming_the_options(monkeypatch, hand_extract,
                                                              tmp_path, capsys):
    # DuckDB's OutOfMemoryException (e.g. an analysis at 10^8 episodes under a small
    # limit) is caught at the command boundary like any other error of its class
    import duckdb

    import readmit

    def out_of_memory(*args, **kwargs):
        raise duckdb.OutOfMemoryException(
            "Out of Memory Error: failed to allocate data of size 16.0 MiB "
            "(3.7 GiB/3.7 GiB used)\n\nPossible solutions:\n* Reducing the number of threads")

    monkeypatch.setattr(readmit, "open", out_of_memory)
    code = main(["readmissions", str(hand_extract), "--out", str(tmp_path / "r.csv"),
                 "--memory-limit", "4GB"])
    err = capsys.readouterr().err
    assert code == 2 and one_line(err), err
    assert err.startswith("readmit readmissions: out of memory under DuckDB's limit of 4GB "
                          "(failed to allocate data of size 16.0 MiB")
    assert "--memory-limit" in err and "--temp-dir" in err


# ----------------------------------------------------------------- 4: rejected rows
_REJECT_LINE = "episoder: 1 row rejected"


@pytest.mark.parametrize("argv", [
    ["rates", "{d}"],
    ["readmissions", "{d}", "--out", "{tmp}/idx.csv"],
    ["simulate", "--extract", "{d}", "--no-suppress"],
])
def test_every_command_reading_an_extract_warns_of_rejects(hand_extract, tmp_path, capsys,
                                                           argv):
    main([a.format(d=hand_extract, tmp=tmp_path) for a in argv])
    err = capsys.readouterr().err
    assert f"episoder: 1 row rejected — readmit check {hand_extract} for the reasons" in err


# ----------------------------------------------------------------- 5: the period
def test_outputs_state_their_period(hand_extract, tmp_path, capsys):
    main(["readmissions", str(hand_extract), "--out", str(tmp_path / "i.csv")])
    main(["rates", str(hand_extract), "--by", "sector"])
    out = capsys.readouterr().out
    assert out.count("period: 2019 (discharge years of the eligible index stays)") == 2


# ----------------------------------------------------------------- 6: the rates table
def test_rates_print_the_whole_table_without_out(small_extract, capsys):
    assert main(["rates", str(small_extract), "--by", "year,sector,age_band,sex"]) == 0
    out = capsys.readouterr().out
    with readmit.open(small_extract) as ex:
        n = len(readmit.Readmissions(ex).rates(by="year,sector,age_band,sex"))
    assert n > 60   # more than pandas shows before it cuts with ...
    rows = out.split("\nperiod:")[0].splitlines()[1:]
    assert len(rows) == n and "..." not in out


def test_rates_csv_is_rounded_and_grouping_names_any_case(small_extract, tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert main(["rates", str(small_extract), "--by", "TRUST,Sex", "--out", str(out),
                 "--no-suppress"]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns[:3]) == ["institusjonID", "trust", "sex"]
    assert set(frame.sex) == {"male", "female"}
    assert "Helse Fonna" in set(frame.trust) and "Helse Bergen" in set(frame.trust)
    text = out.read_text(encoding="utf-8")
    decimals = [len(m) for m in re.findall(r"\.(\d+)", text)]
    assert decimals and max(decimals) <= 4


def test_sector_is_a_word(small_extract, capsys):
    main(["rates", str(small_extract), "--by", "sector"])
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()[1:4]] == ["somatic", "tsb", "vop"]


# ----------------------------------------------------------------- 7: simulate
def _help(command: str) -> str:
    sub = _subparsers()[command]
    return " ".join(sub.format_help().split())


def test_simulate_help_states_the_formula_and_its_defaults():
    from readmit.savings.formula import (BED_DAY_COST, REDUCTION, UKP_COST_HOSPITAL,
                                         UKP_COST_MUNICIPALITY)

    text = _help("simulate")
    assert f"reduction {REDUCTION:.2f}" in text
    assert f"bed day {BED_DAY_COST:.0f} NOK" in text
    assert f"{UKP_COST_MUNICIPALITY:.0f} NOK to the municipality" in text
    assert f"{UKP_COST_HOSPITAL:.0f} NOK to the hospital" in text
    assert "saving = reduction x (bed days x bed-day cost" in text


def test_the_readme_simulate_example_matches_the_defaults(capsys):
    # README: "With --bed-days 100968 it gives ... 302 904 000 NOK a year"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "readmit simulate --bed-days 100968\n" in readme and "302 904 000" in readme
    assert main(["simulate", "--bed-days", "100968", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["saving"] == 302_904_000


def test_simulate_json_numbers_are_numbers(capsys):
    assert main(["simulate", "--scenario", "psht_team", "--bed-days", "100968", "--draws",
                 "200", "--seed", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["scenarios"][0]

    def numbers(value):
        if isinstance(value, dict):
            return all(numbers(v) for k, v in value.items() if k != "distribution")
        return value is None or isinstance(value, (int, float))

    assert result["parameters"]["bed_days"] == 100968
    assert result["parameters"]["bed_day_cost"]["distribution"] == "lognormal"
    assert numbers(result["parameters"]) and numbers(result["outcomes"])
    assert isinstance(result["saving"], float) and isinstance(result["p95"], float)


@pytest.mark.parametrize("argv, fragment", [
    (["--bed-days", "5", "--trust", "HFO"], "--trust and --sector choose part of"),
    (["--bed-days", "5", "--sector", "vop"], "--trust and --sector choose part of"),
    (["--bed-days", "5", "--year", "2019"], "--year is the baseline year of --extract"),
])
def test_simulate_extract_options_without_an_extract_are_errors(capsys, argv, fragment):
    assert main(["simulate", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and one_line(captured.err) and fragment in captured.err


def test_draws_without_an_uncertain_parameter_say_they_are_equal(capsys):
    assert main(["simulate", "--bed-days", "100968", "--draws", "50", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "no parameter is uncertain, so all 50 draws equal the base case" in out
    assert main(["simulate", "--bed-days", "100968", "--draws", "50", "--seed", "1",
                 "--json"]) == 0
    assert "all 50 draws equal the base case" in capsys.readouterr().err
    assert main(["simulate", "--scenario", "psht_team", "--draws", "50", "--seed", "1"]) == 0
    assert "draws equal" not in capsys.readouterr().out


def test_scenarios_side_by_side_in_one_table(capsys):
    assert main(["simulate", "--scenario", "fewer_readmissions_10", "--scenario", "psht_team",
                 "--draws", "300", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    headers = [line for line in out.splitlines() if "fewer_readmissions_10" in line]
    assert len(headers) == 1 and "psht_team" in headers[0]   # one header row, both columns
    assert out.count("Gross saving per year (NOK)") == 1
    gross = out.split("Gross saving per year (NOK)")[1].split()[:6]
    # base case of each: 0.1 x (90 000 x 30 000 + 21 936 x 15 000) = 302 904 000, and the
    # PSHT team's target tenth of it, 30 290 400
    assert " ".join(gross) == "302 904 000 30 290 400"
    assert "Monte Carlo: 300 draws, seed 2" in out


# ----------------------------------------------------------------- 8: help lines
def _subparsers() -> dict[str, argparse.ArgumentParser]:
    found = {}

    def walk(p: argparse.ArgumentParser, prefix: str) -> None:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[(prefix + " " + name).strip()] = sub
                    walk(sub, prefix + " " + name)

    walk(parser(), "")
    return found


def test_every_option_has_help_with_its_default():
    missing = []
    for command, sub in _subparsers().items():
        formatter = HelpFormatter(command)
        for action in sub._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            text = action.help or ""
            if not text.strip():
                missing.append(f"{command} {action.dest}: no help")
            elif action.option_strings and action.nargs != 0 and not action.required:
                if "default" not in formatter._get_help_string(action):
                    missing.append(f"{command} {action.option_strings[0]}: no default")
    assert missing == []


def test_a_zero_default_is_shown():
    text = _help("simulate")
    assert "0 runs the base case only (default: 0)" in text


def test_shipped_scenarios_are_listed_in_help():
    from readmit.savings.scenarios import shipped_scenarios

    for command in ("simulate", "run-notebook"):
        text = _help(command)
        assert all(name in text for name in shipped_scenarios()), command


# ----------------------------------------------------------------- 9: calibration, trust names
def test_calibration_exits_1_and_says_how_many_missed(monkeypatch, hand_extract, capsys):
    import numpy as np

    import readmit.calibration as calibration

    checks = [calibration.Check("a", "1", "1", np.bool_(True), 1.0, np.float64(1.0)),
              calibration.Check("b", "2", "3", np.bool_(False), 2.0, 3.0),
              calibration.Check("c", "4", "5", False, 4.0, 5.0)]
    monkeypatch.setattr(calibration, "calibration_checks", lambda ex: checks)
    assert main(["calibration", str(hand_extract)]) == 1
    captured = capsys.readouterr()
    assert "1 of 3 targets met" in captured.out
    assert "readmit calibration: 2 of 3 targets missed" in captured.err
    assert main(["calibration", str(hand_extract), "--json"]) == 1   # numpy types: still JSON
    assert [c["ok"] for c in json.loads(capsys.readouterr().out)] == [True, False, False]


def test_trust_codes_are_spelt_out_for_the_reader(hand_extract, capsys):
    main(["rates", str(hand_extract), "--by", "trust", "--no-suppress"])
    out = capsys.readouterr().out
    assert "Helse Bergen" in out and "Helse Fonna" in out


# ----------------------------------------------------------------- 10: small numbers
def test_rates_suppress_small_counts_by_default(hand_extract, capsys):
    # 3 eligible index stays, 1 readmitted (see hand_extract): both counts are 1-4
    assert main(["rates", str(hand_extract)]) == 0
    captured = capsys.readouterr()
    row = captured.out.splitlines()[1].split()
    assert row[:6] == ["2019", "<5", "<5", "<5", "<5", "<5"]
    assert "<5: a count from 1 to 4" in captured.out
    assert main(["rates", str(hand_extract), "--no-suppress"]) == 0
    captured = capsys.readouterr()
    # rate 1/3 = 0.3333
    assert captured.out.splitlines()[1].split()[:4] == ["2019", "3", "1", "0.3333"]
    assert "not suppressed (--no-suppress)" in captured.err


def test_calibration_suppresses_small_counts(monkeypatch, hand_extract, capsys):
    import readmit.calibration as calibration

    checks = [calibration.Check("shared frequent users", "8 (±5%)", "3", False, 8.0, 3.0,
                                count=True),
              calibration.Check("a share", "10 %", "3.00 %", False, 10.0, 3.0)]
    monkeypatch.setattr(calibration, "calibration_checks", lambda ex: list(checks))
    main(["calibration", str(hand_extract), "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert (shown[0]["achieved"], shown[0]["value"]) == ("<5", None)
    assert shown[1]["achieved"] == "3.00 %"   # a share of many, not a count
    main(["calibration", str(hand_extract), "--json", "--no-suppress"])
    assert json.loads(capsys.readouterr().out)[0]["value"] == 3.0


def test_person_level_commands_say_where_their_output_belongs(hand_extract, tmp_path, capsys):
    assert SECURE_SERVER_NOTE in _help("readmissions")
    main(["readmissions", str(hand_extract), "--out", str(tmp_path / "i.csv")])
    assert SECURE_SERVER_NOTE in capsys.readouterr().err


# ----------------------------------------------------------------- extract options anywhere
@pytest.mark.parametrize("argv", [
    ["analyse", "X", "--quiet", "--memory-limit", "1GB", "--temp-dir", "T", "trend"],
    ["analyse", "X", "trend", "--quiet", "--memory-limit", "1GB", "--temp-dir", "T"],
    ["analyse", "X", "--quiet", "trend", "--memory-limit", "1GB", "--temp-dir", "T"],
    ["analyse", "X", "--memory-limit", "1GB", "funnel", "--temp-dir", "T", "--quiet"],
])
def test_analyse_takes_the_extract_options_before_or_after_the_analysis(argv):
    args = parser().parse_args(argv)
    assert (args.quiet, args.memory_limit, args.temp_dir) == (True, "1GB", "T")
    assert args.encoding is None and args.database is None and args.alias is None


def test_analyse_options_not_given_after_the_analysis_keep_their_defaults():
    args = parser().parse_args(["analyse", "X", "trend"])
    assert (args.quiet, args.memory_limit, args.temp_dir, args.encoding) == (
        False, None, None, None)
