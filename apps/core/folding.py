"""Fold Vietnamese text for diacritic-insensitive matching ("Sở Y tế" ≈ "so y te").

One folding function for every search in egov (names, catalogue, dossiers), so SQLite and
PostgreSQL find the same rows: folded copies are stored next to the originals and matched with a
plain LIKE, or fed to full-text indexes.
"""

import unicodedata


def strip_marks(value: str) -> str:
    """``value`` without tone and vowel marks, đ → d, case kept ("Mã hồ sơ" → "Ma ho so"): for
    SMS, where a message with marks costs three times as much."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def fold_text(value: str) -> str:
    """Lower-case ``value`` without tone and vowel marks, with đ → d and runs of spaces collapsed."""
    return " ".join(strip_marks(value).casefold().split())
