"""Scenarios: named interventions, their effects and their cost, as YAML files.

A scenario file (see ``src/readmit/scenarios/*.yaml`` for the shipped ones)::

    name: fewer_readmissions_10
    title: 10% fewer readmissions
    title_nb: 10 % færre reinnleggelser      # optional: the title of bokmål reports
    description: The worked example of the pre-project report.
    horizon_years: 5
    components: {bed_days: true, ukp_municipality: true, ukp_hospital: true}
    parameters:
      bed_days: 90000
      ukp_days: 21936
      reduction: {distribution: triangular, low: 0.05, mode: 0.10, high: 0.15}

``parameters`` take the names of :data:`readmit.savings.model.PARAMETERS`;
each is a number or a distribution (:mod:`readmit.savings.distributions`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import yaml

from readmit.errors import ParameterError
from readmit.savings.distributions import Distribution, distribution
from readmit.savings.formula import component_switches
from readmit.savings.model import PARAMETERS

_KEYS = {"name", "title", "title_nb", "description", "source", "horizon_years", "components",
         "parameters"}


@dataclass(frozen=True)
class Scenario:
    """A named intervention: parameter distributions, horizon and cost components."""

    name: str
    title: str
    parameters: dict[str, Distribution]
    horizon_years: int = 1
    components: dict[str, bool] = field(default_factory=lambda: component_switches(None))
    description: str = ""
    source: str = ""
    title_nb: str = ""

    def label(self, lang: str = "en") -> str:
        """The title in ``lang``: ``title_nb`` in bokmål when the file gives one.

        Examples
        --------
        >>> s = load_scenario("fewer_readmissions_10")
        >>> s.label("nb"), s.label("en")
        ('10 % færre reinnleggelser', '10% fewer readmissions')
        """
        from readmit.figures import pick

        return pick(nb=self.title_nb or self.title, en=self.title, lang=lang)

    def base_values(self) -> dict[str, float]:
        """The base-case value of every parameter the scenario sets."""
        return {k: d.base for k, d in self.parameters.items()}

    def with_values(self, **values) -> "Scenario":
        """A copy with some parameters replaced (numbers or distribution specs).

        Examples
        --------
        >>> s = scenario_from_mapping({"name": "x", "parameters": {"bed_days": 10}})
        >>> s.with_values(reduction=0.2).base_values()
        {'bed_days': 10.0, 'reduction': 0.2}
        """
        params = dict(self.parameters)
        for name, spec in values.items():
            _check_name(name)
            params[name] = distribution(name, spec)
        return replace(self, parameters=params)


def scenario_from_mapping(data: Mapping, origin: str = "scenario") -> Scenario:
    """Build a :class:`Scenario` from a parsed YAML mapping.

    Examples
    --------
    >>> s = scenario_from_mapping({"name": "demo", "horizon_years": 3,
    ...                            "parameters": {"bed_days": 100968, "reduction": 0.1}})
    >>> s.title, s.horizon_years, s.parameters["reduction"].base
    ('demo', 3, 0.1)
    """
    if not isinstance(data, Mapping):
        raise ParameterError(f"{origin}: a scenario file must be a YAML mapping")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ParameterError(f"{origin}: unknown key {unknown[0]!r}; known: {', '.join(sorted(_KEYS))}")
    if not data.get("name"):
        raise ParameterError(f"{origin}: a scenario needs a name")
    params = data.get("parameters") or {}
    if not isinstance(params, Mapping):
        raise ParameterError(f"{origin}: parameters must be a mapping")
    for name in params:
        _check_name(name, origin)
    horizon = data.get("horizon_years", 1)
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ParameterError(f"{origin}: horizon_years must be a whole number >= 1, not {horizon!r}")
    try:
        dists = {name: distribution(name, spec) for name, spec in params.items()}
    except ParameterError as exc:
        raise ParameterError(f"{origin}: {exc}") from None
    return Scenario(
        name=str(data["name"]), title=str(data.get("title") or data["name"]),
        parameters=dists, horizon_years=horizon,
        components=component_switches(data.get("components")),
        description=str(data.get("description") or "").strip(),
        source=str(data.get("source") or "").strip(),
        title_nb=str(data.get("title_nb") or "").strip(),
    )


def load_scenario(path_or_name: str | Path) -> Scenario:
    """Read a scenario file, or a shipped scenario by name.

    Examples
    --------
    >>> load_scenario("fewer_readmissions_10").title
    '10% fewer readmissions'
    """
    path = Path(path_or_name)
    if path.suffix.lower() in {".yaml", ".yml"} or path.exists():
        if not path.is_file():
            raise ParameterError(f"scenario file not found: {path}")
        text, origin = path.read_text(encoding="utf-8"), str(path)
    else:
        name = str(path_or_name)
        if name not in shipped_scenarios():
            raise ParameterError(
                f"unknown scenario {name!r}: not a file, nor one of {', '.join(shipped_scenarios())}")
        text = resources.files("readmit").joinpath("scenarios", f"{name}.yaml").read_text("utf-8")
        origin = f"{name}.yaml"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{origin}: not valid YAML ({exc.__class__.__name__})") from None
    return scenario_from_mapping(data, origin)


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``readmit/scenarios``.

    Examples
    --------
    >>> "psht_team" in shipped_scenarios()
    True
    """
    folder = resources.files("readmit").joinpath("scenarios")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _check_name(name: str, origin: str = "scenario") -> None:
    if name not in PARAMETERS:
        raise ParameterError(f"{origin}: unknown parameter {name!r}; known: {', '.join(PARAMETERS)}")
