"""readmit.sql's table builder: one retry with one thread when DuckDB runs out of memory,
and joins as written for a model whose header asks for it."""
from __future__ import annotations

import duckdb
import pytest

from readmit.sql import create_table


class OutOfMemoryWithThreads:
    """A connection that runs out of memory on CREATE TABLE while threads > 1
    (what DuckDB does at 10^8 episodes under a 4 GB limit), else passes through."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, fail_always: bool = False) -> None:
        self.con, self.fail_always, self.creates = con, fail_always, []

    def execute(self, sql: str, params=None):
        if sql.startswith("CREATE OR REPLACE TABLE"):
            threads = int(self.con.execute("SELECT current_setting('threads')").fetchall()[0][0])
            self.creates.append(threads)
            if threads > 1 or self.fail_always:
                raise duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block")
        return self.con.execute(sql, params)


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("SET threads = 2")
    yield c
    c.close()


def test_a_table_is_built_again_with_one_thread_and_the_setting_restored(con):
    proxy = OutOfMemoryWithThreads(con)
    create_table(proxy, '"t"', "SELECT range AS x FROM range($n)", {"n": 5})
    assert proxy.creates == [2, 1]
    assert con.execute("SELECT sum(x) FROM t").fetchall() == [(10,)]
    assert con.execute("SELECT current_setting('threads')").fetchall() == [(2,)]


def test_out_of_memory_with_one_thread_too_is_raised_and_the_setting_restored(con):
    proxy = OutOfMemoryWithThreads(con, fail_always=True)
    with pytest.raises(duckdb.OutOfMemoryException):
        create_table(proxy, '"t"', "SELECT 1 AS x", {})
    assert proxy.creates == [2, 1]
    assert con.execute("SELECT current_setting('threads')").fetchall() == [(2,)]


def test_with_one_thread_already_there_is_no_retry(con):
    con.execute("SET threads = 1")
    proxy = OutOfMemoryWithThreads(con, fail_always=True)
    with pytest.raises(duckdb.OutOfMemoryException):
        create_table(proxy, '"t"', "SELECT 1 AS x", {})
    assert proxy.creates == [1]


def test_without_running_out_of_memory_it_is_one_create(con):
    calls = []

    class Counting:
        def execute(self, sql, params=None):
            calls.append(sql.split()[0])
            return con.execute(sql, params)

    create_table(Counting(), '"t"', "SELECT 7 AS x", {})
    assert calls == ["CREATE"] and con.execute("SELECT x FROM t").fetchall() == [(7,)]


class Recording:
    """A connection that records disabled_optimizers at each CREATE TABLE."""

    def __init__(self, con):
        self.con, self.seen = con, []

    def execute(self, sql, params=None):
        if sql.startswith("CREATE OR REPLACE TABLE"):
            self.seen.append(self.con.execute(
                "SELECT current_setting('disabled_optimizers')").fetchall()[0][0])
        return self.con.execute(sql, params)


def test_joins_as_written_builds_without_the_join_order_optimizer_and_restores_it(con):
    con.execute("SET disabled_optimizers = 'compressed_materialization'")
    proxy = Recording(con)
    create_table(proxy, '"t"', "SELECT 1 AS x", {}, joins_as_written=True)
    create_table(proxy, '"u"', "SELECT 1 AS x", {})
    assert "join_order" in proxy.seen[0] and "compressed_materialization" in proxy.seen[0]
    assert "join_order" not in proxy.seen[1]
    assert con.execute("SELECT current_setting('disabled_optimizers')").fetchall() == [
        ("compressed_materialization",)]


def test_the_comparison_design_asks_for_its_joins_as_written():
    from readmit.sql import _AS_WRITTEN, sql_text

    assert _AS_WRITTEN.search(sql_text("marts/comparison/mart_comparison_design.sql"))
    assert not _AS_WRITTEN.search(sql_text("intermediate/int_stays.sql"))
