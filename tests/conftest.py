"""Shared fixtures: one small synthetic extract per test session."""
from __future__ import annotations

import pytest

from readmit.synthetic import generate_extract

#: The test-sized calibration run: large enough for shares to be within a few
#: tenths of a point, small enough to generate and analyse in seconds.
TEST_SCALE = 0.05
TEST_SEED = 2020


@pytest.fixture(scope="session")
def small_extract(tmp_path_factory):
    """A synthetic extract at TEST_SCALE, 2014-2019, Parquet."""
    out = tmp_path_factory.mktemp("synthetic") / "helse-vest"
    generate_extract(out, seed=TEST_SEED, scale=TEST_SCALE, years=(2014, 2019))
    return out
