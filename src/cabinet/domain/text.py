"""Text normalisation shared by search and validation.

French names are searched without accents or case ("lefevre" finds "LEFÈVRE"), and every
free text is checked for control characters before it is stored. Identity fields also refuse
invisible formatting characters: a right-to-left override shows a name other than the one
stored, and a zero-width space makes two identical-looking names differ (missed duplicates).
"""

import unicodedata

_ALLOWED_CONTROLS = {"\n", "\t", "\r"}


def fold(text: str) -> str:
    """Return `text` lower-cased with diacritics removed, for accent-insensitive search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("œ", "oe").replace("æ", "ae")


def name_tokens(*names: str) -> set[str]:
    """Split names into folded search tokens ("Marie-Émilie" gives marie, emilie, marieemilie)."""
    tokens: set[str] = set()
    for name in names:
        folded = fold(name)
        for word in folded.replace("'", " ").replace("\u2019", " ").split():
            parts = [p for p in word.split("-") if p]
            tokens.update(parts)
            if len(parts) > 1:
                tokens.add("".join(parts))
    return {t for t in tokens if t}


def has_forbidden_control(text: str) -> bool:
    """Tell whether `text` holds a control character other than newline, CR and tab."""
    return any(
        unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS for c in text
    )


def has_invisible_format(text: str) -> bool:
    """Tell whether `text` holds a Unicode format character (category Cf).

    That is bidi embeddings, overrides, isolates and marks, zero-width spaces and joiners,
    the word joiner, the byte-order mark and the soft hyphen: none is typed in a name.
    """
    return any(unicodedata.category(c) == "Cf" for c in text)
