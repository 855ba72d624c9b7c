"""The match model: everything ``match``, ``explain`` and ``similar`` need, in one artifact.

``build_model(dataset, params)`` computes it; ``save_model``/``load_model`` persist it as a
single uncompressed ``.npz`` file (no pickles):

* member ``header`` — UTF-8 JSON: ``format`` ("creatormatch-model"), ``format_version``,
  ``creatormatch_version``, ``fingerprint`` (``Dataset.fingerprint`` of the data it was
  built from), ``created_at``, ``params`` (all hyper-parameters, blend ``weights``
  included), ``sizes``, ``indices_available`` and ``digest``;
* one member per array, named ``group.name`` (``creator.id``, ``factors.creator``,
  ``rel.collaborated.indptr``, ``history.pair.declined.data``, ...); text columns (listed in
  ``text_columns``) are stored as UTF-8 bytes;
* ``derived.*`` members (header ``derived``): the structures a ``Matcher`` derives from the
  arrays above in O(edges) -- the walk's transition blocks and degrees, the category index,
  the list of markets (``recommend.derived``) -- computed at build time, so that a new
  process maps them instead of rebuilding them;
* with a learned ranker: header ``ranker`` (feature names, calibration, parameters,
  training summary); with residual trees, member ``ranker.booster`` (LightGBM's text model
  as UTF-8 bytes); with an acceptance model (``RankerModel.accept_probability``), member ``ranker.acceptance``.

``digest`` is the SHA-256 of the header (without the digest) and of every array's name,
dtype, shape and bytes, so a truncated, edited or swapped file is refused with a
``ModelError`` — as is a model whose fingerprint differs from the data at hand.  Writes
are atomic: a temporary file in the target folder, fsynced, then renamed over the target.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._atomic import write_atomically
from ..data.dataset import Dataset
from ..errors import ModelError
from ..graph.build import NODE_TYPES, RELATIONS, build_market_graph, positive_mask
from ..graph.centrality import global_pagerank
from .confidence import confidence_matrix
from .derived import DerivedStructures, derive_structures
from .mf import Factors, fit_factors
from .._textcolumns import TextColumns, Undecoded, is_ascii
from ._npzmap import NpzDamaged, NpzMap, write_aligned_npz
from .params import MatchParams
from ..progress import Say as Progress

__all__ = ["FORMAT", "FORMAT_VERSION", "INDEX_FIELDS", "MatchModel", "build_model", "save_model", "load_model",
           "read_header", "verify_model"]

FORMAT = "creatormatch-model"
#: 7: ``ranker.booster`` only when the ranker has residual trees (``RankerParams.residual_trees``);
#: 6: the ranker's ``acceptance`` and ``brand_volume`` features, both part of its offset with
#: ``exposure`` (``ranker.booster``), and its ``tree_weight``;
#: 5: the history's search model (``history.exposure.*``, ``ranker.exposure``) and the
#: ranker's ``exposure`` feature and offset;
#: 4: the derived structures (``derived.*``) and the price book (``prices.*``) are stored;
#: 3: ranker features read through ``ranker.features.model_input`` (priors, monotone trees;
#: no ``mf_dot``, ``creator_negative`` and ``category_positive`` instead of the closed and
#: answered counts), and no ``affinity`` (the creators x categories activity share, which
#: nothing read).
FORMAT_VERSION = 7
#: Format versions this version reads (a format-6 model always has ``ranker.booster`` and reads
#: as before; a format-5 model's ranker lacks the acceptance and
#: brand_volume features; a format-4 one the search model its ranker reads; a format-3 one the
#: derived structures and the price book: each is rebuilt).
READABLE_VERSIONS = (6, 7)

#: Creator indices kept in the model (name in ``creatormatch.indices``).
INDEX_FIELDS: tuple[str, ...] = (
    "cooperation", "consistency", "diligence", "content_volume", "content_success", "sales_uplift",
)



@dataclass
class MatchModel:
    """All arrays of a built model plus its parameters and the data fingerprint.

    ``tables[group][column]`` hold the id maps and creator attributes (``creator.id``,
    ``creator.market``, ``brand.category``, ...); ``relations`` the market graph edges;
    ``confidence`` the brands x creators confidence; ``factors`` the MF factors;
    ``pagerank`` the global PageRank per node type; ``indices`` the creator index scores
    (0-100, NaN = not available) and evidence; ``influence`` the creators x categories
    influence (0-100) from ``creatormatch.indices``.
    """

    fingerprint: str
    params: MatchParams
    tables: dict[str, dict[str, np.ndarray]]
    sizes: dict[str, int]
    relations: dict[str, sp.csr_array]
    confidence: sp.csr_matrix
    factors: Factors
    pagerank: dict[str, np.ndarray]
    indices: dict[str, np.ndarray]
    indices_available: dict[str, bool]
    influence: sp.csr_array
    created_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: the condensed pair history the ranker's features read (``ranker.history``)
    history: Any = None
    #: the learned second stage (``ranker.booster.RankerModel``), None = blend only
    ranker: Any = None
    #: The digest of the file the model was loaded from ("" for a model built in memory).
    digest: str = ""
    #: ``recommend.derived.DerivedStructures``: computed by ``build_model``, stored in the file
    derived: Any = None
    #: the dataset's ``pricing.PriceBook`` (``recommend.cache.attach_prices``), None = not stored
    prices: Any = None

    def with_params(self, **changes: Any) -> "MatchModel":
        """A copy with other match-time parameters (``weights``, ``missing``, ``graph_alpha``,
        ``graph_beta``, ``graph_steps``, ``category_decay``, ``influence_share``) — the ones
        that need no rebuild."""
        allowed = {"weights", "missing", "graph_alpha", "graph_beta", "graph_steps", "category_decay",
                   "influence_share"}
        bad = set(changes) - allowed
        if bad:
            raise ValueError(f"{sorted(bad)} need a rebuild; only {sorted(allowed)} can change on a built model")
        params = self.params
        if "weights" in changes:
            params = params.with_weights(changes.pop("weights"))
        return replace(self, params=replace(params, **changes))


# --------------------------------------------------------------------------- build


def _column(table, name: str, default) -> np.ndarray:
    return table[name] if table is not None and name in table else default


def graph_collaboration_weights(conf: sp.csr_matrix) -> sp.csr_array:
    """Weights of the graph's ``collaborated`` edges: the confidence scaled to median 1, so a
    typical collaboration weighs like one content edge (the raw confidence, 3-5 for a
    completed job, would let collaborations drown the content paths of the walk)."""
    w = sp.csr_array(conf, dtype=np.float64)
    if w.nnz:
        w.data = w.data / float(np.median(w.data))
    return w


def build_model(dataset: Dataset, params: MatchParams | None = None, progress: Progress | None = None,
                as_of: float | None = None) -> MatchModel:
    """Compute every part of a match model from ``dataset`` (without the learned ranker,
    which ``ranker.train.fit_ranker`` adds).

    Steps: confidence matrix, market graph, MF fit, global PageRank, creator indices, pair
    history (as of ``as_of``, days since 1970; default the latest event in the data).
    ``progress(message)`` is called before each step.
    """
    from ..indices import compute_indices
    from ..ranker.history import market_history

    p = params or MatchParams()
    say = progress or (lambda _m: None)
    say("confidence matrix")
    conf = confidence_matrix(dataset, p)
    say("market graph")
    graph = build_market_graph(dataset, collaboration_weights=graph_collaboration_weights(conf),
                               relation_weights=p.relation_weights or None)
    say(f"matrix factorisation ({p.mf_model}, {p.factors} factors)")
    factors = fit_factors(conf, p)
    say("global PageRank")
    pr = global_pagerank(graph, alpha=p.pagerank_alpha)
    say("creator indices")
    ind = compute_indices(dataset)
    indices: dict[str, np.ndarray] = {}
    available: dict[str, bool] = {}
    for name in INDEX_FIELDS:
        res = getattr(ind, name)
        indices[f"{name}.score"] = np.asarray(res.score, np.float32)
        indices[f"{name}.evidence"] = np.asarray(res.evidence, np.int64)
        available[name] = bool(res.available)
    influence = sp.csr_array(ind.influence.matrix, dtype=np.float32)
    say("pair history")
    history = market_history(dataset, as_of)

    col = dataset.collaborations
    nc = dataset.n_creators
    positive = positive_mask(dataset)
    cr, br = dataset.creators, dataset.brands
    cats, prods, camps = dataset.categories, dataset.products, dataset.campaigns
    empty_u = np.zeros(0, "U1")
    empty_i = np.zeros(0, np.int32)
    tables = {
        "creator": {
            "id": cr["creator_id"], "handle": cr["handle"], "market": cr["market"],
            "followers": cr["followers"].astype(np.int64), "rate": cr["rate_per_video"].astype(np.float64),
            "primary_category": cr["primary_category"].astype(np.int32),
            "invitations": np.bincount(col["creator_id"], minlength=nc).astype(np.int32),
            "positives": np.bincount(col["creator_id"][positive], minlength=nc).astype(np.int32),
        },
        "brand": {"id": br["brand_id"], "name": br["name"], "market": br["market"],
                  "category": br["category_id"].astype(np.int32)},
        "category": {"id": _column(cats, "category_id", empty_u), "name": _column(cats, "name", empty_u),
                     "parent": _column(cats, "parent_id", empty_i).astype(np.int32)},
        "product": {"id": _column(prods, "product_id", empty_u), "name": _column(prods, "name", empty_u)},
        "campaign": {"id": _column(camps, "campaign_id", empty_u)},
    }
    model = MatchModel(
        fingerprint=dataset.fingerprint, params=p, tables=tables, sizes=dict(graph.sizes),
        relations={k: sp.csr_array(v, dtype=np.float32) for k, v in graph.relations.items()},
        confidence=conf, factors=factors, pagerank={t: np.asarray(v, np.float64) for t, v in pr.items()},
        indices=indices, indices_available=available, influence=influence,
        created_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), history=history,
    )
    say("walk blocks and category index")
    model.derived = derive_structures(model)
    return model


# --------------------------------------------------------------------------- save / load


def _csr_parts(prefix: str, m) -> dict[str, np.ndarray]:
    m = sp.csr_array(m)
    # int32 offsets when the entries fit, as scipy wants them with int32 indices: a reader then
    # maps them as they are (``_csr_from`` converts int64 offsets of larger or older files)
    small = m.nnz < 2**31 - 1
    return {f"{prefix}.indptr": m.indptr.astype(np.int32 if small else np.int64),
            f"{prefix}.indices": m.indices.astype(np.int32),
            f"{prefix}.data": m.data, f"{prefix}.shape": np.asarray(m.shape, np.int64)}


def _csr_from(arrays: dict[str, np.ndarray], prefix: str, cls=sp.csr_array):
    shape = tuple(int(x) for x in arrays[f"{prefix}.shape"])
    indices, indptr = arrays[f"{prefix}.indices"], arrays[f"{prefix}.indptr"]
    if indptr.dtype == np.int64 and indices.dtype == np.int32 and len(indptr) and indptr[-1] < 2**31 - 1:
        # one index dtype, as scipy wants it: converting indptr (rows + 1 values) here spares
        # scipy a scan and a copy of the (memory-mapped) indices, which are nnz long
        indptr = indptr.astype(np.int32)
    return cls((arrays[f"{prefix}.data"], indices, indptr), shape=shape)


def _arrays(model: MatchModel) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for group, cols in model.tables.items():
        for name, arr in cols.items():
            arr = np.asarray(arr)
            # text as UTF-8 bytes: numpy's unicode arrays spend 4 bytes per character
            out[f"{group}.{name}"] = np.char.encode(arr, "utf-8") if arr.dtype.kind == "U" else arr
    for name, m in model.relations.items():
        out.update(_csr_parts(f"rel.{name}", m))
    out.update(_csr_parts("confidence", model.confidence))
    out["factors.brand"] = model.factors.brand
    out["factors.creator"] = model.factors.creator
    out["factors.brand_known"] = model.factors.brand_known
    out["factors.creator_known"] = model.factors.creator_known
    for t, v in model.pagerank.items():
        out[f"pagerank.{t}"] = v
    for name, v in model.indices.items():
        out[f"index.{name}"] = v
    out.update(_csr_parts("influence", model.influence))
    if model.history is not None:
        for name, value in model.history.arrays().items():
            if sp.issparse(value):
                out.update(_csr_parts(f"history.{name}", value))
            else:
                out[f"history.{name}"] = np.char.encode(value, "utf-8") if value.dtype.kind == "U" else value
    if model.derived is not None:
        out.update(_derived_arrays(model.derived))
    if model.prices is not None:
        out.update({f"prices.{k}": v for k, v in model.prices.to_arrays(labels=False)[1].items()})
    if model.ranker is not None:
        if model.ranker.booster_text is not None:
            out["ranker.booster"] = np.frombuffer(model.ranker.booster_text.encode("utf-8"), np.uint8)
        if model.ranker.has_acceptance:
            out["ranker.acceptance"] = np.frombuffer(model.ranker.acceptance_text.encode("utf-8"), np.uint8)
    return out


def _digest(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    h.update(json.dumps({k: v for k, v in header.items() if k != "digest"}, sort_keys=True).encode())
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}".encode())
        h.update(memoryview(a).cast("B") if a.size else b"")
    return h.hexdigest()


def _header(model: MatchModel) -> dict[str, Any]:
    from .. import __version__

    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "creatormatch_version": __version__,
        "fingerprint": model.fingerprint, "created_at": model.created_at, "params": model.params.to_dict(),
        "sizes": model.sizes, "relations": sorted(model.relations), "indices_available": model.indices_available,
        "text_columns": {f"{g}.{n}": is_ascii(np.asarray(a)) for g, cols in sorted(model.tables.items())
                         for n, a in sorted(cols.items()) if np.asarray(a).dtype.kind == "U"},
        "extra": model.extra,
        "history_sparse": sorted(name for name, v in (model.history.arrays().items() if model.history else ())
                                 if sp.issparse(v)),
        "ranker": model.ranker.to_header() if model.ranker is not None else None,
        "derived": _derived_header(model.derived),
        "prices": model.prices.to_arrays(labels=False)[0] if model.prices is not None else None,
    }


def _derived_header(d: DerivedStructures | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {"blocks": sorted([s, t] for s, t in d.blocks), "degree": sorted(d.degree),
            "markets": [str(m) for m in d.markets], "category_decay": d.category_decay,
            "influence_share": d.influence_share}


def _derived_arrays(d: DerivedStructures) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for (s, t), m in d.blocks.items():
        out.update(_csr_parts(f"derived.walk.{s}.{t}", m))
    for t, v in d.degree.items():
        out[f"derived.degree.{t}"] = np.asarray(v, np.float64)
    c = d.categories
    out.update(_csr_parts("derived.categories.fit", c["fit"]))
    out.update(_csr_parts("derived.categories.brand_profile", c["brand_profile"]))
    # CSC membership (categories in columns) stored as its transpose, a CSR of the same arrays
    out.update(_csr_parts("derived.categories.membership_t", c["membership"].T))
    out["derived.categories.creator_has_category"] = np.asarray(c["creator_has_category"], bool)
    out["derived.categories.brand_has_category"] = np.asarray(c["brand_has_category"], bool)
    return out


def _derived_from(h: dict[str, Any] | None, arrays: dict[str, np.ndarray]) -> DerivedStructures | None:
    if not h:
        return None
    categories = {
        "fit": _csr_from(arrays, "derived.categories.fit"),
        "brand_profile": _csr_from(arrays, "derived.categories.brand_profile"),
        "membership": _csr_from(arrays, "derived.categories.membership_t").T,
        "creator_has_category": arrays["derived.categories.creator_has_category"],
        "brand_has_category": arrays["derived.categories.brand_has_category"],
    }
    return DerivedStructures(
        blocks={(s, t): _csr_from(arrays, f"derived.walk.{s}.{t}") for s, t in h["blocks"]},
        degree={t: arrays[f"derived.degree.{t}"] for t in h["degree"]}, categories=categories,
        markets=np.asarray(h["markets"], dtype=str), category_decay=float(h["category_decay"]),
        influence_share=float(h["influence_share"]))


def save_model(model: MatchModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` atomically (temporary file + fsync + rename).

    The file is an uncompressed ``.npz`` whose every array starts on a 64-byte boundary,
    so ``load_model`` can map it without copying.  ``header["digest"]`` is computed here,
    over the header and every array.
    """
    arrays = _arrays(model)
    header = _header(model)
    header["digest"] = _digest(header, arrays)
    blob = np.frombuffer(json.dumps(header, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    return write_atomically(Path(path), lambda fh: write_aligned_npz(fh, {"header": blob, **arrays}))


def read_header(path: str | Path) -> dict[str, Any]:
    """The JSON header of a model file (without checking the arrays)."""
    path = Path(path)
    z = _open_model(path)
    return _header_of(path, z)


def _open_model(path: Path) -> NpzMap:
    """Map the model file at ``path``: one open handle, so the header and the arrays come
    from the same file even if ``build`` renames a new model over the path meanwhile."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        raise ModelError(f"model file not found: {path}") from None
    except OSError as exc:
        raise ModelError(f"cannot read the model file {path} ({exc})") from None
    try:
        with fh:
            return NpzMap(fh)
    except (NpzDamaged, ValueError, OSError) as exc:
        raise ModelError(f"{path} is not a readable creatormatch model ({exc}); rebuild it with "
                         "'creatormatch build'") from None


def _header_of(path: Path, z: NpzMap) -> dict[str, Any]:
    try:
        header = json.loads(bytes(z["header"]).decode("utf-8"))
    except (KeyError, ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path} is not a readable creatormatch model ({exc}); rebuild it with "
                         "'creatormatch build'") from None
    if not isinstance(header, dict):
        raise ModelError(f"{path} is not a readable creatormatch model (its header is not a JSON object); "
                         "rebuild it with 'creatormatch build'")
    return header


def load_model(path: str | Path, fingerprint: str | None = None, trusted_digest: str | None = None) -> MatchModel:
    """Read a model written by ``save_model``, memory-mapped: no array is copied or read
    until it is used.

    Parameters
    ----------
    path : the ``.npz`` file.
    fingerprint : when given, the ``Dataset.fingerprint`` the model must have been built from.
    trusted_digest : the digest this very file was verified to have before (the cache's
        seal, ``recommend.cache``).  When the header names it, the full digest check (a
        read of every byte) is skipped; the structural checks always run.

    Raises
    ------
    ModelError : the file is missing, truncated, not a model, of another format version,
        altered after it was written (digest mismatch), or built from other data.
    """
    path = Path(path)
    z = _open_model(path)
    header = _header_of(path, z)
    if header.get("format") != FORMAT:
        raise ModelError(f"{path} is not a creatormatch model")
    if header.get("format_version") not in READABLE_VERSIONS:
        raise ModelError(f"{path} has model format {header.get('format_version')}; this version of "
                         f"creatormatch reads formats {', '.join(map(str, READABLE_VERSIONS))}. Rebuild it with "
                         "'creatormatch build'.")
    if fingerprint is not None and header.get("fingerprint") != fingerprint:
        raise ModelError(f"{path} was built from other data (fingerprint {header.get('fingerprint')}, the "
                         f"dataset has {fingerprint}); rebuild it with 'creatormatch build --data DIR --out {path}'")
    arrays = {name: z[name] for name in z.files if name != "header"}
    if trusted_digest is None or header.get("digest") != trusted_digest:
        if _digest(header, arrays) != header.get("digest"):
            raise ModelError(f"{path} does not match its digest: the file was altered or damaged after it was "
                             "written. Rebuild it with 'creatormatch build'.")
    try:
        model = _model_from(header, arrays)
        _check_shapes(model)
        return model
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise ModelError(f"{path} is incomplete or inconsistent ({exc}); rebuild it with 'creatormatch build'") from None


def verify_model(path: str | Path) -> list[str]:
    """Every problem of the model file at ``path`` found by a full check (structure, header
    and the digest over every byte); ``[]`` when it is sound."""
    try:
        load_model(path)
    except ModelError as exc:
        return [str(exc)]
    return []


def _check_shapes(model: MatchModel) -> None:
    """Every array agrees with the node counts (raises ValueError otherwise)."""
    n = model.sizes
    for group, cols in model.tables.items():
        lengths = cols.lengths() if isinstance(cols, TextColumns) else {k: len(v) for k, v in cols.items()}
        for name, rows in lengths.items():
            if rows != n[group]:
                raise ValueError(f"{group}.{name} has {rows} rows, expected {n[group]}")
    for name, m in model.relations.items():
        src, dst = RELATIONS[name]
        if m.shape != (n[src], n[dst]):
            raise ValueError(f"relation {name} has shape {m.shape}")
    f = model.factors
    if f.brand.shape[0] != n["brand"] or f.creator.shape[0] != n["creator"] or f.brand.shape[1] != f.creator.shape[1]:
        raise ValueError("factor shapes do not match the brands and creators")
    if model.confidence.shape != (n["brand"], n["creator"]):
        raise ValueError("confidence shape does not match the brands and creators")
    for name, v in model.indices.items():
        if len(v) != n["creator"]:
            raise ValueError(f"index {name} has {len(v)} values")
    if model.influence.shape[0] != n["creator"]:
        raise ValueError("influence rows do not match the creators")
    if model.prices is not None and (len(model.prices.rate) != n["creator"] or
                                     len(model.prices.value.expected) != n["creator"] or
                                     len(model.prices.brand_category) != n["brand"]):
        raise ValueError("the price book does not match the creators and brands")
    d = model.derived
    if d is not None:
        for (s, t), m in d.blocks.items():
            if m.shape != (n[s], n[t]):
                raise ValueError(f"walk block {s} -> {t} has shape {m.shape}")
        for t, v in d.degree.items():
            if len(v) != n[t]:
                raise ValueError(f"degree of {t} has {len(v)} values")
        c = d.categories
        if c["fit"].shape[0] != n["creator"] or c["membership"].shape[0] != n["creator"] or \
                len(c["creator_has_category"]) != n["creator"]:
            raise ValueError("category structures do not match the creators")
        if c["brand_profile"].shape[0] != n["brand"] or len(c["brand_has_category"]) != n["brand"]:
            raise ValueError("brand profiles do not match the brands")


def _model_from(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> MatchModel:
    tables: dict[str, dict[str, np.ndarray]] = {}
    text = header.get("text_columns", {})
    for name, arr in arrays.items():
        group, _, col = name.partition(".")
        if group in ("creator", "brand", "category", "product", "campaign"):
            columns = tables.setdefault(group, TextColumns())
            dict.__setitem__(columns, col, Undecoded(arr, bool(text[name])) if name in text else arr)
    relations = {name: _csr_from(arrays, f"rel.{name}") for name in header["relations"]}
    unknown = set(relations) - set(RELATIONS)
    if unknown:
        raise ValueError(f"unknown relations {sorted(unknown)}")
    factors = Factors(arrays["factors.brand"], arrays["factors.creator"], arrays["factors.brand_known"],
                      arrays["factors.creator_known"])
    history = None
    if "history.as_of" in arrays:
        from ..ranker.history import MarketHistory

        sparse = set(header.get("history_sparse", []))
        members: dict[str, Any] = {name: _csr_from(arrays, f"history.{name}") for name in sparse}
        for name, arr in arrays.items():
            if name.startswith("history."):
                key = name[len("history."):]
                if key.rpartition(".")[0] not in sparse:
                    members[key] = np.char.decode(arr, "utf-8") if arr.dtype.kind == "S" else arr
        history = MarketHistory.from_arrays(members)
    ranker = None
    if header.get("ranker"):
        from ..ranker.booster import RankerModel

        acceptance = bytes(arrays["ranker.acceptance"]).decode("utf-8") if "ranker.acceptance" in arrays else None
        trees = bytes(arrays["ranker.booster"]).decode("utf-8") if "ranker.booster" in arrays else None
        ranker = RankerModel.from_header(header["ranker"], trees, acceptance)
    return MatchModel(
        fingerprint=header["fingerprint"], params=MatchParams.from_dict(header["params"]), tables=tables,
        sizes={t: int(header["sizes"][t]) for t in NODE_TYPES}, relations=relations,
        confidence=_csr_from(arrays, "confidence", sp.csr_matrix), factors=factors,
        pagerank={t: arrays[f"pagerank.{t}"] for t in NODE_TYPES},
        indices={name[len("index."):]: arr for name, arr in arrays.items() if name.startswith("index.")},
        indices_available={k: bool(v) for k, v in header["indices_available"].items()},
        influence=_csr_from(arrays, "influence"),
        created_at=header.get("created_at", ""), extra=header.get("extra", {}), history=history, ranker=ranker,
        digest=str(header.get("digest", "")), derived=_derived_from(header.get("derived"), arrays),
        prices=_prices_from(header.get("prices"), arrays, tables["creator"]),
    )


class _Renamed(Mapping):
    """A read-through view of another mapping under other keys (decoding stays lazy)."""

    def __init__(self, source: Any, names: dict[str, str]):
        self.source, self.names = source, names

    def __getitem__(self, key: str) -> np.ndarray:
        return self.source[self.names[key]]

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _prices_from(h: dict[str, Any] | None, arrays: dict[str, np.ndarray], creator: Any) -> Any:
    if not h:
        return None
    from ..pricing.book import PriceBook

    n = len("prices.")
    labels = _Renamed(creator, {"creator_id": "id", "handle": "handle", "market": "market"})
    return PriceBook.from_arrays(h, {k[n:]: a for k, a in arrays.items() if k.startswith("prices.")}, labels=labels)
