"""Templates kept and restored, correspondents kept, imported from the Annuaire Santé, linked."""

import pytest

from cabinet.domain.correspondents import COLUMNS, Correspondent
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput
from cabinet.services.ports import JournalFilter
from cabinet.services.templates import shipped
from helpers.certificates import card_certificate
from helpers.vaults import identity

HEADER = list(COLUMNS.values())
GOOD_RPPS, OTHER_RPPS = "10101010105", "10000000009"  # both end with their Luhn key


def events(ctx, target):
    return ctx.vault.store.audit_rows(None, 1000, JournalFilter(target=target))


def directory(*rows: dict[str, str], separator: str = "|") -> bytes:
    lines = [separator.join(HEADER)]
    lines += [separator.join(row.get(c, "") for c in HEADER) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def colleague(rpps: str = GOOD_RPPS, **changes: str) -> dict[str, str]:
    row = {"Identifiant PP": rpps, "Libellé civilité d'exercice": "Docteur",
           "Nom d'exercice": "DURAND", "Prénom d'exercice": "Paul",
           "Libellé savoir-faire": "Cardiologie et maladies vasculaires",
           "Numéro Voie (coord. structure)": "12",
           "Libellé type de voie (coord. structure)": "rue",
           "Libellé Voie (coord. structure)": "de la Paix",
           "Code postal (coord. structure)": "75002",
           "Libellé commune (coord. structure)": "Paris",
           "Téléphone (coord. structure)": "0142424242",
           "Adresse BAL MSSanté": "paul.durand@medecin.mssante.fr"}
    return {**row, **changes}


def test_a_template_is_filled_from_the_record_and_its_reading_journaled(ctx):
    patient = ctx.patients.create(identity())
    ctx.records.add_entry(patient, EntryKind.ALLERGY, {"status": "present",
                                                       "substance": "pénicilline"})
    before = len(events(ctx, "record"))
    text = ctx.templates.fill("adressage", patient, "Dr Paul Durand\nCardiologie")
    assert "Je vous adresse Madame LEFÈVRE Émilie, 65 ans, pour […]." in text
    assert "Allergies : Allergie : pénicilline." in text
    assert len(events(ctx, "record")) == before + 1


def test_an_edited_template_is_kept_then_the_original_restored(ctx):
    sport = next(t for t in shipped() if t.key == "sport")
    ctx.templates.save("sport", "{{medecin.soussigne}} certifie : apte au {{patient.nom}}.")
    [edited] = [t for t in ctx.templates.templates("certificate") if t.key == "sport"]
    assert edited.edited and edited.text.endswith("apte au {{patient.nom}}.")
    restored = ctx.templates.restore("sport")
    assert (restored.text, restored.edited) == (sport.text, False)
    assert [e["detail"] for e in events(ctx, "template:sport")] == [
        "modèle d'origine rétabli", "modèle modifié"]


def test_a_template_with_an_unknown_field_is_not_saved(ctx):
    with pytest.raises(InvalidInput, match="Champ inconnu"):
        ctx.templates.save("sport", "{{patient.poids}}")
    assert not any(t.edited for t in ctx.templates.templates())
    assert events(ctx, "template:sport") == []


def test_correspondents_are_added_corrected_removed_and_journaled(ctx):
    number = ctx.correspondents.save(Correspondent("Dr Paul Durand", "Cardiologie",
                                                   GOOD_RPPS, "12 rue de la Paix\n75002 Paris"))
    ctx.correspondents.save(Correspondent("Dr Paul Durand", "Cardiologue", GOOD_RPPS,
                                          id=number))
    assert [c.specialty for c in ctx.correspondents.book()] == ["Cardiologue"]
    with pytest.raises(InvalidInput, match="déjà celui de Dr Paul Durand"):
        ctx.correspondents.save(Correspondent("Dr Autre", rpps=GOOD_RPPS))
    with pytest.raises(InvalidInput, match="RPPS doit compter 11 chiffres"):
        ctx.correspondents.save(Correspondent("Dr Autre", rpps="10101010106"))
    with pytest.raises(InvalidInput, match="MSSanté"):
        ctx.correspondents.save(Correspondent("Dr Autre", mssante="autre@gmail.com"))
    ctx.correspondents.remove(number)
    assert ctx.correspondents.book() == []
    assert [e["detail"] for e in events(ctx, f"correspondent:{number}")] == [
        "correspondant supprimé", "correspondant corrigé", "correspondant ajouté"]


def test_a_correspondents_encryption_certificate_is_kept_and_a_bad_one_refused(ctx):
    _, certificate = card_certificate("Paul Durand", GOOD_RPPS)
    number = ctx.correspondents.save(Correspondent("Dr Paul Durand", rpps=GOOD_RPPS,
                                                   certificate=certificate))
    assert ctx.correspondents.book()[0].certificate == certificate
    with pytest.raises(InvalidInput, match="certificat"):
        ctx.correspondents.save(Correspondent("Dr Paul Durand", rpps=GOOD_RPPS, id=number,
                                              certificate=b"pas un certificat"))
    assert ctx.correspondents.book()[0].certificate == certificate
    assert ctx.correspondents.import_directory(directory(colleague())) == (0, 1)
    [updated] = ctx.correspondents.book()  # the directory has no certificate: kept
    assert (updated.name, updated.certificate) == ("Docteur Paul DURAND", certificate)


def test_the_treating_physician_and_usual_correspondents_are_linked_to_the_record(ctx):
    patient = ctx.patients.create(identity())
    first = ctx.correspondents.save(Correspondent("Dr Anne Roux", "Médecine générale"))
    second = ctx.correspondents.save(Correspondent("Dr Paul Durand", "Cardiologie"))
    ctx.correspondents.link(patient, second, "usual")
    ctx.correspondents.link(patient, first, "treating")
    assert [(c.name, role) for c, role in ctx.correspondents.of_patient(patient)] == [
        ("Dr Anne Roux", "treating"), ("Dr Paul Durand", "usual")]
    ctx.correspondents.link(patient, second, "treating")  # a new médecin traitant
    assert [(c.name, role) for c, role in ctx.correspondents.of_patient(patient)] == [
        ("Dr Paul Durand", "treating"), ("Dr Anne Roux", "usual")]
    ctx.correspondents.unlink(patient, first)
    assert len(ctx.correspondents.of_patient(patient)) == 1
    linked = events(ctx, f"correspondent:{first}")
    assert {e["patient_id"] for e in linked if e["action"] != "admin"} == {patient}


@pytest.mark.parametrize("separator", ["|", ";"])
def test_a_directory_extraction_is_imported(ctx, separator):
    data = directory(colleague(), colleague(OTHER_RPPS, **{"Nom d'exercice": "ROUX"}),
                     colleague(), separator=separator)  # a second activity of the same RPPS
    assert ctx.correspondents.import_directory(data) == (2, 0)
    durand = next(c for c in ctx.correspondents.book() if c.rpps == GOOD_RPPS)
    assert durand.name == "Docteur Paul DURAND"
    assert durand.address_block() == ("Docteur Paul DURAND\nCardiologie et maladies vasculaires"
                                      "\n12 rue de la Paix\n75002 Paris")
    assert durand.mssante == "paul.durand@medecin.mssante.fr"
    moved = colleague(**{"Libellé commune (coord. structure)": "Lyon",
                         "Code postal (coord. structure)": "69001", "Adresse BAL MSSanté": ""})
    assert ctx.correspondents.import_directory(directory(moved)) == (0, 1)
    durand = next(c for c in ctx.correspondents.book() if c.rpps == GOOD_RPPS)
    assert durand.address.endswith("69001 Lyon") and durand.mssante.startswith("paul.durand@")
    latest = events(ctx, "correspondents")[0]
    assert latest["detail"] == "import de l'Annuaire Santé : 0 ajouté(s), 1 mis à jour"


@pytest.mark.parametrize(("data", "said"), [
    (directory(colleague(), colleague(OTHER_RPPS, **{"Identifiant PP": "12345"})),
     "ligne 3 : Le numéro RPPS doit compter 11 chiffres"),
    (directory(colleague(OTHER_RPPS, **{"Nom d'exercice": "", "Prénom d'exercice": "",
                                        "Libellé civilité d'exercice": ""})),
     "ligne 2 : Le nom du correspondant est obligatoire"),
    (directory(colleague(**{"Adresse BAL MSSanté": "paul@gmail.com"})),
     "ligne 2 : L'adresse MSSanté"),
    (directory(colleague()) + b"10000000009|Docteur\n", "ligne 3 : nombre de colonnes incorrect"),
    (b"Nom;Prenom\nDURAND;Paul\n", "Colonnes absentes de l'en-tête : « Identifiant PP »"),
    ("|".join(HEADER).encode("cp1252") + b"\n10101010105|Dr|B\xe9b\xe9\n", "n'est pas en UTF-8"),
])
def test_a_bad_directory_is_refused_whole_in_french(ctx, data, said):
    with pytest.raises(InvalidInput) as refused:
        ctx.correspondents.import_directory(data)
    assert said in refused.value.message
    assert ctx.correspondents.book() == []
    assert events(ctx, "correspondents") == []
