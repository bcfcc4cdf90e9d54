"""``readmit run-notebook``: run the savings notebook with parameters or
scenario files and write one HTML file that opens offline.

The notebook ``notebooks/savings_scenarios.py`` (jupytext percent format) is
converted with jupytext, executed with papermill and its outputs rendered
into a jinja2 template with plotly.js embedded once: no CDN, no require.js,
no MathJax, nothing fetched over the network.

The kernel is this Python (the one readmit is installed in, whatever
kernels Jupyter knows of) and talks to papermill over local IPC sockets in
the user's Jupyter runtime folder, not TCP: nothing of the notebook's health
data crosses a network port, and the kernel does not warn about
unencrypted TCP.
"""
from __future__ import annotations

import datetime as dt
import html
import os
import re
from argparse import Namespace
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path

import jinja2
import yaml

from readmit.errors import ParameterError, ReadmitError, StructuralError
from readmit.savings.model import OUTCOMES, PARAMETERS

NOTEBOOK = "savings_scenarios.py"
#: The notebook's own parameters (its cell tagged ``parameters``); model
#: parameter names given with --param go into its ``values``.
NOTEBOOK_PARAMETERS = ("scenarios", "values", "draws", "seed", "extract", "year", "trust",
                       "sector", "statutory_ukp_rate", "outcome")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run_notebook_command(args: Namespace) -> int:
    """Run ``readmit run-notebook``; returns the exit code."""
    params = notebook_parameters(args.scenario, args.param, getattr(args, "params", None))
    out = Path(args.out)
    if out.suffix.lower() not in {".html", ".htm"}:
        raise ParameterError(f"--out must name an .html file, not {args.out!r}")
    nb = executed_notebook(params)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(notebook_html(nb, params), encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


def notebook_path() -> Path:
    """The notebook's jupytext source, shipped inside the package as
    ``readmit/notebooks/`` (the repository's ``notebooks/`` links to it)."""
    from importlib import resources

    candidates = [Path(str(resources.files("readmit").joinpath("notebooks", NOTEBOOK)))]
    for path in candidates:
        if path.is_file():
            return path
    raise StructuralError(f"the savings notebook {NOTEBOOK} is not found (looked in "
                          f"{', '.join(str(p.parent) for p in candidates)})")


def notebook_parameters(scenarios: Iterable[str] | None = None,
                        assignments: Iterable[str] | None = None,
                        params_file: str | None = None) -> dict:
    """Papermill parameters from ``--scenario``, ``--param NAME=VALUE`` and a
    parameter file, checked before any kernel starts.

    VALUE is read as YAML (``0.2``, ``[a, b]``, ``{distribution: beta, ...}``);
    a model parameter name (``bed_day_cost=35000``) goes into ``values``.

    Examples
    --------
    >>> notebook_parameters(["psht_team"], ["bed_day_cost=35000", "draws=500"])
    {'values': {'bed_day_cost': 35000}, 'draws': 500, 'scenarios': ['psht_team']}
    """
    given: dict = {}
    if params_file:
        path = Path(params_file)
        if not path.is_file():
            raise ParameterError(f"parameter file not found: {params_file}")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, Mapping):
            raise ParameterError(f"{params_file}: a parameter file must be a YAML mapping")
        given.update(data)
    for text in assignments or ():
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"assignments must look like NAME=VALUE, not {text!r}")
        given[name.strip()] = yaml.safe_load(value) if value.strip() else None
    params: dict = {}
    for name, value in given.items():
        if name in PARAMETERS:
            params.setdefault("values", {})[name] = value
        elif name in NOTEBOOK_PARAMETERS:
            params[name] = ({**params.get("values", {}), **value} if name == "values" else value)
        else:
            raise ParameterError(f"unknown notebook parameter {name!r}; known: "
                                 f"{', '.join(NOTEBOOK_PARAMETERS)} and the model's parameters")
    if scenarios:
        params["scenarios"] = list(scenarios)
    if "scenarios" in params:
        params["scenarios"] = [str(Path(s).resolve()) if Path(s).is_file() else s
                               for s in params["scenarios"]]
    if params.get("extract"):
        params["extract"] = str(Path(params["extract"]).resolve())
    _check(params)
    return params


def _check(params: dict) -> None:
    from readmit.savings.montecarlo import resolved_seed
    from readmit.savings.prepare import prepared_scenarios

    if "outcome" in params and params["outcome"] not in OUTCOMES:
        raise ParameterError(f"unknown outcome {params['outcome']!r}; known: {', '.join(OUTCOMES)}")
    draws = params.get("draws", 1)
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ParameterError(f"draws must be a whole number >= 1, not {draws!r}")
    if "seed" in params:
        resolved_seed(params["seed"])
    if not params.get("extract"):  # the extract is read once, in the kernel
        prepared_scenarios(params.get("scenarios", ["fewer_readmissions_10"]), params.get("values"),
                           year=params.get("year"), trust=params.get("trust"),
                           sector=params.get("sector"),
                           statutory_ukp_rate=bool(params.get("statutory_ukp_rate")))


@contextmanager
def _environment(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def executed_notebook(parameters: Mapping | None = None, timeout: int = 600):
    """The savings notebook executed by papermill with ``parameters``.

    Returns
    -------
    nbformat.NotebookNode
    """
    import jupytext
    import papermill

    nb = jupytext.read(notebook_path())
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    try:
        # The kernel inherits this: plotly emits its JSON, which notebook_html renders.
        with _environment(PLOTLY_RENDERER="plotly_mimetype"):
            return papermill.execute_notebook(
                nb, None, parameters=dict(parameters or {}), kernel_name="python3",
                progress_bar=False, cwd=str(notebook_path().parent), execution_timeout=timeout,
                kernel_manager_class=kernel_manager_class())
    except papermill.PapermillExecutionError as exc:
        if exc.ename in {"ParameterError", "StructuralError", "ReadmitError"}:
            raise ReadmitError(_ANSI.sub("", str(exc.evalue))) from None
        raise


def kernel_manager_class():
    """A jupyter_client kernel manager whose kernel is this Python's ipykernel,
    reached over IPC (Unix sockets) where the system has them, else TCP on
    localhost."""
    import sys

    from ipykernel.kernelspec import get_kernel_dict
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec
    from traitlets import default

    class LocalKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "tcp" if sys.platform == "win32" else "ipc"

        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(resource_dir="", **get_kernel_dict())
            return self._kernel_spec

    return LocalKernelManager


_TEMPLATE = jinja2.Template("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
 body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
        max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; line-height: 1.5; }
 h1 { font-size: 1.8em; margin-bottom: .2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
 .meta { color: #555; font-size: .9em; } .meta code { font-size: .95em; }
 table { border-collapse: collapse; margin: 12px 0; font-size: .92em; border: 1px solid #ddd; }
 th, td { border: 1px solid #e3e3e3; padding: 5px 10px; text-align: right; vertical-align: top; }
 th { background: #f5f7fa; } tbody th, td:first-child { text-align: left; }
 .output { margin: 10px 0; overflow-x: auto; } .source { color: #555; font-size: .9em; }
 pre { background: #f6f6f6; padding: 8px 12px; overflow-x: auto; font-size: .88em; }
 pre.stderr { background: #fff4e5; } details { margin: 6px 0; color: #555; font-size: .9em; }
</style>
<script type="text/javascript">{{ plotlyjs }}</script>
</head><body>
<p class="meta">readmit {{ version }} · generated {{ generated }} · parameters:
{% for k, v in params %}<code>{{ k }}={{ v }}</code>{% if not loop.last %}, {% endif %}{% endfor %}
{% if not params %}the notebook's defaults{% endif %}</p>
{% for cell in cells %}{{ cell }}
{% endfor %}
</body></html>
""")


def notebook_html(nb, parameters: Mapping | None = None) -> str:
    """One self-contained HTML page of an executed notebook: markdown cells,
    outputs (plotly figures rendered from their JSON), code folded away.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")])
    >>> page = notebook_html(nb)
    >>> "<h1>Hi</h1>" in page and 'src="http' not in page
    True
    """
    import plotly
    import plotly.offline

    from readmit import __version__

    cells, title = [], "readmit savings scenarios"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            rendered = _markdown(cell.source)
            if title == "readmit savings scenarios" and cell.source.lstrip().startswith("# "):
                title = cell.source.lstrip()[2:].splitlines()[0].strip()
            cells.append(rendered)
        elif cell.cell_type == "code":
            if "parameters" in cell.metadata.get("tags", []) or "injected-parameters" in \
                    cell.metadata.get("tags", []):
                continue
            outputs = [_output(o) for o in cell.get("outputs", [])]
            code = f"<details><summary>code</summary><pre>{html.escape(cell.source)}</pre></details>"
            cells.append(code + "".join(f'<div class="output">{o}</div>' for o in outputs if o))
    return _TEMPLATE.render(
        title=title, cells=cells, params=shown_parameters(parameters),
        plotlyjs=plotly.offline.get_plotlyjs(), version=__version__,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))


def shown_parameters(parameters: Mapping | None) -> list[tuple[str, str]]:
    """The parameters as the page header shows them: files and folders by
    name (no absolute path), values as written in YAML (no Python repr).

    Examples
    --------
    >>> shown_parameters({"scenarios": ["/home/a/my.yaml", "psht_team"], "extract": "/data/hv",
    ...                   "values": {"bed_day_cost": 35000.0,
    ...                              "reduction": {"distribution": "uniform", "low": 0, "high": 0.2}},
    ...                   "statutory_ukp_rate": True})
    [('scenarios', 'my.yaml, psht_team'), ('extract', 'hv'), ('bed_day_cost', '35000'), ('reduction', 'uniform(low=0, high=0.2)'), ('statutory_ukp_rate', 'true')]
    """
    shown = []
    for name, value in (parameters or {}).items():
        if name == "scenarios":
            shown.append((name, ", ".join(Path(str(s)).name for s in value)))
        elif name == "extract" and value:
            shown.append((name, Path(str(value)).name))
        elif name == "values" and isinstance(value, Mapping):
            shown.extend((k, _yaml_text(v)) for k, v in value.items())
        else:
            shown.append((name, _yaml_text(value)))
    return shown


def _yaml_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Mapping):
        kind = value.get("distribution")
        fields = ", ".join(f"{k}={_yaml_text(v)}" for k, v in value.items() if k != "distribution")
        return f"{kind}({fields})" if kind else fields
    if isinstance(value, (list, tuple)):
        return ", ".join(_yaml_text(v) for v in value)
    return str(value)


def _markdown(text: str) -> str:
    try:
        import mistune
    except ImportError:  # pragma: no cover - mistune comes with jupyter
        return f"<pre>{html.escape(text)}</pre>"
    return mistune.html(text)


def _output(out) -> str:
    import plotly.io as pio

    kind = out.get("output_type")
    if kind == "stream":
        cls = "stderr" if out.get("name") == "stderr" else "stdout"
        return f'<pre class="{cls}">{html.escape(_ANSI.sub("", out.get("text", "")))}</pre>'
    if kind == "error":
        trace = _ANSI.sub("", "\n".join(out.get("traceback", [])))
        return f'<pre class="stderr">{html.escape(trace)}</pre>'
    data = out.get("data", {})
    if "application/vnd.plotly.v1+json" in data:
        fig = dict(data["application/vnd.plotly.v1+json"])
        fig.pop("config", None)
        return pio.to_html(fig, include_plotlyjs=False, full_html=False, validate=False,
                           config={"displaylogo": False, "responsive": True})
    if "text/html" in data:
        return "".join(data["text/html"])
    if "image/png" in data:
        return f'<img alt="figure" src="data:image/png;base64,{data["image/png"].strip()}">'
    if "image/svg+xml" in data:
        return "".join(data["image/svg+xml"])
    if "text/markdown" in data:
        return _markdown("".join(data["text/markdown"]))
    if "text/plain" in data:
        return f"<pre>{html.escape(''.join(data['text/plain']))}</pre>"
    return ""

