"""The shapes of the progress callbacks long-running library functions accept.

Library code never prints: it calls back, and the CLI decides how to show it
(``cli.output``: timed status lines, row counters, progress bars).

=================  ==================================  ===============================
name               called as                           used by
=================  ==================================  ===============================
``Say``            ``say("building the graph")``       model build, ranker, evaluation,
                                                       tuning, cache messages
``RowProgress``    ``progress("videos", 250_000)``     the CSV loader, the cache ingest
``StepProgress``   ``progress("edges", done, total)``  Neo4j load and push
``FractionProgress`` ``progress("videos", 0.4)``       the synthetic market generator
=================  ==================================  ===============================
"""

from __future__ import annotations

from typing import Callable

__all__ = ["Say", "RowProgress", "StepProgress", "FractionProgress"]

Say = Callable[[str], None]
RowProgress = Callable[[str, int], None]
StepProgress = Callable[[str, int, int], None]
FractionProgress = Callable[[str, float], None]
