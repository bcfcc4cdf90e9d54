"""The Python API as an analyst meets it in a notebook (issue 13, items 14, 15, 17).

Public names listed and documented, nothing private leaking; errors naming the
Python parameter (never a CLI flag); a misspelt keyword a TypeError naming the
public function; flags as booleans and day counts as one nullable integer type.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pandas as pd
import pytest

import readmit
from readmit.errors import ParameterError

SRC = Path(readmit.__file__).parent


@pytest.fixture(scope="module")
def rule():
    ex = readmit.open(readmit.datasets.example_extract())
    yield readmit.Readmissions(ex)
    ex.close()


# ----------------------------------------------------------------- item 14: public names
def test_dir_lists_the_public_names_and_nothing_private():
    names = dir(readmit)
    assert set(names) == set(readmit.__all__)
    for public in ("open", "Extract", "Readmissions", "datasets", "ParameterError",
                   "index_stays", "readmission_rates", "readmission_burden", "__version__"):
        assert public in names
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    assert "loader" not in names and "rule" not in names


def test_every_public_name_exists_and_is_documented():
    for name in readmit.__all__:
        obj = getattr(readmit, name)
        if name == "__version__":
            assert re.fullmatch(r"\d+\.\d+\.\d+", obj)
            continue
        assert inspect.getdoc(obj), f"readmit.{name} has no docstring"
    assert "Readmissions" in readmit.__doc__


def test_star_import_gives_the_public_names():
    namespace: dict = {}
    exec("from readmit import *", namespace)
    assert {"open", "Readmissions", "Extract"} <= set(namespace)
    assert "_csv" not in namespace and "_schema" not in namespace


# ----------------------------------------------------------------- item 15: errors name Python
#: Modules and functions that are the command line: their messages may name flags.
CLI_MODULES = {"cli", "savings/cli.py", "synthetic/cli.py"}


def _is_cli(path: Path) -> bool:
    rel = path.relative_to(SRC).as_posix()
    return rel.startswith("cli/") or rel in CLI_MODULES


def _flag_messages(path: Path) -> list[str]:
    """Text of every raise outside a ``*_command`` function that names a ``--flag``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, in_command: bool) -> None:
        for child in ast.iter_child_nodes(node):
            is_function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            inside = in_command or (is_function and child.name.endswith("_command"))
            if isinstance(child, ast.Raise) and not in_command and child.exc is not None:
                for const in ast.walk(child.exc):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str) \
                            and re.search(r"--[a-z]", const.value):
                        found.append(f"{path.relative_to(SRC)}:{child.lineno}: {const.value}")
            visit(child, inside)

    visit(tree, False)
    return found


def test_library_errors_never_name_a_cli_flag():
    offenders = []
    for path in SRC.rglob("*.py"):
        if not _is_cli(path):
            offenders += _flag_messages(path)
    assert offenders == []


def test_the_ast_check_finds_a_flag_in_a_library_raise(tmp_path):
    # the check itself can fail: a library function raising with a flag is found,
    # the same raise inside a *_command handler is not
    f = SRC / "_flag_probe_for_test.py"
    f.write_text("def f():\n    raise ValueError('--window-days must be >= 1')\n"
                 "def g_command(args):\n    raise ValueError('--out is a folder')\n")
    try:
        assert [m.split(": ", 1)[1] for m in _flag_messages(f)] == ["--window-days must be >= 1"]
    finally:
        f.unlink()


@pytest.mark.parametrize("call, fragment", [
    (lambda ex: readmit.Readmissions(ex, window_days=0), "window_days must be at least 1"),
    (lambda ex: readmit.Readmissions(ex, sector="psych"), "sector must be one of"),
    (lambda ex: readmit.Readmissions(ex, years="2019-2014"), "years: the last year"),
    (lambda ex: readmit.Readmissions(ex).rates(by="colour"), "by: cannot group by 'colour'"),
])
def test_rule_errors_name_the_python_parameter(call, fragment):
    with readmit.open(readmit.datasets.example_extract()) as ex:
        with pytest.raises(ParameterError) as info:
            call(ex)
    assert fragment in str(info.value) and "--" not in str(info.value)


def test_savings_and_generator_errors_name_the_python_parameter(tmp_path):
    from readmit.savings import saving, tornado
    from readmit.savings.prepare import prepared_scenarios
    from readmit.savings.scenarios import load_scenario
    from readmit.synthetic import generate_extract

    cases = [
        (lambda: prepared_scenarios([]), "no baseline: give bed_days"),
        (lambda: prepared_scenarios([], {"bed_days": 1}, trust="HFO"), "give extract too"),
        (lambda: saving(0.1, bed_days=-1), "bed_days must be >= 0"),
        (lambda: tornado(load_scenario("psht_team"), "profit"), "outcome must be one of"),
        (lambda: generate_extract(tmp_path, scale=-1), "scale must be a number > 0"),
        (lambda: generate_extract(tmp_path, fmt="xlsx"), "fmt must be 'parquet' or 'csv'"),
        (lambda: generate_extract(tmp_path, years=(2019, 2014)), "years: the last year"),
    ]
    for call, fragment in cases:
        with pytest.raises(ParameterError) as info:
            call()
        assert fragment in str(info.value) and "--" not in str(info.value)
    assert not any(tmp_path.iterdir())   # nothing written on a bad parameter


def test_a_misspelt_keyword_names_the_public_function(rule):
    from readmit.savings import monte_carlo_savings, saving
    from readmit.savings.scenarios import load_scenario

    calls = [
        (lambda: readmit.Readmissions(rule.extract, window_day=30), "Readmissions"),
        (lambda: rule.rates(bye="year"), "Readmissions.rates"),
        (lambda: rule.burden(group="year"), "Readmissions.burden"),
        (lambda: rule.index_stays(all_column=True), "Readmissions.index_stays"),
        (lambda: saving(0.1, bed_day=10), "saving"),
        (lambda: monte_carlo_savings(load_scenario("psht_team"), 10, seeds=1),
         "monte_carlo_savings"),
    ]
    for call, public in calls:
        with pytest.raises(TypeError) as info:
            call()
        message = str(info.value)
        assert "unexpected keyword argument" in message and public in message, message


def test_public_functions_take_no_catch_all_keywords():
    # a **kwargs would pass a misspelt keyword on to an internal function
    modules = ["readmit", "readmit.rule", "readmit.savings", "readmit.savings.baselines",
               "readmit.savings.prepare", "readmit.synthetic", "readmit.privacy"]
    offenders = []
    for name in modules:
        module = importlib.import_module(name)
        for public in getattr(module, "__all__", []):
            obj = getattr(module, public)
            targets = [obj] + ([m for _, m in inspect.getmembers(obj, inspect.isfunction)
                                if not m.__name__.startswith("_")] if inspect.isclass(obj) else [])
            for f in targets:
                if callable(f) and not isinstance(f, type(readmit)):
                    try:
                        sig = inspect.signature(f)
                    except (TypeError, ValueError):
                        continue
                    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
                        offenders.append(f"{name}.{public}")
    assert offenders == []


# ----------------------------------------------------------------- item 17: types
def test_flags_are_booleans_and_day_counts_nullable_integers(rule):
    stays = rule.index_stays(all_columns=True)
    for flag in ("readmitted", "eligible", "died_in_window", "ready_for_discharge"):
        assert stays[flag].dtype == bool, flag
    for count in ("age", "los_days", "ukp_days", "days_to_readmission", "year"):
        assert stays[count].dtype == pd.Int64Dtype(), count
    # days to readmission is missing exactly where there was no readmission
    assert stays.loc[~stays.readmitted, "days_to_readmission"].isna().all()
    assert stays.loc[stays.readmitted, "days_to_readmission"].notna().all()
    # the flags are the same facts as the SQL's 0/1 (no NULL turned True)
    raw = rule.frame("SELECT readmitted, eligible, died_in_window FROM mart_index_stays "
                     "ORDER BY lopenr, admitted_at, stay_id")
    for flag in ("readmitted", "eligible", "died_in_window"):
        assert raw[flag].notna().all()
        assert (raw[flag].astype(int).to_numpy() == stays[flag].astype(int).to_numpy()).all()


def test_every_submodule_imports_without_optional_packages_at_import_time():
    # the notebook runner imports papermill/jupytext only when it runs
    for info in pkgutil.walk_packages(readmit.__path__, "readmit."):
        if info.name.startswith("readmit.notebooks") or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
