import pytest

from cabinet.domain.text import fold, has_forbidden_control, name_tokens


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("LEFÈVRE", "lefevre"),
        ("Émilie", "emilie"),
        ("ŒUVRE", "oeuvre"),
        ("cœur", "coeur"),
        ("Lætitia", "laetitia"),
        ("FRANÇOIS", "francois"),
        ("Hélène Noëlle", "helene noelle"),
        ("Straße", "strasse"),
        ("dupont", "dupont"),
        ("", ""),
    ],
)
def test_fold_removes_case_accents_and_ligatures(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_makes_accented_and_plain_spellings_equal() -> None:
    assert fold("LEFÈVRE") == fold("Lefevre") == fold("lefèvre")


@pytest.mark.parametrize(
    ("names", "tokens"),
    [
        (("Marie-Émilie",), {"marie", "emilie", "marieemilie"}),
        (("D'ARTAGNAN",), {"d", "artagnan"}),
        (("N'Guessan-Koffi",), {"n", "guessan", "koffi", "guessankoffi"}),
        (("Jean--Pierre",), {"jean", "pierre", "jeanpierre"}),
        (("Marie - Claire",), {"marie", "claire"}),
        (("LE GOFF", "Anne"), {"le", "goff", "anne"}),
        (("", "  ", "-", "'"), set()),
    ],
)
def test_name_tokens(names: tuple[str, ...], tokens: set[str]) -> None:
    assert name_tokens(*names) == tokens


@pytest.mark.parametrize("text", ["a\x00b", "\x07", "esc\x1b[0m", "del\x7f", "c1\x85"])
def test_control_characters_are_forbidden(text: str) -> None:
    assert has_forbidden_control(text)


@pytest.mark.parametrize(
    "text", ["", "Toux fébrile", "ligne 1\nligne 2", "col\tcol", "espace\u00a0insécable"]
)
def test_newline_tab_and_ordinary_text_are_allowed(text: str) -> None:
    assert not has_forbidden_control(text)
