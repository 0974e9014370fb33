"""What the physician types: search-field input drawn from the vault's own patients, and
full-text queries chosen for how hard they are on the index.

Search input is sampled from existing identities so that prefixes hit real names, as they
do when a physician types the name of the patient in front of them.
"""

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass

from cabinet.domain.identity import format_french_date
from cabinet.domain.text import fold
from cabinet.vault.database import Connection

NAME_PREFIX = "name_prefix"
ACCENTED_PREFIX = "name_prefix_accented"
TWO_WORDS = "two_words"
BIRTH_DATE = "birth_date"
NIR_PREFIX = "nir_prefix"
SEARCH_MIX = ((NAME_PREFIX, 35), (ACCENTED_PREFIX, 15), (TWO_WORDS, 20), (BIRTH_DATE, 15),
              (NIR_PREFIX, 15))

# Full text, by how the FTS5 query behaves (ORDER BY rowid DESC LIMIT page):
#  - common: thousands of hits, the first page is found at the end of the doclist at once;
#  - rare: few or no hits, the doclist is short;
#  - disjoint: two common words that never share a note, so no page fills and both doclists
#    are walked to the end: the worst case of the query design.
FULL_TEXT_QUERIES = {
    "common": ("toux", "traitement", "examen normal", "comprimé"),
    "rare": ("appendicectomie", "bronchospasme", "voisin", "prothèse hanche",
             "phéochromocytome"),
    "disjoint": ("toux lombaire", "angine diabète"),
}
IN_RECORD_QUERIES = ("toux", "examen normal", "diabète")

_WORD_SPLIT = re.compile(r"[\s\-']+")


@dataclass(frozen=True)
class SearchQuery:
    """One input of the search field, with the family it belongs to."""

    kind: str
    text: str


@dataclass(frozen=True)
class _Patient:
    family: str
    first_names: str
    birth_date: str
    nir: str


def search_mix(conn: Connection, count: int, seed: int) -> list[SearchQuery]:
    """`count` search inputs in the proportions of `SEARCH_MIX`, shuffled."""
    rnd = random.Random(seed)
    patients = _patients(conn)
    kinds = [kind for kind, weight in SEARCH_MIX for _ in range(weight)]
    accented = [p for p in patients if _accented_words(p)]
    queries: list[SearchQuery] = []
    while len(queries) < count:
        kind = rnd.choice(kinds)
        if kind == ACCENTED_PREFIX and not accented:
            kind = NAME_PREFIX
        pool = accented if kind == ACCENTED_PREFIX else patients
        queries.append(SearchQuery(kind, _typed(kind, rnd.choice(pool), rnd)))
    return queries


def _patients(conn: Connection) -> list[_Patient]:
    rows = conn.execute("SELECT display_name, birth_date, nir FROM patient_index").fetchall()
    found = []
    for display_name, birth_date, nir in rows:
        family, _, first_names = str(display_name).partition(" ")
        found.append(_Patient(family, first_names, str(birth_date), str(nir)))
    if not found:
        raise RuntimeError("the vault has no patients to search for")
    return found


def _words(name: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(name) if w]


def _accented_words(patient: _Patient) -> list[tuple[str, int]]:
    """Words of the name with an accent in their first six letters, and where it falls."""
    found = []
    for word in _words(patient.family) + _words(patient.first_names):
        for position, letter in enumerate(word[:6]):
            if unicodedata.decomposition(letter):
                found.append((word, position))
                break
    return found


def _typed(kind: str, patient: _Patient, rnd: random.Random) -> str:
    if kind == NAME_PREFIX:
        word = rnd.choice(_words(patient.family) + _words(patient.first_names))
        return fold(word)[: rnd.randint(2, 6)]
    if kind == ACCENTED_PREFIX:
        word, position = rnd.choice(_accented_words(patient))
        return word.title()[: rnd.randint(max(2, position + 1), 6)]
    if kind == TWO_WORDS:
        family = fold(_words(patient.family)[0])[: rnd.randint(2, 5)]
        first = fold(_words(patient.first_names)[0])[: rnd.randint(2, 4)]
        return f"{family} {first}"
    if kind == BIRTH_DATE:
        return format_french_date(dt.date.fromisoformat(patient.birth_date))
    digits = patient.nir[: rnd.randint(3, 13)]
    if rnd.random() < 0.3:  # typed as printed on the card: 1 85 05 75 ...
        groups = (digits[:1], digits[1:3], digits[3:5], digits[5:7], digits[7:10], digits[10:])
        return " ".join(group for group in groups if group)
    return digits
