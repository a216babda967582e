"""Fold names for searching: case- and diacritic-insensitive, the same on SQLite and PostgreSQL.

The trail stores the folded actor and target names next to the originals, so a filter is a plain
``LIKE`` on both databases, without the ``unaccent`` extension or a custom SQLite function.
"""

import unicodedata

SEARCH_MAX_LENGTH = 500


def fold(text: str) -> str:
    """'Nguyễn Văn Đức' → 'nguyen van duc'."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def actor_search_key(username: str, name: str) -> str:
    return fold(f"{username} {name}".strip())[:SEARCH_MAX_LENGTH]


def target_search_key(label: str) -> str:
    return fold(label)[:SEARCH_MAX_LENGTH]
