"""The runnable examples in the savings modules' docstrings."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["formula", "distributions", "model", "scenarios", "montecarlo", "sensitivity",
           "figures", "baselines", "prepare", "report", "notebook"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"readmit.savings.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
