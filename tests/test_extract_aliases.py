"""NPR's own column spellings (issue 14): shipped aliases, the analyst's, any case.

The shipped spellings come from the 2019 NPR delivery to SKDE
(SKDE-Analyse/variable_doc, scripts/npr.csv): ``LNr`` (person id of the
M19 files), ``dodDato_DSF_190619``, ``fodtAar_DSF_190619`` and
``kjonn_DSF_190619`` (the person file), ``opphold_id_LNr`` (episode id),
``pid`` (SKDE's person id).
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

import readmit
from readmit.cli import main
from readmit.errors import ParameterError, StructuralError

sys.path.insert(0, str(Path(__file__).parent))
from test_loader import EPISODE_HEADER, PERSON_HEADER, base_rows, write_csv  # noqa: E402

D = dt.date


def renamed(rows: list[dict], header: list[str], names: dict[str, str]):
    """``rows`` and ``header`` with columns renamed (old -> new)."""
    return ([{names.get(k, k): v for k, v in r.items()} for r in rows],
            [names.get(h, h) for h in header])


def extract_with_names(tmp_path: Path, episode_names: dict[str, str],
                       person_names: dict[str, str]) -> Path:
    rows = base_rows()
    d = tmp_path / "x"
    d.mkdir()
    write_csv(d / "episoder.csv", *reversed(renamed(rows["episoder"], EPISODE_HEADER,
                                                    episode_names)))
    write_csv(d / "pasienter.csv", *reversed(renamed(rows["pasienter"], PERSON_HEADER,
                                                     person_names)))
    return d


def write_rows(path, header, rows):
    write_csv(path, header, rows)


def test_the_2019_delivery_names_are_read(tmp_path):
    d = tmp_path / "x"
    d.mkdir()
    rows = base_rows()
    e_rows, e_head = renamed(rows["episoder"], EPISODE_HEADER,
                             {"lopenr": "LNr", "episode_lnr": "opphold_id_LNr",
                              "uttilstand": "utTilstand", "inndato": "innDato"})
    p_rows, p_head = renamed(rows["pasienter"], PERSON_HEADER,
                             {"lopenr": "lnr", "doddato": "dodDato_DSF_190619",
                              "fodselsar": "fodtAar_DSF_190619", "kjonn": "KJONN_DSF_190619"})
    write_rows(d / "episoder.csv", e_head, e_rows)
    write_rows(d / "pasienter.csv", p_head, p_rows)
    with readmit.open(d) as ex:
        assert ex.con.execute("SELECT * FROM pasienter ORDER BY lopenr").fetchall() == [
            ("p1", 1950, 2, "4601", None), ("p2", 1940, 1, "4647", D(2019, 6, 1))]
        assert ex.con.execute("SELECT lopenr, episode_lnr, uttilstand, inndato FROM episoder "
                              "ORDER BY episode_lnr").fetchall() == [
            ("p1", 1, 1, D(2019, 3, 1)), ("p1", 2, 1, D(2019, 3, 20)), ("p2", 3, 1, D(2019, 5, 1))]
        # only real aliases are reported; utTilstand and innDato differ only in case
        assert ex.aliases_used == {
            "episoder": {"lopenr": "LNr", "episode_lnr": "opphold_id_LNr"},
            "pasienter": {"lopenr": "lnr", "fodselsar": "fodtAar_DSF_190619",
                          "kjonn": "KJONN_DSF_190619", "doddato": "dodDato_DSF_190619"},
        }


def test_check_says_which_aliases_it_used(tmp_path, capsys):
    d = extract_with_names(tmp_path, {"lopenr": "pid"}, {"lopenr": "PID"})
    assert main(["check", str(d)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "episoder.csv: read pid as lopenr (aliases)" in out
    assert "pasienter.csv: read PID as lopenr (aliases)" in out
    assert main(["check", str(d), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["aliases"] == {
        "episoder": {"lopenr": "pid"}, "pasienter": {"lopenr": "PID"}}


def test_own_name_wins_over_an_alias(tmp_path):
    rows = base_rows()
    for r in rows["pasienter"]:
        r["pid"] = "someone-else"
    d = tmp_path / "x"
    d.mkdir()
    write_csv(d / "episoder.csv", EPISODE_HEADER, rows["episoder"])
    write_csv(d / "pasienter.csv", ["pid"] + PERSON_HEADER, rows["pasienter"])
    with readmit.open(d) as ex:
        assert ex.aliases_used == {}
        assert sorted(ex.con.execute("SELECT lopenr FROM pasienter").fetchall()) == [("p1",),
                                                                                     ("p2",)]


@pytest.mark.parametrize("how", ["mapping", "list", "yaml"])
def test_the_analysts_own_aliases(tmp_path, how):
    d = extract_with_names(tmp_path, {"lopenr": "PersonID"}, {"lopenr": "personid"})
    aliases = {"mapping": {"lopenr": "PersonID"}, "list": {"LOPENR": ["nope", "personID"]},
               "yaml": tmp_path / "aliases.yaml"}[how]
    (tmp_path / "aliases.yaml").write_text("lopenr: [PersonID]\n")
    with pytest.raises(StructuralError, match="episoder.csv: missing required column lopenr"):
        readmit.open(d)
    with readmit.open(d, aliases=aliases) as ex:
        assert ex.counts["episoder"] == {"read": 3, "kept": 3, "rejected": 0}
        assert ex.aliases_used["pasienter"] == {"lopenr": "personid"}


def test_the_command_line_aliases(tmp_path, capsys):
    d = extract_with_names(tmp_path, {"lopenr": "PersonID"}, {"lopenr": "pnr"})
    (tmp_path / "a.yaml").write_text("lopenr: pnr\n")
    assert main(["check", str(d), "--alias", "lopenr=PersonID", "--aliases",
                 str(tmp_path / "a.yaml"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["aliases"] == {
        "episoder": {"lopenr": "PersonID"}, "pasienter": {"lopenr": "pnr"}}
    assert main(["check", str(d), "--alias", "lopenr"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "readmit check: --alias must look like COLUMN=NAME (lopenr=PersonID), not 'lopenr'"]


def test_bad_aliases_name_the_parameter(tmp_path):
    d = extract_with_names(tmp_path, {}, {})
    with pytest.raises(ParameterError, match="^aliases: 'personnummer' is not a column"):
        readmit.open(d, aliases={"personnummer": "x"})
    with pytest.raises(ParameterError, match="^aliases: the spellings of lopenr must be text"):
        readmit.open(d, aliases={"lopenr": [1]})
    with pytest.raises(ParameterError, match="^aliases: cannot read"):
        readmit.open(d, aliases=tmp_path / "nowhere.yaml")


def test_an_alias_pattern_matching_two_columns_is_a_fault(tmp_path):
    rows = base_rows()
    for r in rows["pasienter"]:
        r["dodDato_DSF_190619"] = r.pop("doddato")
        r["dodDato_DSF_200101"] = None
    d = tmp_path / "x"
    d.mkdir()
    write_csv(d / "episoder.csv", EPISODE_HEADER, rows["episoder"])
    write_csv(d / "pasienter.csv", ["lopenr", "dodDato_DSF_190619", "dodDato_DSF_200101"],
              rows["pasienter"])
    with pytest.raises(StructuralError, match=r"pasienter.csv: the alias dodDato\* of doddato "
                                              r"matches 2 columns \(dodDato_DSF_190619, "
                                              r"dodDato_DSF_200101\); name one"):
        readmit.open(d)
    with readmit.open(d, aliases={"doddato": "dodDato_DSF_200101"}) as ex:
        assert ex.con.execute("SELECT count(doddato) FROM pasienter").fetchall() == [(0,)]
