"""The one look of readmit's figures: palette, fonts, number formats, language.

Every plotly figure readmit draws goes through :func:`styled` (or uses
:data:`PALETTE` and :func:`layout`), so the charts of the report, the
notebooks and the analyses read as one publication. Numbers follow the
language: ``1 234,5`` and ``11,9 %`` in bokmål (``lang="nb"``, the default
for figures meant for leaders), ``1,234.5`` and ``11.9%`` in English.

Examples
--------
>>> from readmit.figures import percent, number, t
>>> percent(0.1192, lang="nb"), percent(0.1192, lang="en")
('11,9 %', '11.9%')
>>> number(1234.5, decimals=1, lang="nb"), t("sector.vop", lang="en")
('1 234,5', 'Adult mental health (VOP)')
"""
from __future__ import annotations

from readmit.figures.i18n import LANGS, check_lang, pick, sector_name, t, trust_name
from readmit.figures.numbers import SMALL, integer, nok, number, percent
from readmit.figures.theme import (GREY, HIGHLIGHT, PALETTE, colour_map, interval_band,
                                   layout, share_axis, styled)

__all__ = ["PALETTE", "GREY", "HIGHLIGHT", "LANGS", "SMALL", "layout", "styled", "colour_map",
           "interval_band", "share_axis", "number", "integer", "percent", "nok", "t", "pick",
           "trust_name", "sector_name", "check_lang"]
