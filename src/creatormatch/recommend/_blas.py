"""One-thread BLAS for the small dense products of a match.

A brand's MF scores are one matrix-vector product over a market (``creators x k``).
Threaded OpenBLAS makes such a product 10x *slower* when the cores are busy (its threads
spin-wait for each other), so the matcher runs it with BLAS limited to one thread.  The
``ThreadpoolController`` is created once: building it scans the loaded libraries, while
entering its ``limit`` costs microseconds.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from threadpoolctl import ThreadpoolController

_controller: ThreadpoolController | None = None


def single_thread_blas() -> AbstractContextManager:
    """Context manager limiting BLAS to one thread (restored on exit)."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")
