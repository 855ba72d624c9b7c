"""The Neo4j store: schema, idempotent bulk loading, read-back, write-back and planner queries.

::

    from creatormatch.store import StoreConfig, connect, load_graph, read_dataset, push_results
    with connect(StoreConfig.from_env()) as store:
        load_graph(store, dataset)              # schema, then batched UNWIND ... MERGE
        same = read_dataset(store)              # the graph back as a Dataset
        push_results(store, dataset, top=10)    # indices on creators, (:Brand)-[:MATCH]->(:Creator)

The graph model is documented in ``docs/graph-model.md``; every query is a ``.cypher``
file under ``cypher/`` (``creatormatch.store.queries``).  Row building (``rows``) is pure
and needs no server.
"""

from .config import StoreConfig
from .connection import Neo4jStore, connect
from .loader import LoadSummary, apply_schema, graph_counts, load_graph, wipe_graph
from .push import PushSummary, push_results
from .queries import PlannerQuery, cypher, planner_queries, planner_query
from .readback import read_dataset, read_dataset_from_neo4j

__all__ = [
    "StoreConfig", "Neo4jStore", "connect", "LoadSummary", "apply_schema", "graph_counts", "load_graph",
    "wipe_graph", "PushSummary", "push_results", "PlannerQuery", "cypher", "planner_queries", "planner_query",
    "read_dataset", "read_dataset_from_neo4j",
]
