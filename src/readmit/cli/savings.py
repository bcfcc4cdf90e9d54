"""Commands of the savings simulator: simulate, run-notebook."""
from __future__ import annotations

from readmit.cli.common import add_quiet_option


def _scenario_names() -> str:
    """The shipped scenarios' names, without importing the simulator (scipy): every
    command builds this parser, so it must stay cheap."""
    from importlib import resources

    folder = resources.files("readmit").joinpath("scenarios")
    return ", ".join(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


def register(add) -> None:
    names = _scenario_names()
    s = add("simulate", "readmit.savings.cli:simulate_command",
            "What fewer readmissions would save: formula, scenarios, Monte Carlo.")
    s.add_argument("--extract", default=None, metavar="EXTRACT_DIR",
                   help="take the baseline bed days and ready-for-discharge days from this extract")
    s.add_argument("--bed-days", type=float, default=None,
                   help="readmission bed days per year (default: 100 968, the pre-project's example)")
    s.add_argument("--ukp-days", type=float, default=None,
                   help="ready-for-discharge days of readmissions per year (default: 0)")
    s.add_argument("--reduction", type=float, default=None,
                   help="relative reduction of readmissions, 0-1 (default: 0.10)")
    s.add_argument("--bed-day-cost", type=float, default=None,
                   help="hospital cost of a bed day, NOK (default: 30 000)")
    s.add_argument("--ukp-cost-municipality", type=float, default=None,
                   help="municipality's cost of a ready-for-discharge day, NOK (default: 5 000)")
    s.add_argument("--ukp-cost-hospital", type=float, default=None,
                   help="hospital's cost of a ready-for-discharge day, NOK (default: 10 000)")
    s.add_argument("--scenario", action="append", default=None, metavar="FILE_OR_NAME",
                   help=f"a scenario YAML file or a shipped scenario ({names}); repeat to compare")
    s.add_argument("--draws", type=int, default=0,
                   help="Monte Carlo draws (0: deterministic only)")
    s.add_argument("--seed", type=int, default=None, help="random seed of the draws")
    s.add_argument("--year", type=int, default=None,
                   help="baseline year of --extract (default: the latest), "
                        "and the year of --statutory-ukp-rate")
    s.add_argument("--trust", default=None, help="with --extract: only this institusjonID")
    s.add_argument("--sector", choices=["somatic", "vop", "tsb"], default=None,
                   help="with --extract: only this sector")
    s.add_argument("--statutory-ukp-rate", action="store_true",
                   help="price the municipality's ready-for-discharge day at the statutory "
                        "rate of the year instead of a given cost")
    s.add_argument("--json", action="store_true", help="print the results as JSON")
    add_quiet_option(s)

    n = add("run-notebook", "readmit.savings.notebook:run_notebook_command",
            "Run the savings notebook with parameters or scenarios to an offline HTML file.")
    n.add_argument("--scenario", action="append", default=None, metavar="FILE_OR_NAME",
                   help=f"a scenario YAML file or a shipped scenario ({names}); repeat to compare")
    n.add_argument("--param", action="append", default=None, metavar="NAME=VALUE",
                   help="a notebook or model parameter, VALUE read as YAML (repeat)")
    n.add_argument("--params", default=None, metavar="FILE",
                   help="a YAML file of NAME: VALUE parameters (--param overrides it)")
    n.add_argument("--out", required=True, metavar="FILE.html",
                   help="the HTML file to write (its folder is created)")
    add_quiet_option(n)
