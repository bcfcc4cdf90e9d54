"""Small sampling helpers of the generator."""
from __future__ import annotations

import numpy as np


def logistic(x: np.ndarray) -> np.ndarray:
    """The logistic function, ``1 / (1 + exp(-x))``.

    >>> float(logistic(np.array([0.0]))[0])
    0.5
    """
    return 1.0 / (1.0 + np.exp(-x))


def systematic_bernoulli(p: np.ndarray, cells: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw Bernoulli(p_i) outcomes by systematic sampling within cells.

    Every unit keeps its own probability p_i of being drawn (the model stays
    generative), but the draws within a cell are negatively correlated: a
    cell's total is within one of the sum of its p_i. This keeps the sampling
    noise of small cells (a small trust in one year) from hiding the trends
    the synthetic data are meant to show.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> hits = systematic_bernoulli(np.full(1000, 0.1), np.zeros(1000, int), rng)
    >>> int(hits.sum())
    100
    """
    n = len(p)
    if n == 0:
        return np.zeros(0, bool)
    order = _shuffled_by_cell(cells, rng)
    ps = np.clip(p[order], 0.0, 1.0)
    cs = cells[order]
    starts, sizes = _runs(cs)
    csum = np.cumsum(ps)
    offset = np.repeat(csum[starts] - ps[starts], sizes)
    u = np.repeat(rng.random(len(starts)), sizes)
    within = csum - offset
    hit = np.floor(within + u) > np.floor(within - ps + u)
    out = np.empty(n, bool)
    out[order] = hit
    return out


def truncated_exponential(rng: np.random.Generator, mean: np.ndarray, low: float, high: float) -> np.ndarray:
    """Exponential(mean) draws conditioned on ``low < x <= high`` (inverse CDF).

    >>> x = truncated_exponential(np.random.default_rng(0), np.full(1000, 9.0), 1/3, 30)
    >>> bool((x > 1/3).all() and (x <= 30).all())
    True
    """
    mean = np.broadcast_to(np.asarray(mean, float), np.shape(mean))
    a = 1 - np.exp(-low / mean)
    b = 1 - np.exp(-high / mean)
    u = a + (b - a) * rng.random(mean.shape)
    return np.minimum(-mean * np.log1p(-u), high)


def stratified_uniform(cells: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uniform(0, 1) draws, stratified within cells (Latin hypercube).

    Each draw is marginally uniform, but within a cell of n units exactly one
    falls in each interval [k/n, (k+1)/n): cell means of any function of the
    draws (a lognormal length of stay, say) vary far less than with
    independent draws.

    >>> u = stratified_uniform(np.zeros(4, int), np.random.default_rng(0))
    >>> sorted((u * 4).astype(int).tolist())
    [0, 1, 2, 3]
    """
    return _stratified(cells, _shuffled_by_cell(cells, rng), rng)


def stratified_uniform_by_score(cells: np.ndarray, score: np.ndarray,
                                rng: np.random.Generator) -> np.ndarray:
    """Uniform(0, 1) draws stratified within cells like :func:`stratified_uniform`,
    but handed out in the order of ``score`` within each cell (a rank copula).

    A unit with a high score (a person's own tendency to long stays, plus
    noise) gets a high quantile, so draws of one person are correlated across
    that person's stays, while every cell still gets exactly one draw in each
    interval [k/n, (k+1)/n) (cell means stay nearly noise-free). With
    ``score`` a person effect plus independent noise, each unit's draw is
    marginally uniform.

    >>> u = stratified_uniform_by_score(np.zeros(4, int), np.array([3., 1., 2., 0.]),
    ...                                 np.random.default_rng(0))
    >>> (u * 4).astype(int).tolist()
    [3, 1, 2, 0]
    """
    return _stratified(cells, np.lexsort((score, cells)), rng)


def _runs(sorted_cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each run of equal values in ``sorted_cells``."""
    n = len(sorted_cells)
    if n == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    change = np.flatnonzero(sorted_cells[1:] != sorted_cells[:-1]) + 1
    starts = np.concatenate(([0], change))
    return starts, np.diff(np.concatenate((starts, [n])))


def _shuffled_by_cell(cells: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An ordering of the units by cell, in random order within each cell
    (cells are integers: ``cell + u`` with u uniform on [0, 1) sorts by cell
    first; one float sort is cheaper than a two-key lexsort)."""
    return np.argsort(cells + rng.random(len(cells)))


def _stratified(cells: np.ndarray, order: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Stratified uniforms handed out in ``order`` (sorted by cell) within cells."""
    n = len(cells)
    cs = cells[order]
    starts, sizes = _runs(cs)
    rank = np.arange(n) - np.repeat(starts, sizes)
    u = np.empty(n)
    u[order] = (rank + rng.random(n)) / np.repeat(sizes, sizes)
    return u
