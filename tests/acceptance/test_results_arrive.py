"""Laboratories' files dropped into a folder, received by the installed `cabinet` command: the
one certain record gets the report and its values, a doubtful file waits « À classer », a
malformed one is moved aside with its reason."""

import datetime as dt

from cabinet.bootstrap import VaultDoor
from cabinet.domain.audit import AccessMode
from cabinet.domain.record import EntryKind
from helpers.hprim_files import HprimFile, drop

PATIENTS = 40


def test_a_dropped_hprim_file_ends_in_the_right_record(installed, tmp_path):
    vault = tmp_path / "coffre"
    made = installed.run("demo", "--vault", vault, "--patients", PATIENTS, "--no-gui")
    assert made.returncode == 0, made.stderr
    ctx = VaultDoor(vault).open(AccessMode.DEMO, "demo")
    try:
        people = {n: ctx.patients.identity(n) for n in range(1, PATIENTS + 1)}
    finally:
        ctx.lock()
    number, patient = next((n, p) for n, p in people.items()
                           if sum(q.birth_date == p.birth_date for q in people.values()) == 1)
    folder = tmp_path / "réception"
    drop(folder, "CR_LABO_0001.HPR", HprimFile(
        last_name=(patient.used_name or patient.birth_name).upper(),
        first_name=patient.first_names.split()[0], nir=patient.nir,
        birth_date=f"{patient.birth_date:%d/%m/%Y}").encoded("iso-8859-1"))
    drop(folder, "CR_LABO_0002.HPR", HprimFile(last_name="PERSONNE", first_name="Nul",
                                               birth_date="01/01/1901").encoded("utf-8"))
    drop(folder, "CR_LABO_0003.HPR", HprimFile(results=(("K", "K", "N"),)).encoded())
    done = installed.run("results", "import", folder, "--vault", vault)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == ("Résultats reçus : 1 classé(s) dans les dossiers, "
                                           "1 à classer, 1 refusé(s) (sous-dossier « refusés »).")
    assert "refusé : CR_LABO_0003.HPR — Ligne" in done.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["refusés"]
    again = installed.run("results", "import", folder, "--vault", vault)
    assert "0 classé(s)" in again.stdout  # nothing left to receive twice
    ctx = VaultDoor(vault).open(AccessMode.DEMO, "demo")
    try:
        [document] = [d for d in ctx.records.open_record(number).of_kind(EntryKind.DOCUMENT)
                      if d.payload["doc_type"] == "result"]
        assert document.payload["title"] == "Résultats de biologie du 02/11/2026"
        values = ctx.results.values(number)
        assert [(v.sampled_on, v.value.code) for v in values] == [
            (dt.date(2026, 11, 2), "GLY"), (dt.date(2026, 11, 2), "K"),
            (dt.date(2026, 11, 2), "HBA1C")]
        [waiting] = ctx.results.pending()
        assert waiting.header is not None and waiting.header.last_name == "PERSONNE"
    finally:
        ctx.lock()
