"""Cut a dataset at a moment in time: what a model may see when it is trained "as of" a date.

``restrict_before(dataset, when)`` keeps

* collaborations with ``invited_at < when``,
* videos with ``posted_at < when``,
* campaigns with ``start_date < when``,

and every creator, brand, product and category (they are the candidate universe, not
events).  Outcomes are not rewritten: a collaboration invited before ``when`` keeps the
status in the file.  For a leak-free evaluation, ``evaluate`` additionally blanks the
outcome fields of collaborations that were still open at ``when`` (see
``censor_outcomes``).  References into filtered tables are renumbered; a reference to a
row that is cut away becomes -1.

Memory: a table whose kept rows are its first rows (files in time order, as generated
data and most exports are) is cut as read-only views of the original columns, not copied;
``censor_outcomes`` copies only the six outcome columns it rewrites.  At 1M creators a
training cut therefore costs the rewritten columns, not a second copy of the data.
"""

from __future__ import annotations

import numpy as np

from .contract import STATUSES
from .dataset import MISSING_INT, Dataset, Table

__all__ = ["restrict_before", "censor_outcomes"]


def _renumber(keep: np.ndarray) -> np.ndarray:
    """old row -> new row (or -1) after keeping ``keep`` rows."""
    new = np.full(len(keep), -1, np.int64)
    new[keep] = np.arange(int(keep.sum()))
    return new


def _take(table: Table, keep: np.ndarray) -> Table:
    """``table.take(keep)``; read-only views when ``keep`` is a prefix (nothing copied)."""
    n = int(keep.sum())
    if keep[:n].all():
        cols = {}
        for k, v in table.columns.items():
            view = v[:n]
            if isinstance(view, np.ndarray):
                view.flags.writeable = False
            cols[k] = view
        return Table(table.name, cols, table.line[:n])
    return table.take(keep)


def _remap(refs: np.ndarray, new_pos: np.ndarray) -> np.ndarray:
    return np.where(refs >= 0, new_pos[np.maximum(refs, 0)], -1).astype(refs.dtype)


def restrict_before(dataset: Dataset, when: np.datetime64 | str) -> Dataset:
    """The part of ``dataset`` observable strictly before ``when`` (see module docstring)."""
    cut = np.datetime64(when, "s")
    tables = dict(dataset.tables)
    campaigns = dataset.campaigns
    new_campaign = None
    if campaigns is not None and dataset.has("campaigns"):
        keep = campaigns["start_date"] < cut
        new_campaign = _renumber(keep)
        tables["campaigns"] = _take(campaigns, keep)
    collab = dataset.collaborations
    keep_c = collab["invited_at"] < cut
    new_collab = _renumber(keep_c)
    collab_t = _take(collab, keep_c)
    if new_campaign is not None:
        collab_t.columns["campaign_id"] = _remap(collab_t["campaign_id"], new_campaign)
    tables["collaborations"] = collab_t
    videos = dataset.videos
    if videos is not None:
        keep_v = videos["posted_at"] < cut
        vt = _take(videos, keep_v)
        vt.columns["collaboration_id"] = _remap(vt["collaboration_id"], new_collab)
        tables["videos"] = vt
    return Dataset(root=dataset.root, tables=tables,
                   fingerprint=f"{dataset.fingerprint}<{str(cut)}",
                   warnings=list(dataset.warnings), derived=dataset.derived)


_OPEN = np.array([STATUSES.index("invited")], dtype=np.int8)


def censor_outcomes(dataset: Dataset, when: np.datetime64 | str) -> Dataset:
    """Blank what was not yet known at ``when`` in the collaborations kept by ``restrict_before``.

    A response after ``when`` becomes "still invited"; a delivery after ``when`` is not yet
    delivered; ratings and GMV of collaborations delivered after ``when`` are unknown.
    """
    cut = np.datetime64(when, "s")
    collab = dataset.collaborations
    cols = dict(collab.columns)        # shared, except the outcome columns rewritten below
    for k in ("status", "responded_at", "delivered_at", "deliverables_delivered", "gmv", "rating"):
        cols[k] = np.array(cols[k], copy=True)
    late_reply = ~np.isnat(cols["responded_at"]) & (cols["responded_at"] >= cut)
    cols["status"][late_reply] = _OPEN[0]
    cols["responded_at"][late_reply] = np.datetime64("NaT")
    accepted = np.int8(STATUSES.index("accepted"))
    done = np.isin(cols["status"], [STATUSES.index("completed"), STATUSES.index("cancelled")]) & ~late_reply
    delivered = cols["delivered_at"]
    due = cols["due_at"]
    # the end of a collaboration is known at its delivery; without a delivery date, at its due date
    ended = np.where(np.isnat(delivered), ~np.isnat(due) & (due < cut), delivered < cut)
    unknown_end = done & ~ended
    cols["status"][unknown_end] = accepted
    late_delivery = ~np.isnat(cols["delivered_at"]) & (cols["delivered_at"] >= cut)
    hide = late_delivery | late_reply | unknown_end
    cols["delivered_at"][hide] = np.datetime64("NaT")
    cols["deliverables_delivered"][hide] = MISSING_INT
    cols["gmv"][hide] = np.nan
    cols["rating"][hide] = np.nan
    tables = dict(dataset.tables)
    tables["collaborations"] = Table("collaborations", cols, collab.line)
    return Dataset(root=dataset.root, tables=tables, fingerprint=dataset.fingerprint + "|censored",
                   warnings=list(dataset.warnings), derived=dataset.derived)
