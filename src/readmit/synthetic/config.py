"""The generator's parameters: one YAML file, documented value by value."""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def load_config(path: str | Path | None = None) -> dict[str, Any]:
    """Read the generator config (default: ``readmit/config/synthetic.yaml``).

    Examples
    --------
    >>> load_config()["readmission"]["delay_mean_days"]
    9.0
    """
    if path is None:
        text = resources.files("readmit").joinpath("config/synthetic.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return yaml.safe_load(text)


def reference_csv(name: str):
    """A shipped reference table as a pandas DataFrame (e.g. ``"kommuner.csv"``)."""
    import pandas as pd

    with resources.as_file(resources.files("readmit").joinpath("reference", name)) as p:
        return pd.read_csv(p, dtype={"komnr": str})
