"""Name keys: the case- and accent-insensitive form people are sorted and searched by."""

import unicodedata


def name_key(name: str) -> str:
    """'Zoë  O’Brien' -> 'zoe o'brien': folded case, no accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(plain.casefold().split())[:100]


def prefix_range(text: str) -> tuple[str, str]:
    """The half-open key range [text, text+) that every key starting with `text` falls in.

    Filtering `key >= low AND key < high` uses a plain B-tree index on any database,
    where LIKE 'x%' does not (SQLite's LIKE is not index-friendly with default collation).
    """
    key = name_key(text)
    return key, key + "\U0010ffff"
