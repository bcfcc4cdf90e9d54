"""Progress (issue 14): drawn on a terminal, and nowhere else.

The terminal is a pseudo-terminal (``pty``) given to a child process as its
standard error; the same child with standard error on a pipe, or with
``--quiet``, writes no progress at all, and standard output (a pipe) never
holds any. Nothing here depends on how long anything takes: a bar is drawn
when it starts.
"""
from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

import readmit

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

BAR_SCRIPT = """
from readmit import progress
with progress.bar("counting sheep", total=3, unit="sheep") as b:
    for _ in range(3):
        b.advance()
print("done")
"""


def run(args: list[str], *, terminal: bool, env: dict | None = None) -> tuple[str, str]:
    """Run ``python args`` with stdout on a pipe and stderr on a pty (``terminal``) or a
    pipe; return (stdout, what reached stderr)."""
    environment = {**os.environ, "COLUMNS": "100", **(env or {})}
    environment.pop("READMIT_QUIET", None)
    if env and "READMIT_QUIET" in env:
        environment["READMIT_QUIET"] = env["READMIT_QUIET"]
    if not terminal:
        proc = subprocess.run([sys.executable, *args], capture_output=True, text=True,
                              env=environment, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout, proc.stderr
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=slave,
                                stdin=subprocess.DEVNULL, env=environment)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:   # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        out = proc.stdout.read().decode()
        assert proc.wait(timeout=300) == 0
    finally:
        os.close(master)
    return out, b"".join(chunks).decode(errors="replace")


def test_a_bar_on_a_terminal_and_nowhere_else():
    out, err = run(["-c", BAR_SCRIPT], terminal=True)
    assert "counting sheep" in err and "\r" in err
    assert out == "done\n"
    out, err = run(["-c", BAR_SCRIPT], terminal=False)
    assert (out, err) == ("done\n", "")
    out, err = run(["-c", BAR_SCRIPT], terminal=True, env={"READMIT_QUIET": "1"})
    assert (out, err) == ("done\n", "")


def test_loading_shows_progress_on_a_terminal_only():
    example = str(readmit.datasets.example_extract())
    out, err = run(["-m", "readmit", "check", example], terminal=True)
    assert "loading example" in err
    assert out.startswith("file ") and "loading" not in out and "\r" not in out
    out_quiet, err_quiet = run(["-m", "readmit", "check", example, "--quiet"], terminal=True)
    assert err_quiet == "" and out_quiet == out
    out_pipe, err_pipe = run(["-m", "readmit", "check", example], terminal=False)
    assert err_pipe == "" and out_pipe == out


def test_progress_is_never_written_into_an_output_file(tmp_path):
    example = str(readmit.datasets.example_extract())
    target = tmp_path / "stays.csv"
    _, err = run(["-m", "readmit", "readmissions", example, "--out", str(target)],
                 terminal=True)
    assert "building the readmission rule" in err or "loading example" in err
    text = target.read_text()
    assert text.startswith("lopenr,admitted_at,") and "\r" not in text and "%|" not in text


def test_bars_are_silent_in_this_process():
    """pytest captures standard error (not a terminal): a bar draws nothing."""
    from readmit import progress

    assert not progress.enabled()
    with progress.bar("x", total=2) as b:
        b.advance(2)
        assert not b.shown
    assert b.done == 2.0
