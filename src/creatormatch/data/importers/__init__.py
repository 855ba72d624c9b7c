"""Importers: turn data in other shapes into a contract-v1 dataset.

``import_posts`` reads a table of scraped posts (``posts.py``); every inference it makes
is counted and written to ``import-report.md`` by ``write_import``.
"""

from .posts import FIELDS, PostImport, import_posts, parse_mapping, write_import

__all__ = ["FIELDS", "PostImport", "import_posts", "parse_mapping", "write_import"]
