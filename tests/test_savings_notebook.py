"""The savings notebook: jupytext source, papermill run, offline HTML."""
from __future__ import annotations

import re

import pytest

from readmit.cli import main
from readmit.errors import ParameterError
from readmit.savings.notebook import (executed_notebook, notebook_html, notebook_parameters,
                                      notebook_path)


def test_notebook_has_a_parameters_cell():
    import jupytext

    nb = jupytext.read(notebook_path())
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "scenarios =" in tagged[0].source and "draws =" in tagged[0].source


def test_parameters_from_flags_and_file(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("draws: 300\nseed: 5\nbed_day_cost: 31000\n")
    params = notebook_parameters(["psht_team"], ["seed=6", "reduction=0.2"], str(f))
    assert params == {"draws": 300, "seed": 6, "values": {"bed_day_cost": 31000, "reduction": 0.2},
                      "scenarios": ["psht_team"]}


@pytest.mark.parametrize("argv, fragment", [
    (["--param", "colour=red"], "unknown notebook parameter 'colour'"),
    (["--param", "draws"], "NAME=VALUE"),
    (["--param", "bed_day_cost=-5"], "bed_day_cost must be >= 0"),
    (["--param", "outcome=profit"], "unknown outcome"),
])
def test_bad_notebook_parameters_exit_2(capsys, tmp_path, argv, fragment):
    code = main(["run-notebook", *argv, "--out", str(tmp_path / "x.html")])
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()


def test_bad_parameter_check_needs_no_kernel():
    with pytest.raises(ParameterError):
        notebook_parameters(["psht_team"], ["reduction=3"])
    with pytest.raises(ParameterError, match="give extract too"):
        notebook_parameters(["psht_team"], ["trust=HFO"])


def test_the_kernel_is_this_python_over_ipc():
    import sys

    from readmit.savings.notebook import kernel_manager_class

    km = kernel_manager_class()(kernel_name="python3")
    assert km.transport == ("tcp" if sys.platform == "win32" else "ipc")
    assert km.kernel_spec.argv[0] == sys.executable


def test_a_small_extract_baseline_is_refused_by_the_page():
    from readmit.savings.prepare import Prepared, prepared_scenarios
    from readmit.savings.report import baseline_note

    p = prepared_scenarios([], {"bed_days": 10})
    small = Prepared(p.scenarios, {"source": "extract", "extract": "x", "year": 2019,
                                   "n_readmissions": 4.0, "bed_days": 10, "ukp_days": 0})
    with pytest.raises(ParameterError, match="fewer than 5 readmissions"):
        baseline_note(small, 10, 1)


@pytest.mark.slow
def test_notebook_runs_with_papermill_to_offline_html(tmp_path, capfd):
    from importlib import resources

    own = tmp_path / "my_team.yaml"   # a scenario file of one's own, by absolute path
    own.write_text(resources.files("readmit").joinpath("scenarios", "psht_team.yaml")
                   .read_text("utf-8"), encoding="utf-8")
    out = tmp_path / "savings.html"
    code = main(["run-notebook", "--scenario", "fewer_readmissions_10", "--scenario", str(own),
                 "--param", "draws=400", "--param", "seed=1", "--out", str(out)])
    assert code == 0
    # the kernel talks over IPC: no warning about unencrypted TCP, on any stream
    captured = capfd.readouterr()
    assert "TCP" not in captured.err and "TCP" not in captured.out
    page = out.read_text(encoding="utf-8")
    # the header names files, not absolute paths, and shows no Python repr
    header = page.split('<p class="meta">', 1)[1].split("</p>", 1)[0]
    assert "<code>scenarios=fewer_readmissions_10, my_team.yaml</code>" in header
    assert str(tmp_path) not in page and "[" not in header and "'" not in header
    # both scenarios compared in one page, with the worked example's base case
    assert "10% fewer readmissions" in page and "Patient-centred health team (PSHT)" in page
    assert "302.9" in page
    assert "Traceback" not in page
    # offline: no script or stylesheet loaded from anywhere, plotly.js embedded once
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert page.count("Plotly.newPlot") >= 4
    assert page.count("* plotly.js v") == 1
    assert "cdn.plot.ly/plotly" not in page.split("</head>")[1]


def test_html_from_a_hand_made_notebook():
    import nbformat

    fig = {"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {"title": {"text": "T"}}}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nSome *text*."),
        nbformat.v4.new_code_cell("fig", outputs=[nbformat.v4.new_output(
            "display_data", data={"application/vnd.plotly.v1+json": fig, "text/plain": "fig"})]),
    ])
    page = notebook_html(nb, {"draws": 10})
    assert "<h1>Title</h1>" in page and "<em>text</em>" in page
    assert "Plotly.newPlot" in page and "draws=10" in page
    assert not re.search(r"<script[^>]+src=", page)


@pytest.mark.slow
def test_executed_notebook_error_becomes_one_line():
    with pytest.raises(ParameterError.__mro__[1]) as info:  # ReadmitError
        executed_notebook({"scenarios": ["psht_team"], "draws": 10, "extract": "/no/such/dir"})
    assert "\n" not in str(info.value)
