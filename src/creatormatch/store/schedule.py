"""Splitting a load step into blocks that several connections can write at once.

Creating a relationship locks both of its end nodes until the transaction commits, so
two transactions that touch the same node wait for each other (and may deadlock).  A step
whose rows each link a node of set A to a node of set B (a brand to a creator, a
creator to a product) is split on a ``w x w`` grid instead:

    block(row) = (a(row) mod w, b(row) mod w)

and run in ``w`` phases; phase ``p`` holds the ``w`` blocks ``(i, (i + p) mod w)``,
``i = 0 .. w-1``.  Within a phase no two blocks share an A-node (their first
coordinates differ) or a B-node (their second coordinates differ), so ``w`` connections
write them at the same time without waiting on each other's node locks.  After ``w``
phases every block -- every row -- has been written exactly once.

Not every conflict is gone: to link a new relationship into the chain of a node with few
relationships, Neo4j also locks that chain's first relationship, and a relationship
written in an earlier phase (creator 1 -> product 2) lies in the chains of two blocks of
a later one. Such a deadlock is rare (one seen in more than 40 parallel loads) and the
managed transaction retries it.

A step whose rows touch only one shared node each (a creator and its own new
``VideoLog``) needs no second coordinate: one phase of ``w`` blocks ``a mod w``.

With ``w = 1`` there is one phase of one block: every row, in order.
"""

from __future__ import annotations

import numpy as np

__all__ = ["grid_phases"]


def grid_phases(a: np.ndarray, b: np.ndarray | None, workers: int) -> list[list[np.ndarray]]:
    """Phases of node-disjoint blocks of row positions (see the module docstring).

    Parameters
    ----------
    a, b : per row, the integer key of the end nodes it locks (row positions of the
        nodes; negative = no such node, it locks nothing there).  ``b`` None: the rows
        share nodes only through ``a``.
    workers : blocks per phase (``w`` >= 1).

    Returns
    -------
    ``phases[p][i]``: the positions of the rows of block ``i`` of phase ``p``, in
    increasing order.  Empty blocks are kept so every phase has ``w`` entries.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    a = np.asarray(a, np.int64)
    n = len(a)
    if workers == 1:
        return [[np.arange(n, dtype=np.int64)]]
    row_block = np.maximum(a, 0) % workers
    if b is None:
        return [[np.flatnonzero(row_block == i) for i in range(workers)]]
    b = np.asarray(b, np.int64)
    if len(b) != n:
        raise ValueError(f"a has {n} rows, b has {len(b)}")
    col_block = np.maximum(b, 0) % workers
    # phase of a row: the p with col = (row + p) mod w
    phase = (col_block - row_block) % workers
    key = phase * workers + row_block
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[order], np.arange(workers * workers + 1))
    return [[order[bounds[p * workers + i]:bounds[p * workers + i + 1]] for i in range(workers)]
            for p in range(workers)]
