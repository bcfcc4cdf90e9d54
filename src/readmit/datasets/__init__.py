"""Small example data shipped with readmit, so that examples run anywhere.

:func:`example_extract` returns the folder of a tiny invented extract (sixty
persons, 2017-2019, CSV) in which every code and table of an extract occurs:
:mod:`readmit.datasets.build_example` writes it (and says what it holds). It
is for trying the API and for the docstring examples; its numbers mean
nothing.

Examples
--------
>>> import readmit
>>> from readmit.datasets import example_extract
>>> with readmit.open(example_extract()) as ex:
...     ex.counts["episoder"]["rejected"]
0
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["example_extract"]


def example_extract() -> Path:
    """The folder of the tiny example extract shipped inside the package.

    Returns
    -------
    pathlib.Path
        A folder with ``episoder.csv``, ``pasienter.csv``, ``akuttkontakter.csv``
        and ``handlingsplaner.csv``, readable with :func:`readmit.open`.

    Examples
    --------
    >>> sorted(p.name for p in example_extract().glob("*.csv"))[:2]
    ['akuttkontakter.csv', 'episoder.csv']
    """
    return Path(str(resources.files("readmit").joinpath("datasets", "example")))
