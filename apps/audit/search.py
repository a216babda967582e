"""Fold names for searching: case- and diacritic-insensitive, the same on SQLite and PostgreSQL.

The trail stores the folded actor and target names next to the originals, so a filter is a plain
``LIKE`` on both databases, without the ``unaccent`` extension or a custom SQLite function.
"""

from apps.core.folding import fold_text

SEARCH_MAX_LENGTH = 500


def fold(text: str) -> str:
    """'Nguyễn Văn Đức' → 'nguyen van duc' (the platform's one folding function)."""
    return fold_text(text or "")


def actor_search_key(username: str, name: str) -> str:
    return fold(f"{username} {name}".strip())[:SEARCH_MAX_LENGTH]


def target_search_key(label: str) -> str:
    return fold(label)[:SEARCH_MAX_LENGTH]
