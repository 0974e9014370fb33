import pytest

from cabinet.domain import password as rule
from cabinet.domain.password import REQUIRED_BITS, alphabet_bits


def assess(password: str) -> rule.Strength:
    """The CNIL rule with its own table: every character counted as random."""
    return rule.assess(password, estimate=alphabet_bits)

# Alphabet sizes used by the CNIL table: 26 lower, 26 upper, 10 digits, 37 specials.
# 12 x log2(99) = 79.55 -> 80 bits; 14 x log2(62) = 83.36 -> 83; 13 x log2(62) = 77.40 -> 77.
FOUR_CLASSES_12 = "Kx7!pQ2#mRw9"
THREE_CLASSES_14 = "Kx7pQ2mRw9TbZ4"
THREE_CLASSES_13 = "Kx7pQ2mRw9TbZ"


def test_required_bits_is_the_cnil_threshold() -> None:
    assert REQUIRED_BITS == 80


@pytest.mark.parametrize(
    ("password", "bits"), [(FOUR_CLASSES_12, 80), (THREE_CLASSES_14, 83)]
)
def test_cnil_examples_are_accepted(password: str, bits: int) -> None:
    strength = assess(password)
    assert strength.acceptable
    assert strength.bits == bits
    assert strength.problems == ()
    assert strength.explanation() == (
        f"Mot de passe conforme à la recommandation de la CNIL ({bits} bits)."
    )


def test_thirteen_characters_without_specials_are_refused() -> None:
    strength = assess(THREE_CLASSES_13)
    assert not strength.acceptable
    assert strength.bits == 77
    text = strength.explanation()
    assert "77 bits sur les 80" in text
    assert "ajoutez au moins 1 caractère(s)" in text
    assert "des caractères spéciaux" in text
    assert "des majuscules" not in text
    assert "des chiffres" not in text


def test_eleven_characters_with_four_classes_are_refused() -> None:
    strength = assess(FOUR_CLASSES_12[:11])
    assert not strength.acceptable
    assert strength.bits == 73  # 11 x log2(99) = 72.92
    assert "ou ajoutez" not in strength.explanation()


def test_explanation_names_every_missing_class() -> None:
    # 10 lower-case letters: 10 x log2(26) = 47.0 bits; 17 are needed (79.9 -> 80).
    text = assess("kxpqmrwtbz").explanation()
    assert "47 bits" in text
    assert "ajoutez au moins 7 caractère(s)" in text
    for missing in ("des majuscules", "des chiffres", "des caractères spéciaux"):
        assert missing in text
    assert "des minuscules" not in text


@pytest.mark.parametrize("password", ["a" * 20, "ab" * 10, "Zz" * 12])
def test_one_or_two_repeated_characters_are_refused(password: str) -> None:
    strength = assess(password)
    assert not strength.acceptable
    assert "répète" in strength.explanation()


@pytest.mark.parametrize(
    "password", ["Xq9!Password#7", "MotDePasse2024!!", "Kq#2AZERTY!7mW", "Cabinet!Kq#27mW"]
)
def test_common_words_are_refused_even_when_long(password: str) -> None:
    strength = assess(password)
    assert strength.bits >= REQUIRED_BITS
    assert not strength.acceptable
    assert strength.problems == ("Le mot de passe contient un mot trop courant.",)


def test_accented_letters_count_as_letters() -> None:
    # é is lower case and É upper case: same alphabet as "Kx7!pQ2#mRw9".
    assert assess("éx7!pÉ2#mRw9").bits == 80


def test_empty_password_is_refused() -> None:
    strength = assess("")
    assert strength.bits == 0
    assert not strength.acceptable


def test_an_estimator_finding_patterns_lowers_the_score_and_says_why() -> None:
    strength = rule.assess("Kx7!pQ2#mRw9", estimate=lambda p: 40.0)
    assert strength.bits == 40
    assert "motifs prévisibles" in strength.explanation()
    assert "ajoutez au moins 6 caractère(s)" in strength.explanation()  # 39.5 / 6.63 bits
