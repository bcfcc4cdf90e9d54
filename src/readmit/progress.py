"""Progress of long steps, shown on a terminal and nowhere else.

A bar is drawn on standard error only when standard error is a terminal and
progress is not switched off (``readmit ... --quiet``, :func:`set_quiet`, or
the environment variable ``READMIT_QUIET=1``). Into a file, a pipe, a
notebook's captured output or a log, nothing is written, so output files and
piped tables never hold progress text. A finished bar is cleared.

Use :func:`bar` for a step with a known number of parts (blocks of persons,
models, draws) and :meth:`Bar.watch` (or :func:`duckdb_query`) to follow a
long DuckDB query through ``con.query_progress()``:

>>> from readmit import progress
>>> with progress.bar("generating", total=3, unit="block") as b:
...     for block in range(3):
...         b.advance()                  # after each block
>>> import duckdb
>>> con = duckdb.connect()
>>> with progress.duckdb_query(con, "counting"):
...     con.sql("SELECT count(*) FROM range(1000)").fetchall()
[(1000,)]

On a terminal the first shows ``generating: 67%|██████▋   | 2/3 block``; in a
doctest (not a terminal) nothing.
"""
from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

__all__ = ["enabled", "set_quiet", "quiet", "bar", "Bar", "duckdb_query", "duckdb_tracking"]

_state = {"quiet": False}
_POLL_SECONDS = 0.2


def set_quiet(value: bool = True) -> None:
    """Switch progress bars off (``True``) or back on, for this process.

    Examples
    --------
    >>> set_quiet(True); enabled()
    False
    >>> set_quiet(False)
    """
    _state["quiet"] = bool(value)


@contextmanager
def quiet() -> Iterator[None]:
    """No progress bars inside the ``with`` block.

    Examples
    --------
    >>> with quiet():
    ...     enabled()
    False
    """
    before = _state["quiet"]
    _state["quiet"] = True
    try:
        yield
    finally:
        _state["quiet"] = before


def enabled(stream: TextIO | None = None) -> bool:
    """Whether progress is shown: not quiet, and ``stream`` (standard error) is a terminal.

    Examples
    --------
    >>> import io
    >>> enabled(io.StringIO())
    False
    """
    if _state["quiet"] or os.environ.get("READMIT_QUIET", "") not in ("", "0"):
        return False
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):   # closed or not a real file
        return False


class _Stderr:
    """Standard error as tqdm should see it: written through Python's current
    ``sys.stderr`` (handed ``sys.stderr`` itself, tqdm 4.70 drew nothing on a
    pseudo-terminal)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return enabled()


class Bar:
    """One progress bar (or nothing, when progress is not shown).

    Made by :func:`bar`; ``advance``, ``update`` and ``describe`` move it.
    """

    def __init__(self, description: str, total: float | None, unit: str) -> None:
        self._tqdm: Any = None
        self._lock = threading.Lock()
        self.total = total
        self.done = 0.0
        if enabled():
            from tqdm import tqdm

            try:   # a terminal that reports no size (a fresh pseudo-terminal) gets 80
                width = os.get_terminal_size(sys.stderr.fileno()).columns
            except (OSError, ValueError, AttributeError):
                width = 0
            self._tqdm = tqdm(total=total, desc=description, unit=unit, file=_Stderr(),
                              leave=False, dynamic_ncols=width > 0,
                              ncols=None if width > 0 else 80, mininterval=_POLL_SECONDS,
                              bar_format=None if total else "{desc}: {elapsed}")

    @property
    def shown(self) -> bool:
        """Whether this bar is drawn."""
        return self._tqdm is not None

    def advance(self, n: float = 1) -> None:
        """Count ``n`` more parts done."""
        self.update(self.done + n)

    def update(self, done: float) -> None:
        """Set the parts done to ``done``."""
        with self._lock:
            self.done = float(done)
            if self._tqdm is not None:
                self._tqdm.n = round(self.done, 2)
                self._tqdm.refresh()

    def set_total(self, total: float) -> None:
        """Set the number of parts, once it is known."""
        with self._lock:
            self.total = total
            if self._tqdm is not None and self._tqdm.total != total:
                self._tqdm.total = total
                self._tqdm.bar_format = None
                self._tqdm.refresh()

    def describe(self, text: str) -> None:
        """Change the text before the bar."""
        if self._tqdm is not None:
            self._tqdm.set_description_str(text)

    @contextmanager
    def watch(self, con: Any, *, weight: float = 1.0) -> Iterator[None]:
        """Move the bar through the next ``weight`` parts as the DuckDB query running on
        ``con`` progresses (``con.query_progress()``, polled in a thread); on leaving,
        those parts are done."""
        start = self.done
        if self._tqdm is None:
            yield
            self.update(start + weight)
            return
        stop = threading.Event()

        def poll() -> None:
            while not stop.wait(_POLL_SECONDS):
                try:
                    pct = con.query_progress()
                except Exception:   # noqa: BLE001 - the connection may be busy or closed
                    return
                if pct is not None and pct >= 0:
                    self.update(start + weight * min(pct, 100.0) / 100.0)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
        self.update(start + weight)

    def close(self) -> None:
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None


@contextmanager
def bar(description: str, total: float | None = None, *, unit: str = "step") -> Iterator[Bar]:
    """A progress bar for a long step, cleared when the step ends.

    Parameters
    ----------
    description : str
        What is being done (``"loading episoder.parquet"``).
    total : float, optional
        The number of parts; ``None`` shows only the elapsed time.
    unit : str
        What a part is (``"block"``, ``"model"``, ``"draw"``).

    Yields
    ------
    Bar

    Examples
    --------
    >>> with bar("drawing", total=10_000, unit="draw") as b:
    ...     b.advance(10_000)
    >>> b.done
    10000.0
    """
    b = Bar(description, total, unit)
    try:
        yield b
    finally:
        b.close()


@contextmanager
def duckdb_query(con: Any, description: str) -> Iterator[Bar]:
    """A bar following the DuckDB query (or queries) run on ``con`` inside the block.

    ``con`` must track progress (:func:`duckdb_tracking`); connections made by
    :func:`readmit.open` do when progress is shown.
    """
    with bar(description, total=100, unit="%") as b, b.watch(con, weight=100):
        yield b


def duckdb_tracking(con: Any) -> None:
    """Let DuckDB track query progress on ``con`` without printing its own bar
    (when progress is shown), or switch tracking off (when it is not)."""
    import duckdb

    on = "true" if enabled() else "false"
    try:
        con.execute(f"SET enable_progress_bar = {on}")
        con.execute("SET enable_progress_bar_print = false")
    except duckdb.Error:
        pass   # in Jupyter without ipywidgets DuckDB refuses to touch the setting at all
