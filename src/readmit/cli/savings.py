"""Commands of the savings simulator: simulate, run-notebook."""
from __future__ import annotations

from readmit.cli.common import add_quiet_option


def _scenario_names() -> str:
    """The shipped scenarios' names, without importing the simulator (scipy): every
    command builds this parser, so it must stay cheap."""
    from importlib import resources

    folder = resources.files("readmit").joinpath("scenarios")
    return ", ".join(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


#: The defaults of definitions.md as the help shows them (tests check them
#: against readmit.savings.formula).
SIMULATE_DESCRIPTION = (
    "What fewer readmissions would save. Without --scenario it prices the formula of "
    "definitions.md, saving = reduction x (bed days x bed-day cost + ready-for-discharge "
    "days x (municipality's + hospital's cost of a ready-for-discharge day)), with the "
    "Helse Vest pre-project's values unless given: reduction 0.10, bed day 30000 NOK, "
    "ready-for-discharge day 5000 NOK to the municipality and 10000 NOK to the "
    "hospital. The worked example: --bed-days 100968 gives 302.9 million NOK a year. With "
    "--scenario it runs each scenario (its own values, overridden by the flags given) "
    "and prints them side by side. Counts are per year.")


def register(add) -> None:
    names = _scenario_names()
    s = add("simulate", "readmit.savings.cli:simulate_command",
            "What fewer readmissions would save: formula, scenarios, Monte Carlo.",
            SIMULATE_DESCRIPTION)
    base = s.add_argument_group("the baseline (one of --bed-days/--ukp-days, --extract, "
                                "or a scenario's own)")
    base.add_argument("--bed-days", type=float, default=None, metavar="DAYS",
                      help="readmission bed days per year (default: a scenario's own; "
                           "the worked example has 100968)")
    base.add_argument("--ukp-days", type=float, default=None, metavar="DAYS",
                      help="ready-for-discharge days of readmissions per year (default: "
                           "a scenario's own, else 0)")
    base.add_argument("--extract", default=None, metavar="EXTRACT_DIR",
                      help="take the bed days and ready-for-discharge days of readmissions "
                           "from this extract, 30-day rule (default: not from data)")
    base.add_argument("--year", type=int, default=None, metavar="YYYY",
                      help="baseline year of --extract, and the year of --statutory-ukp-rate "
                           "(default: the extract's last full calendar year)")
    base.add_argument("--trust", default=None, metavar="CODE_OR_NAME",
                      help="with --extract: only this trust, by institusjonID or name, "
                           "e.g. HFO or 'Helse Fonna' (default: all trusts)")
    base.add_argument("--sector", choices=["somatic", "vop", "tsb"], default=None,
                      help="with --extract: only this sector (default: all sectors)")
    base.add_argument("--no-suppress", action="store_true",
                      help="allow a baseline of --extract resting on 1-4 readmissions, for "
                           "your own work inside the secure server (default: refused, as "
                           "its results would reveal them)")
    values = s.add_argument_group("values (a flag fixes the value in every scenario)")
    values.add_argument("--reduction", type=float, default=None, metavar="SHARE",
                        help="relative reduction of readmissions, 0-1 (default: a scenario's "
                             "own, else 0.10)")
    values.add_argument("--bed-day-cost", type=float, default=None, metavar="NOK",
                        help="hospital cost of a bed day, NOK (default: a scenario's own, "
                             "else 30000)")
    values.add_argument("--ukp-cost-municipality", type=float, default=None, metavar="NOK",
                        help="municipality's cost of a ready-for-discharge day, NOK "
                             "(default: a scenario's own, else 5000)")
    values.add_argument("--ukp-cost-hospital", type=float, default=None, metavar="NOK",
                        help="hospital's cost of a ready-for-discharge day, NOK (default: a "
                             "scenario's own, else 10000)")
    values.add_argument("--statutory-ukp-rate", action="store_true",
                        help="price the municipality's ready-for-discharge day at the "
                             "statutory rate of --year (or of the extract's baseline year)")
    s.add_argument("--scenario", action="append", default=None, metavar="FILE_OR_NAME",
                   help=f"a scenario YAML file or a shipped scenario ({names}); repeat to "
                        "compare side by side (default: the formula alone)")
    s.add_argument("--draws", type=int, default=0,
                   help="Monte Carlo draws of the uncertain values; 0 runs the base case only")
    s.add_argument("--seed", type=int, default=None,
                   help="random seed of the draws (default: a new one, printed with the "
                        "results)")
    s.add_argument("--json", action="store_true",
                   help="print the results as JSON (numbers as numbers)")
    add_quiet_option(s)

    n = add("run-notebook", "readmit.savings.notebook:run_notebook_command",
            "Run the savings notebook with parameters or scenarios to an offline HTML file.",
            "Run the savings notebook (scenarios side by side, Monte Carlo, sensitivity) "
            "with papermill and write one HTML file that opens offline. Its parameters "
            "(--param NAME=VALUE): scenarios, values, draws (default 100000), seed (2020), "
            "extract (an extract folder for the baseline), year, trust, sector, "
            "statutory_ukp_rate (false), outcome (net_saving); a model parameter such as "
            "bed_day_cost=35000 applies to every scenario. An extract's baseline of 1-4 "
            "readmissions is refused (the page would show them). Needs the notebooks "
            "extra (make install has it).")
    n.add_argument("--scenario", action="append", default=None, metavar="FILE_OR_NAME",
                   help=f"a scenario YAML file or a shipped scenario ({names}); repeat to "
                        "compare (default: the four shipped ones)")
    n.add_argument("--param", action="append", default=None, metavar="NAME=VALUE",
                   help="a notebook or model parameter, VALUE read as YAML; repeat "
                        "(default: the notebook's own values)")
    n.add_argument("--params", default=None, metavar="FILE",
                   help="a YAML file of NAME: VALUE parameters; --param overrides it "
                        "(default: none)")
    n.add_argument("--out", required=True, metavar="FILE.html",
                   help="the HTML file to write (its folder is created)")
    add_quiet_option(n)
