"""Server faults against the real server: a transaction that loses its connection
mid-batch is retried, and a load that failed half-way, run again, leaves exactly the
dataset -- nothing lost, nothing duplicated."""

from __future__ import annotations

import threading
import time

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import TransientError

from creatormatch.synthetic.generator import generate_market
from creatormatch.data.loader import load_dataset
from creatormatch.errors import StoreError
from creatormatch.store import graph_counts, load_graph, read_dataset

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    out = tmp_path_factory.mktemp("faults") / "market"
    generate_market(out, 200, 10, seed=5, videos_per_creator=4, invitations_per_creator=5)
    return load_dataset(out)


def _blocked_connections(driver) -> list[str]:
    rows, _, _ = driver.execute_query(
        "SHOW TRANSACTIONS YIELD connectionId, status WHERE status STARTS WITH 'Blocked' RETURN connectionId",
        database_="neo4j")
    return [r["connectionId"] for r in rows]


def _wait_blocked(driver, n: int) -> None:
    deadline = time.monotonic() + 60
    while len(_blocked_connections(driver)) < n:
        assert time.monotonic() < deadline, f"fewer than {n} transactions ever blocked"
        time.sleep(0.05)


def test_a_transient_error_mid_batch_is_retried(store, market):
    """A real deadlock, closed by the load's own batch, so Neo4j aborts that batch with
    the transient error DeadlockDetected and the managed transaction runs it again.

    One worker, so the batch writes creators 0..49 in order.  T3 holds creator 25, T2 creators 40..199.  The batch
    takes 0..24 and waits for 25; T2 then asks for 0 and waits for the batch; T3 lets go;
    the batch takes 25..39 and asks for 40, held by T2, which waits for the batch: a cycle.
    Neo4j aborts the transaction holding fewer locks: the batch (40 against T2's 160).
    """
    load_graph(store, market)
    counts = graph_counts(store)
    ids = [str(i) for i in market.creators.ids]
    lock = "UNWIND $ids AS id MATCH (c:Creator {creator_id: id}) SET c.probe = 1"
    cfg = store.config
    errors: list[BaseException] = []
    retries_before = store.retries
    with GraphDatabase.driver(cfg.uri, auth=cfg.auth) as other, \
            other.session(database=cfg.database) as s2, other.session(database=cfg.database) as s3:
        t3 = s3.begin_transaction()
        t3.run(lock, ids=[ids[25]]).consume()
        t2 = s2.begin_transaction()
        t2.run(lock, ids=ids[40:]).consume()

        def reload() -> None:
            try:
                load_graph(store, market, schema=False, batch_size=50, workers=1)
            except BaseException as exc:  # noqa: BLE001 -- reported below
                errors.append(exc)

        def t2_wants_creator_0() -> None:
            try:
                t2.run(lock, ids=[ids[0]]).consume()
            except TransientError as exc:
                errors.append(exc)  # T2 was picked as the victim instead
            finally:
                t2.rollback()

        load = threading.Thread(target=reload)
        load.start()
        _wait_blocked(other, 1)           # the batch waits for creator 25
        second = threading.Thread(target=t2_wants_creator_0)
        second.start()
        _wait_blocked(other, 2)           # T2 waits for creator 0
        t3.rollback()                     # the batch goes on to creator 40: deadlock
        second.join(timeout=60)
        load.join(timeout=120)
    assert not errors, errors
    assert store.retries > retries_before
    assert graph_counts(store) == counts


def test_a_load_that_failed_half_way_completes_when_run_again(store, market):
    from dataclasses import replace

    from creatormatch.store import connect, wipe_graph

    wipe_graph(store)
    last = str(market.creators.ids[-1])
    cfg = store.config
    errors: list[BaseException] = []
    with GraphDatabase.driver(cfg.uri, auth=cfg.auth) as other, \
            connect(replace(cfg, max_retry_time=0)) as fragile:  # no retries: the first fault is fatal
        with other.session(database=cfg.database) as session:
            blocker = session.begin_transaction()  # holds the key of the last creator
            blocker.run("CREATE (:Creator {creator_id: $id})", id=last).consume()

            def first_load() -> None:
                try:
                    load_graph(fragile, market, batch_size=50)
                except BaseException as exc:  # noqa: BLE001 -- checked below
                    errors.append(exc)

            worker = threading.Thread(target=first_load)
            worker.start()
            killed = []
            deadline = time.monotonic() + 60
            while not killed and time.monotonic() < deadline:
                killed = _blocked_connections(other)
                time.sleep(0.1)
            assert killed
            other.execute_query("CALL dbms.killConnections($ids)", ids=killed, database_="neo4j")
            worker.join(timeout=120)
            blocker.rollback()
    assert len(errors) == 1 and isinstance(errors[0], StoreError), errors
    assert "\n" not in str(errors[0])
    nodes, _ = graph_counts(store)
    assert 0 < nodes.get("Creator", 0) < len(market.creators)  # half-way

    load_graph(store, market)  # run it again
    nodes, rels = graph_counts(store)
    assert nodes["Creator"] == len(market.creators) and rels["INVITED"] == len(market.collaborations)
    assert read_dataset(store).fingerprint == market.fingerprint
