"""The 11 diagnosis groups of the elderly indicator and FHI's exclusion list.

Every group's boundary codes (first and last of each range, with and without
the dot, 3 and 4 characters, and codes just outside), each written down by
hand from the SAS source (SKDE-Analyse/eldre-sas-utvalg,
Definisjoner_reinnleggelse_11gr.sas @ 1e9f4e3, lines 17-28;
SKDE-Analyse/sas_codes, makroer/reinnleggelser.sas @ 4289da1, lines 66-76),
checked three ways: through DuckDB (an extract with one person per code, read
back through the public ``index_stays``), against the pure-Python transcription
in tests/reference_readmissions.py, and the reference CSV files against that
transcription.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from extract_builder import ep, write_extract  # noqa: E402
import reference_readmissions as ref  # noqa: E402

import readmit  # noqa: E402
from readmit import indicator, readmissions  # noqa: E402

# (code as written in tilstand_1_1, expected group or None). SAS tests
# substr(code, 1, n) in (...): a code belongs when it starts with a listed code.
GROUP_CASES: list[tuple[str, str | None]] = [
    # asthma_copd J40-J47
    ("J40", "asthma_copd"), ("J40.0", "asthma_copd"), ("J400", "asthma_copd"),
    ("j40.9", "asthma_copd"), ("J47", "asthma_copd"), ("J47.9", "asthma_copd"),
    ("J479", "asthma_copd"), ("J39", None), ("J39.8", None), ("J48", None), ("J48.0", None),
    # urinary_tract_infection N30.0-N30.3, N30.8, N30.9 (4 characters only)
    ("N30.0", "urinary_tract_infection"), ("N300", "urinary_tract_infection"),
    ("N30.3", "urinary_tract_infection"), ("N303", "urinary_tract_infection"),
    ("N30.8", "urinary_tract_infection"), ("N308", "urinary_tract_infection"),
    ("N30.9", "urinary_tract_infection"), ("N309", "urinary_tract_infection"),
    ("N30.00", "urinary_tract_infection"),
    ("N30", None),  # 3 characters: substr('N30', 1, 4) = 'N30' is not in the list
    ("N30.4", None), ("N304", None), ("N30.7", None), ("N29.8", None), ("N31.0", None),
    ("N39.0", None),  # the common "UTI, site not specified" is not in the group
    # fracture S22 S32 S42 S52 S62 S72 S82 S92 T08 T10 T12
    ("S22", "fracture"), ("S22.0", "fracture"), ("S220", "fracture"), ("S32.0", "fracture"),
    ("S42.2", "fracture"), ("S52.5", "fracture"), ("S62.3", "fracture"), ("S72", "fracture"),
    ("S72.0", "fracture"), ("S720", "fracture"), ("S72.00", "fracture"), ("S82.6", "fracture"),
    ("S92.3", "fracture"), ("T08", "fracture"), ("T10", "fracture"), ("T12", "fracture"),
    ("S21.9", None), ("S23", None), ("S71.9", None), ("S73.0", None), ("S93", None),
    ("T07", None), ("T09", None), ("T11", None), ("T13", None),
    # dehydration E86
    ("E86", "dehydration"), ("E86.0", "dehydration"), ("E860", "dehydration"),
    ("E85.9", None), ("E87", None), ("E87.1", None),
    # constipation K59.0 (4 characters only)
    ("K59.0", "constipation"), ("K590", "constipation"), ("k59.0", "constipation"),
    ("K59", None), ("K59.1", None), ("K591", None), ("K58.9", None),
    # gastroenteritis A00-A09
    ("A00", "gastroenteritis"), ("A00.0", "gastroenteritis"), ("A000", "gastroenteritis"),
    ("A09", "gastroenteritis"), ("A09.9", "gastroenteritis"), ("A099", "gastroenteritis"),
    ("A10", None), ("B00", None),
    # gout_arthritis M05-M07, M10-M13, M15-M19
    ("M05", "gout_arthritis"), ("M05.3", "gout_arthritis"), ("M053", "gout_arthritis"),
    ("M07", "gout_arthritis"), ("M07.3", "gout_arthritis"), ("M10", "gout_arthritis"),
    ("M10.0", "gout_arthritis"), ("M13", "gout_arthritis"), ("M13.9", "gout_arthritis"),
    ("M15", "gout_arthritis"), ("M15.0", "gout_arthritis"), ("M19", "gout_arthritis"),
    ("M19.9", "gout_arthritis"),
    ("M04", None), ("M04.1", None), ("M08", None), ("M08.0", None), ("M09", None),
    ("M14", None), ("M14.8", None), ("M20", None), ("M20.1", None),
    # heart_failure I43, I50, J81, I09.9, I11.9, I13.0, I13.2, I25.5, I42.0, I42.5-I42.9, I97.1
    ("I43", "heart_failure"), ("I43.1", "heart_failure"), ("I50", "heart_failure"),
    ("I50.0", "heart_failure"), ("I500", "heart_failure"), ("I50.9", "heart_failure"),
    ("J81", "heart_failure"), ("J81.0", "heart_failure"), ("I09.9", "heart_failure"),
    ("I099", "heart_failure"), ("I11.9", "heart_failure"), ("I119", "heart_failure"),
    ("I13.0", "heart_failure"), ("I13.2", "heart_failure"), ("I25.5", "heart_failure"),
    ("I42.0", "heart_failure"), ("I42.5", "heart_failure"), ("I425", "heart_failure"),
    ("I42.9", "heart_failure"), ("I97.1", "heart_failure"), ("I971", "heart_failure"),
    ("I42", None), ("I42.1", None), ("I42.4", None), ("I424", None), ("I09", None),
    ("I09.8", None), ("I11", None), ("I11.0", None), ("I13", None), ("I13.1", None),
    ("I13.9", None), ("I25", None), ("I25.4", None), ("I25.6", None), ("I97", None),
    ("I97.0", None), ("I97.8", None), ("I44", None), ("I49.9", None), ("I51", None),
    ("I51.9", None), ("J80", None), ("J82", None),
    # deficiency_anaemia D50-D53
    ("D50", "deficiency_anaemia"), ("D50.0", "deficiency_anaemia"), ("D500", "deficiency_anaemia"),
    ("D53", "deficiency_anaemia"), ("D53.9", "deficiency_anaemia"), ("D539", "deficiency_anaemia"),
    ("D49", None), ("D48.9", None), ("D54", None), ("D55.0", None),
    # pneumonia J12-J18
    ("J12", "pneumonia"), ("J12.9", "pneumonia"), ("J129", "pneumonia"), ("J18", "pneumonia"),
    ("J18.9", "pneumonia"), ("J189", "pneumonia"),
    ("J11", None), ("J11.1", None), ("J19", None), ("J20.9", None),
    # stroke I61, I63, I64 (not I62)
    ("I61", "stroke"), ("I61.9", "stroke"), ("I619", "stroke"), ("I63", "stroke"),
    ("I63.9", "stroke"), ("I64", "stroke"), ("I64.9", "stroke"),
    ("I60", None), ("I60.9", None), ("I62", None), ("I62.9", None), ("I65", None), ("I65.2", None),
    # blanks around the code are not part of it
    (" J44.1 ", "asthma_copd"),
]

# (code, on FHI's 2016 list): C, D0, D37-D48, V-Y, T1 T2 T3 T6 T7 T9, T51-T59,
# Z1 Z2 Z3 Z6 Z8 Z9, Z00-Z02, Z04-Z09, Z40 Z41 Z43-Z46 Z49, Z50-Z53, Z55-Z59, Z70-Z73, Z76-Z79
EXCLUSION_CASES: list[tuple[str, bool]] = [
    ("C00", True), ("C50.9", True), ("C97", True), ("c61", True),
    ("D00", True), ("D09.9", True), ("D10", False), ("D36.9", False),
    ("D37", True), ("D37.0", True), ("D48", True), ("D48.9", True), ("D49", False), ("D50", False),
    ("U99", False), ("V01", True), ("V99", True), ("W19", True), ("X59.9", True), ("Y98", True),
    ("T00", False), ("T08", False), ("T09", False), ("T10", True), ("T12", True), ("T19", True),
    ("T20", True), ("T39", True), ("T39.0", True), ("T40", False), ("T50", False),
    ("T50.9", False), ("T51", True), ("T59", True), ("T59.9", True), ("T60", True), ("T79", True),
    ("T79.3", True), ("T80", False), ("T88", False), ("T90", True), ("T98", True),
    ("S72.0", False),
    ("Z00", True), ("Z02", True), ("Z03", False), ("Z03.9", False), ("Z04", True), ("Z09", True),
    ("Z10", True), ("Z39", True), ("Z40", True), ("Z41", True), ("Z42", False), ("Z43", True),
    ("Z46", True), ("Z47", False), ("Z48", False), ("Z49", True), ("Z50", True), ("Z53", True),
    ("Z54", False), ("Z55", True), ("Z59", True), ("Z60", True), ("Z69", True), ("Z70", True),
    ("Z73", True), ("Z74", False), ("Z75", False), ("Z75.1", False), ("Z76", True), ("Z79", True),
    ("Z80", True), ("Z99", True), ("Z99.1", True),
    ("I50.0", False), ("J18.9", False),
]

GROUPS = list(ref.ELDERLY_GROUP_PREFIXES)


def _codes_of_length(n: int) -> list[str]:
    """Every ICD-10-shaped prefix of n characters: a letter, then digits."""
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    return [f"{a}{d:0{n - 1}d}" if n > 1 else a for a in letters for d in range(10 ** (n - 1))]


def _expand(frame: pd.DataFrame, key: str) -> dict[str, set[str]]:
    """Each range row as the prefixes of its length it covers (first <= p <= last)."""
    out: dict[str, set[str]] = {}
    for row in frame.itertuples(index=False):
        first, last = row.first, row.last
        assert len(first) == len(last) and first <= last, row
        codes = {c for c in _codes_of_length(len(first)) if first <= c <= last}
        out.setdefault(getattr(row, key), set()).update(codes)
    return out


# --------------------------------------------------------------------------- reference files
def test_elderly_groups_file_is_the_sas_lists() -> None:
    groups = indicator.elderly_groups()
    assert list(groups.columns) == ["group", "first", "last", "title"]
    assert indicator.elderly_group_names() == tuple(GROUPS)
    assert groups["first"].str.len().isin([3, 4]).all()
    expanded = _expand(groups, "group")
    assert {g: sorted(c) for g, c in expanded.items()} == \
        {g: sorted(p) for g, p in ref.ELDERLY_GROUP_PREFIXES.items()}


def test_elderly_groups_do_not_overlap() -> None:
    rows = list(indicator.elderly_groups().itertuples(index=False))
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            short, long_ = (a, b) if len(a.first) <= len(b.first) else (b, a)
            n = len(short.first)
            overlap = long_.first[:n] <= short.last and long_.last[:n] >= short.first
            assert not overlap, (a, b)


def test_exclusion_file_is_the_sas_list() -> None:
    path = Path(indicator.__file__).parent / "reference" / "readmission_exclusions.csv"
    frame = pd.read_csv(path, comment="#", dtype=str)
    codes = set().union(*_expand(frame, "category").values())
    assert sorted(codes) == sorted(ref.EXCLUDED_PREFIXES)


@pytest.mark.parametrize("name", ["elderly_groups.csv", "readmission_exclusions.csv"])
def test_reference_files_name_their_source(name: str) -> None:
    text = (Path(indicator.__file__).parent / "reference" / name).read_text(encoding="utf-8")
    header = [ln for ln in text.splitlines() if ln.startswith("#")]
    assert any("github.com/SKDE-Analyse/" in ln for ln in header)
    commit = "1e9f4e3a4da16386add71e02b8f2b8b71e46bcfd" if name.startswith("elderly") \
        else "4289da1ef560584115a30ca1afa780b980f46565"
    assert any(commit in ln for ln in header)
    readme = (Path(indicator.__file__).parent / "reference" / "README.md").read_text(encoding="utf-8")
    assert name in readme and commit in readme


# --------------------------------------------------------------------------- the Python transcription
@pytest.mark.parametrize("code,group", GROUP_CASES)
def test_reference_transcription_groups(code: str, group: str | None) -> None:
    assert ref.elderly_group_of(code) == group


@pytest.mark.parametrize("code,excluded", EXCLUSION_CASES)
def test_reference_transcription_exclusions(code: str, excluded: bool) -> None:
    assert ref.is_excluded_readmission(code) is excluded


# --------------------------------------------------------------------------- DuckDB
@pytest.fixture(scope="module")
def codes_extract(tmp_path_factory) -> Path:
    """Person g<i>: one stay with GROUP_CASES[i]'s code. Person x<i>: an index stay
    (I50.0) readmitted after 5 days (03-05 12:00 -> 03-10 12:00 = 120 h) by an acute
    stay whose main condition is EXCLUSION_CASES[i]'s code."""
    episodes = []
    n = 0
    for i, (code, _) in enumerate(GROUP_CASES):
        n += 1
        episodes.append(ep(f"g{i:03d}", n, "2019-03-01 10:00", "2019-03-05 12:00",
                           tilstand_1_1=code))
    for i, (code, _) in enumerate(EXCLUSION_CASES):
        episodes.append(ep(f"x{i:03d}", n + 1, "2019-03-01 10:00", "2019-03-05 12:00"))
        episodes.append(ep(f"x{i:03d}", n + 2, "2019-03-10 12:00", "2019-03-12 12:00",
                           tilstand_1_1=code))
        n += 2
    out = tmp_path_factory.mktemp("codes") / "x"
    write_extract(out, episodes)
    return out


@pytest.mark.parametrize("group", GROUPS + ["all"])
def test_sql_groups_every_boundary_code(codes_extract: Path, group: str) -> None:
    with readmit.open(codes_extract) as ex:
        stays = readmit.Readmissions(ex, elderly_group=group, end_date="2019-12-31").index_stays()
    got = sorted(p for p in stays.lopenr if p.startswith("g"))
    expected = sorted(f"g{i:03d}" for i, (_, g) in enumerate(GROUP_CASES)
                      if g is not None and group in ("all", g))
    assert got == expected, [GROUP_CASES[int(p[1:])] for p in set(got) ^ set(expected)]


def test_sql_no_group_filter_keeps_every_code(codes_extract: Path) -> None:
    with readmit.open(codes_extract) as ex:
        stays = readmit.Readmissions(ex, end_date="2019-12-31").index_stays()
    assert sum(p.startswith("g") for p in stays.lopenr) == len(GROUP_CASES)


@pytest.mark.parametrize("exclude", [False, True])
def test_sql_excludes_every_listed_readmission_code(codes_extract: Path, exclude: bool) -> None:
    with readmit.open(codes_extract) as ex:
        stays = readmit.Readmissions(ex, exclude_planned_conditions=exclude,
                                         end_date="2019-12-31").index_stays()
    first = stays[stays.lopenr.str.startswith("x")].groupby("lopenr").head(1)
    got = dict(zip(first.lopenr, first.readmitted))
    # readmitted unless the readmission's main condition is on the list (and the list is used)
    expected = {f"x{i:03d}": int(not (exclude and excluded))
                for i, (_, excluded) in enumerate(EXCLUSION_CASES)}
    wrong = {EXCLUSION_CASES[int(p[1:])]: got[p] for p in expected if got.get(p) != expected[p]}
    assert not wrong
    assert (first.loc[first.readmitted == 1, "hours_to_readmission"] == 120.0).all()


def test_unknown_group_names_the_parameter() -> None:
    with pytest.raises(readmit.errors.ParameterError, match="^elderly_group must be"):
        readmissions.rule_parameters(elderly_group="copd")
