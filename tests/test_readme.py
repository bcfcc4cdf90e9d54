"""Every example of the README runs as written after the README's set-up.

The command lines of its "Command line" section are parsed by the real parser;
the quick ones run for real in a folder laid out as `make report` leaves the
repository (the extract at the Makefile's EXTRACT path, here the session's
small extract); the Python section runs against the example extract.
"""
from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from readmit.cli import main, parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _commands() -> list[str]:
    block = _section("Command line").split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line.split("  #", 1)[0].strip() for line in block.splitlines()]
    return [line for line in lines if line.startswith("readmit")]


def _extract_dir() -> str:
    return re.search(r"^EXTRACT\s*:=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M).group(1)


COMMANDS = _commands()
#: Run for real here (the others are run by their own tests: calibration and the
#: notebook at scale, generate by test_synthetic).
QUICK = ("readmit check", "readmit rates", "readmit readmissions", "readmit simulate")


def test_the_readme_shows_every_command():
    shown = {shlex.split(c)[1] for c in COMMANDS}
    assert {"check", "calibration", "rates", "readmissions", "simulate", "run-notebook",
            "generate", "--help", "--version"} <= shown


@pytest.mark.parametrize("line", COMMANDS)
def test_each_readme_command_parses(line, capsys):
    argv = shlex.split(line)[1:]
    if argv[0] in ("--help", "--version") or "--help" in argv:
        with pytest.raises(SystemExit) as exit_:
            parser().parse_args(argv)
        assert exit_.value.code == 0
        return
    args = parser().parse_args(argv)
    assert args.command == argv[0]
    for value in (getattr(args, "extract_dir", None), getattr(args, "extract", None)):
        if value is not None:   # the extract `make report` writes
            assert value == _extract_dir()
    with pytest.raises(SystemExit) as exit_:
        main([argv[0], "--help"])
    assert exit_.value.code == 0


@pytest.mark.parametrize("line", [c for c in COMMANDS if c.startswith(QUICK)])
def test_quick_readme_commands_run_as_written(line, small_extract, tmp_path, monkeypatch,
                                              capsys):
    where = tmp_path / _extract_dir()
    where.parent.mkdir(parents=True)
    os.symlink(small_extract, where)
    monkeypatch.chdir(tmp_path)
    assert main(shlex.split(line)[1:]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for out in re.findall(r"--out (\S+)", line):
        assert (tmp_path / out).is_file()


def test_the_python_section_runs(monkeypatch):
    import readmit

    code = _section("Python").split("```python\n", 1)[1].split("```", 1)[0]
    assert f'readmit.open("{_extract_dir()}")' in code
    code = code.replace(f'"{_extract_dir()}"', repr(str(readmit.datasets.example_extract())))
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert {"year", "institusjonID", "rate"} <= set(namespace["rates"].columns)
    assert len(namespace["stays"]) > 0 and list(namespace["burden"].columns)[0] == "year"
