"""Issue 19, door 3: an ordonnance amended after signing, checked by the installed `cabinet`.

The ordonnance is signed the normal way (`cabinet sign prescription` on a demo practice), then
amended as an attacker would, with an incremental update that leaves the signed bytes alone:
a white box over the body, or the page's content rewritten. The installed `cabinet verify`
refuses each, naming the change; `pdfsig` still says « Signature is Valid. » and only its
coverage line (« Not total document signed ») betrays the change, as README explains.
"""

import re
from pathlib import Path

import pytest
from test_installed_commands import demo_credential, opened

from cabinet.domain.record import EntryKind
from helpers import pdf_attacks, pdf_checks


@pytest.fixture(scope="module")
def ordonnance(installed, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("ordonnance")
    folder = base / "coffre"
    created = installed.run("demo", "--no-gui", "--patients", 12, "--seed", 5, "--vault", folder)
    assert created.returncode == 0, created.stderr
    with opened(folder, demo_credential()) as ctx:
        store = ctx.vault.store
        entry = next(entry.lineage for patient in range(1, 13)
                     for entry in store.current_entries(patient)
                     if entry.kind == EntryKind.PRESCRIPTION.value)
    signed = installed.run("sign", "prescription", "--vault", folder, "--entry", entry,
                           "--to", base)
    assert signed.returncode == 0, signed.stderr
    found = re.search(r"Écrit : (.*)", signed.stdout)
    assert found is not None, signed.stdout
    return Path(found.group(1))


def test_the_signed_ordonnance_is_certified_and_whole(installed, ordonnance):
    assert pdf_checks.pdfsig_valid(ordonnance), pdf_checks.pdfsig_output(ordonnance)
    assert pdf_checks.certified_without_changes(ordonnance)
    verified = installed.run("verify", ordonnance)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Certification : aucune modification permise après la signature." in verified.stdout


@pytest.mark.parametrize(("amend", "named"), [
    (pdf_attacks.white_box_annotation, "une annotation (rectangle) ajoutée à la page 1"),
    (pdf_attacks.rewritten_page_content, "le contenu de la page 1 modifié")],
    ids=["annotation", "contenu"])
def test_an_amended_ordonnance_is_refused_with_the_change_named(installed, ordonnance, amend,
                                                                 named):
    amended = amend(ordonnance)
    refused = installed.run("verify", amended)
    assert refused.returncode == 1
    assert refused.stdout.startswith("Document modifié après signature : il ne doit pas être "
                                      "utilisé.")
    assert f"Le document a été modifié après sa signature : {named}." in refused.stdout
    assert refused.stderr == ""
    seen = pdf_checks.pdfsig_output(amended)
    assert "Signature is Valid." in seen and "Not total document signed" in seen
    assert not pdf_checks.pdfsig_valid(amended)
