"""The GDPR paperwork from the settings (RIGHTS-1, GDPR-1): the waiting-room notice and the
record of processing activities as PDF/A and HTML, the breach register and the CNIL form."""

import datetime as dt

import pytest

from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput
from helpers.pdf_checks import fonts_all_embedded, pdf_text, pdfa_identified
from helpers.vaults import identity

BREACH = {"occurred_on": "2026-10-27", "discovered_on": "2026-10-28",
          "nature": "Vol de l'ordinateur du secrétariat", "data": "Agenda du cabinet",
          "people": "Environ 40 patients", "consequences": "Faibles : disque chiffré",
          "measures": "Plainte déposée, carte CPS révoquée", "cnil_notified": "no",
          "people_informed": "no", "why_not": "Données chiffrées : risque faible"}


@pytest.fixture
def practice(ctx):
    ctx.settings.change({"address": "3 rue des Lilas 75011 Paris", "phone": "01 23 45 67 89",
                         "dpo_name": "Mme Claire Petit", "dpo_contact": "dpo@cabinet.test",
                         "processors": "Infogérance Durand (maintenance)",
                         "retention_destroy_years": "25"})
    return ctx


def test_the_waiting_room_notice_says_everything_article_13_asks(practice, tmp_path):
    result = practice.compliance.write_notice(tmp_path)
    pdf = tmp_path / "information-patients.pdf"
    assert [f.name for f in result.files] == ["information-patients.pdf",
                                              "information-patients.html"]
    assert pdfa_identified(pdf) and fonts_all_embedded(pdf)
    said = " ".join(pdf_text(pdf).split())
    for expected in ("Dr Jeanne Martin", "3 rue des Lilas", "Mme Claire Petit — "
                     "dpo@cabinet.test", "Infogérance Durand", "25 ans après la dernière "
                     "consultation", "28 ans", "10 ans après le décès", "d'opposition",
                     "www.cnil.fr", "3 place de Fontenoy"):
        assert expected in said, expected
    assert "Vous opposer" in (tmp_path / "information-patients.html").read_text()


def test_the_record_of_processing_activities_follows_the_settings(practice, tmp_path):
    practice.compliance.write_processing_register(tmp_path)
    said = " ".join(pdf_text(tmp_path / "registre-traitements.pdf").split())
    for expected in ("Responsable du traitement", "Dossier médical et suivi des patients",
                     "Facturation et comptabilité", "Rendez-vous", "Base légale",
                     "Transferts hors de l'Union européenne : aucun", "25 ans",
                     "Mesures de sécurité", "Mme Claire Petit"):
        assert expected in said, expected
    assert "<h1>Registre des activités de traitement</h1>" in (
        tmp_path / "registre-traitements.html").read_text()


def test_a_breach_without_a_date_is_refused_and_nothing_is_written(practice):
    with pytest.raises(InvalidInput) as refused:
        practice.compliance.record_breach({**BREACH, "occurred_on": ""})
    assert "Indiquez la date de la violation" in refused.value.message
    assert "Rien n'a été inscrit" in refused.value.message
    with pytest.raises(InvalidInput, match="Expliquez pourquoi"):
        practice.compliance.record_breach({**BREACH, "why_not": " "})
    assert practice.compliance.breaches() == {}


def test_a_correction_is_a_new_line_and_the_register_reads_the_latest(practice, tmp_path):
    number = practice.compliance.record_breach(BREACH)
    practice.compliance.record_breach({**BREACH, "people": "Environ 45 patients"}, number)
    assert practice.compliance.breaches()[number]["people"] == "Environ 45 patients"
    assert practice.vault.conn.execute("SELECT count(*) FROM breach").fetchone()[0] == 2
    with pytest.raises(InvalidInput, match="pas au registre"):
        practice.compliance.record_breach(BREACH, 99)
    practice.compliance.write_register(tmp_path)
    said = " ".join(pdf_text(tmp_path / "registre-violations.pdf").split())
    assert "Environ 45 patients" in said and "Données chiffrées : risque faible" in said


def test_the_cnil_notification_is_filled_from_the_register(practice, tmp_path):
    number = practice.compliance.record_breach(BREACH)
    practice.compliance.write_notification(number, tmp_path)
    said = " ".join(pdf_text(tmp_path / f"notification-cnil-violation-{number}.pdf").split())
    for expected in ("survenue le 27/10/2026, découverte le 28/10/2026",
                     "au plus tard le 31/10/2026", "Ce délai est dépassé",
                     "Vol de l'ordinateur du secrétariat", "Environ 40 patients",
                     "notifications.cnil.fr"):
        assert expected in said, expected


def test_the_information_given_is_shown_with_consents_and_erasures(ctx):
    patient = ctx.patients.create(identity())
    ctx.records.add_entry(patient, EntryKind.CONSENT, {
        "topic": "sharing", "choice": "objects", "date": "2026-10-01"})
    with pytest.raises(InvalidInput, match="Choisissez comment"):
        ctx.information.record_information(patient, dt.date(2026, 11, 2), "affiche")
    with pytest.raises(InvalidInput, match="pas dans le futur"):
        ctx.information.record_information(patient, dt.date(2027, 1, 1), "oral")
    ctx.information.record_information(patient, dt.date(2026, 11, 2), "in_hand")
    rights = ctx.information.rights(patient)
    assert [(i.given_on, i.means) for i in rights.information] == [("2026-11-02", "in_hand")]
    assert [c.payload["choice"] for c in rights.consents] == ["objects"]
    assert rights.erasures == []
