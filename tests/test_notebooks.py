"""Every analyst notebook in notebooks/ runs top to bottom on a small extract.

The notebooks are jupytext percent scripts with a cell tagged ``parameters``;
papermill injects ``extract_dir`` (the session's small synthetic extract) and
runs them with the project's ``python3`` kernel. The savings notebook has its
own tests (test_savings_notebook.py).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

NOTEBOOKS = sorted(p for p in (Path(__file__).parent.parent / "notebooks").glob("[0-9]*.py"))


def _parameters_cell(path: Path):
    import jupytext

    nb = jupytext.read(path)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    return nb, tagged


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_readable_and_calls_only_the_library(path):
    nb, tagged = _parameters_cell(path)
    assert len(tagged) == 1, "one cell tagged 'parameters'"
    assert "extract_dir =" in tagged[0].source
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    assert markdown and markdown[0].source.startswith("# "), "a title"
    assert len(markdown) >= 3, "prose explains the analysis"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef,
                                                              ast.Lambda))]
        assert not defs, f"{path.name}: define functions in the library, not the notebook"
        assert "SELECT" not in cell.source.upper().replace("SELECTION", ""), \
            f"{path.name}: SQL belongs in the library"
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) \
                    else [node.module or ""]
                assert all(n.split(".")[0] == "readmit" for n in names), \
                    f"{path.name}: imports {names}; notebooks call only readmit"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, small_extract):
    import jupytext
    import papermill

    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    out = papermill.execute_notebook(
        nb, None, parameters={"extract_dir": str(small_extract)}, kernel_name="python3",
        progress_bar=False, cwd=str(path.parent), execution_timeout=300)
    errors = [o for c in out.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
