"""Connection settings: precedence, validation, and a password that never shows (no server)."""

from __future__ import annotations

import pytest

from creatormatch.errors import StoreError
from creatormatch.store.config import StoreConfig

SECRET = "s3cret-Pa55word-xyz"


def test_defaults():
    cfg = StoreConfig.from_env({})
    assert (cfg.uri, cfg.user, cfg.password, cfg.database) == (
        "bolt://127.0.0.1:7687", "neo4j", "creatormatch-dev", "neo4j")


def test_options_win_over_environment_over_defaults():
    env = {"NEO4J_URI": "neo4j://db.example:7687", "NEO4J_USER": "planner", "NEO4J_PASSWORD": "from-env-1",
           "NEO4J_DATABASE": "market"}
    cfg = StoreConfig.from_env(env)
    assert (cfg.uri, cfg.user, cfg.password, cfg.database) == ("neo4j://db.example:7687", "planner", "from-env-1",
                                                                "market")
    cfg = StoreConfig.from_env(env, user="admin", database=None)
    assert cfg.user == "admin" and cfg.database == "market"


def test_password_is_never_in_repr_or_str():
    cfg = StoreConfig.from_env({}, password=SECRET)
    assert SECRET not in repr(cfg) and SECRET not in str(cfg) and SECRET not in cfg.describe()
    assert "<hidden>" in repr(cfg)
    assert cfg.auth == ("neo4j", SECRET)


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "bolt://", "ftp://x"])
def test_bad_uri_is_refused_with_the_fix(uri):
    with pytest.raises(StoreError, match="NEO4J_URI"):
        StoreConfig.from_env({}, uri=uri)


def test_credentials_in_the_uri_are_refused_without_echoing_them():
    with pytest.raises(StoreError) as err:
        StoreConfig.from_env({}, uri=f"bolt://neo4j:{SECRET}@localhost:7687")
    assert SECRET not in str(err.value)
    with pytest.raises(StoreError) as err:
        StoreConfig.from_env({}, uri=f"http://neo4j:{SECRET}@localhost:7687")
    assert SECRET not in str(err.value)


def test_empty_setting_names_itself():
    with pytest.raises(StoreError, match="NEO4J_USER"):
        StoreConfig(user="")
