"""Fold Vietnamese text for diacritic-insensitive matching ("Sở Y tế" ≈ "so y te").

One folding function for every search in egov (names, catalogue, dossiers), so SQLite and
PostgreSQL find the same rows: folded copies are stored next to the originals and matched with a
plain LIKE, or fed to full-text indexes.
"""

import unicodedata


def fold_text(value: str) -> str:
    """Lower-case ``value`` without tone and vowel marks, with đ → d and runs of spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
