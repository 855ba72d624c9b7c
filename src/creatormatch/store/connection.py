"""Opening a Neo4j connection and turning driver exceptions into one-line ``StoreError``\\ s.

Everything that talks to the server goes through ``Neo4jStore``: reads run as managed
read transactions, writes as managed write transactions (``session.execute_write``),
which the driver retries on transient errors (deadlocks, lock timeouts, a leader
switch, a dropped connection) for up to ``StoreConfig.max_retry_time`` seconds.  Query
text always comes from a ``.cypher`` file (``creatormatch.store.queries``); every value
is a parameter.

Failures the user can fix become ``StoreError`` with one line that names the fix:

* server unreachable -> ``cannot reach Neo4j at bolt://...: ... Is the server running? ...``
* wrong credentials -> ``Neo4j at bolt://... rejected user 'neo4j': wrong password? ...``
* missing database  -> ``Neo4j at bolt://... has no database 'x'; ...``

The password never appears in a message: it is only passed to the driver, and any
message is scrubbed of it before it is raised.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..errors import StoreError
from .config import StoreConfig
from .queries import cypher

__all__ = ["Neo4jStore", "connect", "translate_errors"]

T = TypeVar("T")


class Neo4jStore:
    """A driver bound to one database; create it with ``connect(config)``.

    ``retries`` counts transaction attempts that had to be repeated (a transient error
    was retried), across the life of the store.  A store may be shared by threads: every
    call opens its own session on the (thread-safe) driver.
    """

    def __init__(self, driver: Any, config: StoreConfig):
        self._driver = driver
        self.config = config
        self.retries = 0
        self._retries_lock = threading.Lock()  # writes may run on several threads (load workers)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> "Neo4jStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.config!r})"

    # ------------------------------------------------------------------ queries

    def _session(self, fetch_size: int = 10_000) -> Any:
        return self._driver.session(database=self.config.database, fetch_size=fetch_size)

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a read query in a managed read transaction; rows as plain dicts."""
        keys, rows = self.read_rows(query, **params)
        return [dict(zip(keys, row)) for row in rows]

    def read_rows(self, query: str, **params: Any) -> tuple[list[str], list[list[Any]]]:
        """Run a read query; return its column names and rows (driver values kept:
        nodes, relationships and paths stay graph objects)."""

        def work(tx: Any) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(query, params)
            return list(result.keys()), result.values()

        with translate_errors(self.config, "a read query"), self._session() as session:
            return session.execute_read(work)

    def read_fold(self, query: str, init: Callable[[], T], step: Callable[[T, list[Any]], None],
                  **params: Any) -> T:
        """Stream a read query's rows into an accumulator: ``acc = init()``, then
        ``step(acc, row)`` per row as it arrives (rows are never all held at once).  A
        retried transaction starts again from a fresh ``init()``."""

        def work(tx: Any) -> T:
            acc = init()
            for record in tx.run(query, params):
                step(acc, record.values())
            return acc

        with translate_errors(self.config, "a read query"), self._session() as session:
            return session.execute_read(work)

    def read_columns(self, query: str, **params: Any) -> dict[str, list[Any]]:
        """Run a read query; return ``column name -> list of values`` (for numpy)."""
        keys, rows = self.read_rows(query, **params)
        columns = list(zip(*rows)) if rows else [() for _ in keys]
        return {k: list(col) for k, col in zip(keys, columns)}

    def write(self, query: str, *, action: str = "a write", **params: Any) -> list[dict[str, Any]]:
        """Run a write query in one managed write transaction (retried on transient errors).

        The query must be idempotent: after a retry, the transaction runs again from the
        start (everything of the failed attempt was rolled back).
        """
        attempts = 0

        def work(tx: Any) -> list[dict[str, Any]]:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                with self._retries_lock:
                    self.retries += 1
            result = tx.run(query, params)
            return [dict(zip(result.keys(), row)) for row in result.values()]

        with translate_errors(self.config, action), self._session() as session:
            return session.execute_write(work)

    def run_autocommit(self, query: str, *, action: str = "a schema change", **params: Any) -> list[dict[str, Any]]:
        """Run one query in its own auto-commit transaction (schema commands,
        ``CALL {...} IN TRANSACTIONS``).  Not retried."""
        with translate_errors(self.config, action), self._session() as session:
            result = session.run(query, params)
            return [dict(zip(result.keys(), row)) for row in result.values()]

    def ping(self) -> None:
        """Check that the database answers a query (raises ``StoreError`` if not)."""
        self.run_autocommit(cypher("admin/ping"), action="connecting")


def connect(config: StoreConfig | None = None) -> Neo4jStore:
    """Open a connection and check it: the server answers, accepts the credentials and
    has the database.

    Raises
    ------
    StoreError : one line saying which of the three failed and how to fix it.
    """
    from neo4j import GraphDatabase

    from .. import __version__

    config = config or StoreConfig.from_env()
    with translate_errors(config, "connecting"):
        driver = GraphDatabase.driver(
            config.uri, auth=config.auth, connection_timeout=config.connection_timeout,
            max_transaction_retry_time=config.max_retry_time, user_agent=f"creatormatch/{__version__}")
    store = Neo4jStore(driver, config)
    try:
        with translate_errors(config, "connecting"):
            driver.verify_connectivity()
        store.ping()
    except BaseException:
        store.close()
        raise
    return store


@contextlib.contextmanager
def translate_errors(config: StoreConfig, action: str) -> Iterator[None]:
    """Turn driver exceptions raised inside the block into one-line ``StoreError``\\ s."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 -- classified below; unknown ones re-raised
        error = _classify(exc, config, action)
        if error is None:
            raise
        raise error from None


def _classify(exc: Exception, config: StoreConfig, action: str) -> StoreError | None:
    from neo4j import exceptions as ne

    where = config.uri
    if isinstance(exc, ne.AuthError) or _code(exc).startswith("Neo.ClientError.Security.Unauthorized"):
        return _error(config, f"Neo4j at {where} rejected user {config.user!r}: wrong password? "
                              "Set NEO4J_PASSWORD", hint=("password", "(or {option})"))
    code = _code(exc)
    if code == "Neo.ClientError.Security.AuthenticationRateLimit":
        return _error(config, f"Neo4j at {where} locked user {config.user!r} for a few seconds after failed "
                              "logins; wait, then retry with the right NEO4J_PASSWORD")
    if code == "Neo.ClientError.Database.DatabaseNotFound":
        return _error(config, f"Neo4j at {where} has no database {config.database!r}; set NEO4J_DATABASE "
                              "to an existing one (Community edition has only 'neo4j')",
                      hint=("database", "(or {option})"))
    if code.startswith("Neo.ClientError.Security.") or isinstance(exc, ne.Forbidden):
        return _error(config, f"Neo4j at {where} refused {action} for user {config.user!r}: {_message(exc)}")
    if isinstance(exc, (ne.ServiceUnavailable, ne.SessionExpired, ne.ConnectionAcquisitionTimeoutError)):
        if action == "connecting":
            return _error(config, f"cannot reach Neo4j at {where} ({_reason(exc)}). Is the server running? "
                                  "Start it with 'scripts/neo4j-local start', or set NEO4J_URI",
                              hint=("uri", "(or {option})"))
        return _error(config, f"lost the connection to Neo4j at {where} during {action} ({_message(exc)}); "
                              "check the server and run the command again (loading and pushing are idempotent)")
    if isinstance(exc, ne.DatabaseUnavailable) or code == "Neo.TransientError.General.DatabaseUnavailable":
        return _error(config, f"database {config.database!r} at {where} is not available ({_message(exc)}); "
                              "it may be starting or stopped")
    if isinstance(exc, ne.ConfigurationError):
        return _error(config, f"invalid Neo4j settings: {_message(exc)}")
    if isinstance(exc, ne.Neo4jError):
        return _error(config, f"Neo4j failed during {action}: {code or type(exc).__name__}: {_message(exc)}", code)
    if isinstance(exc, ne.DriverError):
        return _error(config, f"Neo4j driver failed during {action}: {type(exc).__name__}: {_message(exc)}")
    if isinstance(exc, ValueError) and action == "connecting":
        return _error(config, f"invalid Neo4j settings: {_message(exc)}")
    return None


def _reason(exc: Exception) -> str:
    """The root cause of a connection failure, short: "Connection refused", "Name or
    service not known", ... (the driver's full text repeats the address twice)."""
    text = _message(exc)
    match = re.search(r"\[Errno -?\d+\] ([^)\]]+)", text)
    return match.group(1).strip() if match else text


def _code(exc: Exception) -> str:
    return str(getattr(exc, "code", None) or "")


def _message(exc: Exception) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())


def _error(config: StoreConfig, text: str, code: str = "", hint: tuple[str, str] | None = None) -> StoreError:
    text = " ".join(text.split())
    if config.password:
        text = text.replace(config.password, "***")
    error = StoreError(text, hint=hint)
    error.code = code  # type: ignore[attr-defined]  # the Neo4j status code, for callers that react to one
    return error


