"""docker-compose.yml runs the same Neo4j patch version as scripts/neo4j-local, and keeps
the plugins it downloads in a volume (no server, no Docker)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pom_neo4j_version() -> str:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    return ET.parse(ROOT / "scripts" / "neo4j" / "pom.xml").getroot().find("m:properties/m:neo4j.version", ns).text


def test_the_compose_image_is_the_local_servers_patch_version():
    version = pom_neo4j_version()
    assert re.fullmatch(r"5\.26\.\d+", version)
    images = re.findall(r"^\s*image:\s*(\S+)\s*$", (ROOT / "docker-compose.yml").read_text(), flags=re.M)
    assert images == [f"neo4j:{version}-community"]


def test_the_compose_file_keeps_plugins_in_a_volume():
    text = (ROOT / "docker-compose.yml").read_text()
    assert re.search(r"^\s*- neo4j-plugins:/plugins\s*$", text, flags=re.M)
    assert re.search(r"^volumes:\n(?:  \S+:\n)*  neo4j-plugins:\s*$", text, flags=re.M)
