"""Connection settings for the Neo4j store, from the environment and CLI options.

=================  ==========================  ==========================================
variable           default                     meaning
=================  ==========================  ==========================================
``NEO4J_URI``      ``bolt://127.0.0.1:7687``   server address (``bolt://`` or ``neo4j://``,
                                               ``+s``/``+ssc`` for TLS)
``NEO4J_USER``     ``neo4j``                   user name
``NEO4J_PASSWORD`` ``creatormatch-dev``        password (the local server's default)
``NEO4J_DATABASE`` ``neo4j``                   database (Community edition has only ``neo4j``)
=================  ==========================  ==========================================

The password is a secret: it is left out of ``repr``/``str``, never put in a message,
and only handed to the driver as the ``auth`` tuple.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from ..errors import StoreError

__all__ = ["StoreConfig", "DEFAULT_URI", "DEFAULT_USER", "DEFAULT_PASSWORD", "DEFAULT_DATABASE", "URI_SCHEMES"]

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_PASSWORD = "creatormatch-dev"
DEFAULT_DATABASE = "neo4j"
#: Schemes the Bolt driver speaks (the driver's HTTP preview is not used).
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_ENV = {"uri": "NEO4J_URI", "user": "NEO4J_USER", "password": "NEO4J_PASSWORD", "database": "NEO4J_DATABASE"}


@dataclass(frozen=True)
class StoreConfig:
    """Where and as whom to connect.  ``repr`` never shows the password.

    Build it with ``StoreConfig.from_env(uri=..., ...)``: explicit values (CLI options)
    win over ``NEO4J_*`` variables, which win over the defaults.

    Examples
    --------
    >>> cfg = StoreConfig.from_env({}, password="s3cret-pass")
    >>> cfg
    StoreConfig(uri='bolt://127.0.0.1:7687', user='neo4j', database='neo4j', password=<hidden>)
    """

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str = field(default=DEFAULT_PASSWORD, repr=False, compare=False)
    database: str = DEFAULT_DATABASE
    #: seconds to wait for a TCP connection
    connection_timeout: float = 5.0
    #: seconds a managed transaction is retried on transient errors before giving up
    max_retry_time: float = 30.0

    def __post_init__(self) -> None:
        for name in ("uri", "user", "database"):
            if not getattr(self, name):
                raise StoreError(f"{_ENV[name]} is empty; give the Neo4j {name}", hint=(name, "(or {option})"))
        parts = urlsplit(self.uri)
        if parts.scheme not in URI_SCHEMES or not parts.hostname:
            # the URI is not secret, but a user may have pasted credentials into it
            raise StoreError(f"NEO4J_URI must look like bolt://HOST:7687 or neo4j://HOST:7687 "
                             f"(schemes: {', '.join(URI_SCHEMES)}); got {_safe_uri(self.uri)!r}",
                             hint=("uri", "(the same holds for {option})"))
        if parts.username or parts.password:
            raise StoreError("NEO4J_URI must not contain credentials; use NEO4J_USER and NEO4J_PASSWORD",
                             hint=("password", "(or --user and {option})."))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: str | float | None) -> "StoreConfig":
        """Settings from ``options`` (None = not given), then ``env`` (default ``os.environ``), then defaults."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for name, var in _ENV.items():
            given = options.pop(name, None)
            if given is not None:
                values[name] = given
            elif env.get(var):
                values[name] = env[var]
        values.update({k: v for k, v in options.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @property
    def auth(self) -> tuple[str, str]:
        """The ``(user, password)`` tuple for the driver."""
        return (self.user, self.password)

    def with_database(self, database: str) -> "StoreConfig":
        return replace(self, database=database)

    def __repr__(self) -> str:
        return (f"StoreConfig(uri={self.uri!r}, user={self.user!r}, database={self.database!r}, "
                f"password=<hidden>)")

    __str__ = __repr__

    def describe(self) -> str:
        """``user@uri/database`` for messages."""
        return f"{self.user}@{self.uri} (database {self.database!r})"


def _safe_uri(uri: str) -> str:
    """``uri`` with anything between ``//`` and ``@`` blanked out."""
    head, sep, rest = uri.partition("//")
    if sep and "@" in rest.split("/", 1)[0]:
        return head + sep + "***@" + rest.split("@", 1)[1]
    return uri
