"""The checks of the loader: one ``rejects`` line per problem of a row.

:class:`Checks` is the part of :class:`readmit.extract.loader.Loader` that
looks at the staged rows of a file (``_stg_<table>``) and writes what is
wrong with them into ``_rejects``. It is written to cost little on the clean
files of a national extract: the per-row checks run in one pass; a check on a
coded column is prefiltered on the file's own column, which DuckDB evaluates
inside the Parquet reader; checks the row-group statistics prove empty are
skipped; integer ids are compared as integers, counted in a perfect hash when
the statistics bound them; persons are matched by an anti join.

A reject line is ``(file, row, column, reason, line)``: ``row`` is the 1-based
data row of the file (the header is not counted); ``line`` is the line of the
file it is on, counting the header as line 1, for CSV files whose line count
shows that every row is one line (else NULL, and always NULL for Parquet).
A row with several problems has one line per problem and counts once as
rejected. Reasons start with a fixed phrase, sometimes followed by ``": "``
and a detail:

- ``missing required value``: NULL or empty lopenr, episode_lnr, inndato, ...
- ``unparseable date: '<value>'`` (also ``number``, ``time``, ``timestamp``)
- ``unknown code: '<value>'``: outside the code list of extract.md, or an
  institusjonID not in ``reference/institusjoner.csv``
- ``discharge before admission``: utdato (and uttid) before inndato (and inntid)
- ``duplicate id: first at row <n>``: a later row with the same episode_lnr,
  kontakt_id or pasienter.lopenr (the first occurrence in the file is kept)
- ``person missing from pasienter``: an episode, contact or plan whose lopenr
  has no row in pasienter (``person rejected in pasienter`` if it has rows but
  none was kept)
- ``death before admission``: pasienter.doddato < episoder.inndato (column inndato)
- ``malformed CSV row: too many fields`` (or ``too few fields``,
  ``unterminated quote``, an encoding error); its row is the line number
  minus the header
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from readmit.extract.schema import UNIQUE_ID, UNPARSEABLE
from readmit.extract.sqltext import INT_KEYS, Params, q

if TYPE_CHECKING:
    from readmit.extract.sources import Source

__all__ = ["Checks", "CHECK_ORDER"]

#: Persons first: the other files are checked against them.
CHECK_ORDER = ("pasienter", "episoder", "akuttkontakter", "handlingsplaner")
#: Integer ids spanning at most 2^25 values are counted in an array (perfect hash).
_DENSE_BITS = 25


class Checks:
    """The checks of :class:`~readmit.extract.loader.Loader` (a mixin: it uses the
    loader's ``sql``, ``raw_kept``, ``int_keys``, ``src_cols``, ``proven``,
    ``ranges`` and ``institutions``)."""

    @staticmethod
    def _key_columns(src: Source) -> list[str]:
        """lopenr and the table's unique id, when the file holds them as integers (a
        text id compares equal exactly when the integer does)."""
        wanted = ["lopenr"] + ([UNIQUE_ID[src.table]] if src.table in UNIQUE_ID else [])
        return [n for n in wanted if n in src.source and src.source[n][1] in INT_KEYS]

    def _proven_by_statistics(self, src: Source, path: str) -> set[tuple[str, str]]:
        """The checks a Parquet file's statistics prove to find nothing: ``(column,
        "missing")`` when a required column has no NULL in any row group, ``(column,
        "code")`` when every integer from the column's smallest to its largest value
        is a valid code. Every row group must carry statistics."""
        rows = self.sql(
            "SELECT path_in_schema, bool_and(stats_null_count IS NOT NULL), "
            "sum(stats_null_count), "
            "bool_and(stats_min_value IS NOT NULL OR stats_null_count = num_values), "
            "min(TRY_CAST(stats_min_value AS HUGEINT)), max(TRY_CAST(stats_max_value AS HUGEINT)) "
            "FROM parquet_metadata($path) GROUP BY path_in_schema", {"path": path})
        stats = {r[0]: r[1:] for r in rows}
        proven = set()
        for col in src.columns:
            if col.name not in src.source:
                continue
            s_name, s_type = src.source[col.name]
            known_nulls, nulls, has_range, lo, hi = stats.get(s_name, (False, None, False,
                                                                       None, None))
            if col.required and known_nulls and nulls == 0 and s_type != "VARCHAR":
                proven.add((col.name, "missing"))
            if s_type in INT_KEYS and has_range and lo is not None and hi is not None:
                self.ranges.setdefault(src.table, {})[col.name] = (int(lo), int(hi))
            if (isinstance(col.codes, tuple) and s_type in INT_KEYS and has_range
                    and lo is not None and hi is not None and hi - lo < 100
                    and all(v in col.codes for v in range(int(lo), int(hi) + 1))):
                proven.add((col.name, "code"))
        return proven

    def _check(self, src: Source) -> None:
        """Insert one ``_rejects`` line per problem of ``_stg_<table>``."""
        table = src.table
        stg = f"_stg_{table}"
        raw_kept = self.raw_kept[table]
        proven = self.proven.get(table, set())
        p = Params()
        # (column, reason SQL, condition SQL, prefilter SQL or None): a prefilter is a
        # necessary condition on the file's own column that DuckDB evaluates inside the
        # Parquet reader (on dictionaries, skipping row groups), so such a check is run
        # on its own and costs next to nothing when the file is clean
        problems: list[tuple[str, str, str, str | None]] = []
        for col in src.columns:
            if col.name not in src.source:
                continue
            c = q(col.name)
            raw = q(f"_raw_{col.name}") if col.name in raw_kept else c
            source_col = q(f"_src_{col.name}") if col.name in self.src_cols.get(table, ()) \
                else None
            codes = None
            if col.codes is not None and (col.name, "code") not in proven:
                codes = self.institutions if col.codes == "institusjoner" else list(col.codes)
            prefilter = None
            if source_col and codes is not None:
                prefilter = f"{source_col} IS NULL OR NOT list_contains({p(codes)}, {source_col})"
            if col.required and (col.name, "missing") not in proven:
                problems.append((col.name, p("missing required value"), f"{raw} IS NULL",
                                 prefilter))
            if col.name in raw_kept:
                shown = f"left(CAST({raw} AS VARCHAR), 40)"
                problems.append((col.name, f"concat({p('unparseable ' + UNPARSEABLE[col.type])}, "
                                 f"': ''', {shown}, '''')", f"{raw} IS NOT NULL AND {c} IS NULL",
                                 None))
            if codes is not None:
                problems.append((col.name,
                                 f"concat('unknown code: ''', left(CAST({c} AS VARCHAR), 40), '''')",
                                 f"{c} IS NOT NULL AND NOT list_contains({p(codes)}, {c})",
                                 prefilter))
        if table == "episoder":
            problems.append(("utdato", p("discharge before admission"),
                             "utdato < inndato OR (utdato = inndato AND uttid < inntid)", None))
        f = p(table)
        groups: dict[str | None, list[tuple[str, str, str]]] = {}
        for column, reason, cond, prefilter in problems:
            groups.setdefault(prefilter, []).append((column, reason, cond))
        for prefilter, group in groups.items():   # the rest: every check in one pass
            items = ", ".join(f"{{'column': {p(column)}, 'reason': CASE WHEN {cond} THEN {reason} END}}"
                              for column, reason, cond in group)
            where = " OR ".join(f"({cond})" for _, _, cond in group)
            if prefilter:
                where = f"({prefilter}) AND ({where})"
            self.sql(f"INSERT INTO _rejects SELECT {f}, _row, p['column'], p['reason'] FROM ("
                     f"SELECT _row, unnest(list_filter([{items}], lambda x: x.reason IS NOT NULL)) "
                     f"AS p FROM {stg} WHERE {where}) AS u", p.values)
        if table in UNIQUE_ID:
            self._check_duplicates(src)
        if table == "pasienter":
            self._keep_persons()
        else:
            self._check_persons(src)

    def _key(self, table: str, column: str) -> str:
        """The column to compare ids by: ``_key_<column>`` (the integer) or the typed text."""
        return q("_key_" + column) if column in self.int_keys.get(table, ()) else q(column)

    def _check_duplicates(self, src: Source) -> None:
        """``duplicate id: first at row <n>`` for every later row with the same id; the
        rows are looked at only when some id occurs twice."""
        table, stg = src.table, f"_stg_{src.table}"
        column = UNIQUE_ID[table]
        key = self._key(table, column)
        with self._dense(table, column):
            self.sql(f"CREATE TEMP TABLE _dup AS SELECT {key} AS id FROM {stg} "
                     f"WHERE {key} IS NOT NULL GROUP BY ALL HAVING count(*) > 1")
        if self.sql("SELECT count(*) FROM _dup")[0][0]:
            self.sql(f"INSERT INTO _rejects SELECT $f, _row, $column, "
                     f"'duplicate id: first at row ' || first_row FROM ("
                     f"SELECT _row, min(_row) OVER (PARTITION BY {key}) AS first_row "
                     f"FROM {stg} WHERE {key} IN (SELECT id FROM _dup)) "
                     f"WHERE _row > first_row", {"f": table, "column": column})
        self.sql("DROP TABLE _dup")

    @contextmanager
    def _dense(self, table: str, column: str) -> Iterator[None]:
        """Let DuckDB count an integer id through a plain array (a perfect hash) when
        the file's statistics bound it to at most 2^25 values: several times faster
        than hashing 10^7 ids."""
        lo, hi = self.ranges.get(table, {}).get(column, (0, 1 << 62))
        bits = max(1, (hi - lo).bit_length())
        if column not in self.int_keys.get(table, ()) or bits > _DENSE_BITS:
            yield
            return
        self.sql(f"SET perfect_ht_threshold = {max(bits, 12)}")
        try:
            yield
        finally:
            self.sql("RESET perfect_ht_threshold")

    def _keep_persons(self) -> None:
        """``_kept_persons(key, doddato)``, the persons the other files are checked
        against, and ``_rejected_persons(key)``, persons with rows but none kept."""
        key = self._key("pasienter", "lopenr")
        if self.sql("SELECT count(*) FROM _rejects WHERE file = 'pasienter'")[0][0] == 0:
            self.sql(f"CREATE TEMP TABLE _kept_persons AS SELECT {key} AS key, doddato "
                     "FROM _stg_pasienter")
            self.sql("CREATE TEMP TABLE _rejected_persons AS SELECT key FROM _kept_persons "
                     "LIMIT 0")
            return
        rejected = "(SELECT \"row\" FROM _rejects WHERE file = 'pasienter')"
        self.sql(f"CREATE TEMP TABLE _kept_persons AS SELECT {key} AS key, doddato "
                 f"FROM _stg_pasienter WHERE {key} IS NOT NULL AND _row NOT IN {rejected}")
        self.sql(f"CREATE TEMP TABLE _rejected_persons AS SELECT DISTINCT {key} AS key "
                 f"FROM _stg_pasienter WHERE {key} IS NOT NULL AND _row IN {rejected} "
                 "EXCEPT SELECT key FROM _kept_persons")

    def _check_persons(self, src: Source) -> None:
        """Persons missing from (or rejected in) pasienter (an anti join with the kept
        persons) and, for episodes, deaths before the admission (a join with the
        persons who died)."""
        table, stg = src.table, f"_stg_{src.table}"
        persons_int = "lopenr" in self.int_keys.get("pasienter", ())
        if persons_int and "lopenr" in self.int_keys.get(table, ()):
            key = self._key(table, "lopenr")
        elif persons_int:   # text ids against integer ids: equal when the text is the integer
            key = ("CASE WHEN CAST(TRY_CAST(lopenr AS HUGEINT) AS VARCHAR) = lopenr "
                   "THEN TRY_CAST(lopenr AS HUGEINT) END")
        else:
            key = "lopenr"
        present = f"{key} IS NOT NULL" if key.startswith('"_key_') else "lopenr IS NOT NULL"
        # an anti join: the rows whose person is not kept (a text id that is no integer,
        # against integer ids, has a NULL key and no person)
        self.sql(f"INSERT INTO _rejects SELECT $f, _row, 'lopenr', CASE WHEN key IN "
                 "(SELECT key FROM _rejected_persons) THEN 'person rejected in pasienter' "
                 "ELSE 'person missing from pasienter' END FROM "
                 f"(SELECT _row, {key} AS key FROM {stg} WHERE {present}) s "
                 "ANTI JOIN _kept_persons USING (key)", {"f": table})
        if table == "episoder":
            self.sql(f"INSERT INTO _rejects SELECT $f, s._row, 'inndato', 'death before admission' "
                     f"FROM (SELECT _row, {key} AS key, inndato FROM {stg}) s "
                     "JOIN (SELECT key, doddato FROM _kept_persons WHERE doddato IS NOT NULL) d "
                     "ON d.key = s.key WHERE d.doddato < s.inndato", {"f": table})
