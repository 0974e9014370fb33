"""What the journal window says of the agenda's and the fees' events: French, never a key."""

import pytest

from cabinet.domain.wording import target_text


@pytest.mark.parametrize(("target", "said"), [
    ("appointment:12", "Rendez-vous n° 12"),
    ("fee:7", "Honoraires n° 7"),
    ("fees:entry:31", "Honoraires de l'entrée n° 31"),
    ("agenda:day 2026-12-03", "Agenda du 03/12/2026"),
    ("agenda:week 2026-11-30", "Agenda de la semaine du 30/11/2026"),
    ("waiting room 2026-12-03", "Salle d'attente du 03/12/2026"),
    ("agenda setup", "Paramétrage de l'agenda"),
    ("ledger", "Livre des recettes"),
    ("deposit slip", "Bordereau de remise de chèques"),
    ("tiers payant expected", "Tiers payant attendu"),
    ("act table", "Table des actes et tarifs"),
    ("appointments", "Rendez-vous du patient"),
    ("agenda", "Agenda"),
    ("portability signer", "Signataire de l'archive importée"),
])
def test_agenda_and_fee_targets_read_in_french(target, said):
    assert target_text(target) == said
