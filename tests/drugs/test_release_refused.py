"""Every malformed form of a release is refused in French, naming the file and the line, and
the base in place stays whole and readable."""

import datetime as dt

import pytest

from cabinet.drugs.base import DrugBase
from cabinet.drugs.errors import ReleaseRefused
from cabinet.drugs.importer import import_release
from drugs.conftest import SUBSET_DATE


def _replace_line(data: bytes, number: int, change) -> bytes:
    lines = data.split(b"\n")
    lines[number - 1] = change(lines[number - 1])
    return b"\n".join(lines)


def _column(index: int, value: bytes):
    def change(line: bytes) -> bytes:
        values = line.rstrip(b"\r").split(b"\t")
        values[index] = value
        return b"\t".join(values) + (b"\r" if line.endswith(b"\r") else b"")
    return change


SPOILED = [
    ("CIS_bdpm.txt", 3, lambda line: line.rsplit(b"\t", 1)[0],
     "CIS_bdpm.txt, ligne 3 : la ligne a 11 colonnes au lieu de 12."),
    ("CIS_CIP_bdpm.txt", 2, lambda line: line + b"\tde trop",
     "CIS_CIP_bdpm.txt, ligne 2 : la ligne a 14 colonnes au lieu de 13."),
    ("CIS_bdpm.txt", 1, _column(0, b"6126625"),
     "CIS_bdpm.txt, ligne 1 : le code CIS « 6126625 » n'a pas 8 chiffres."),
    ("CIS_CIP_bdpm.txt", 4, _column(6, b"340093000012"),
     "CIS_CIP_bdpm.txt, ligne 4 : le code CIP13 « 340093000012 » n'a pas 13 chiffres."),
    ("CIS_CIP_bdpm.txt", 4, _column(6, b"3500930000123"),
     "CIS_CIP_bdpm.txt, ligne 4 : le code CIP13 « 3500930000123 » ne commence pas par 34009."),
    ("CIS_CIP_bdpm.txt", 5, _column(1, b"49A9729"),
     "CIS_CIP_bdpm.txt, ligne 5 : le code CIP7 « 49A9729 » n'a pas 7 chiffres."),
    ("CIS_bdpm.txt", 2, _column(7, b"31/02/1997"),
     "CIS_bdpm.txt, ligne 2 : la date « 31/02/1997 » n'existe pas."),
    ("CIS_CIP_Dispo_Spec.txt", 1, _column(4, b"2025-10-22"),
     "CIS_CIP_Dispo_Spec.txt, ligne 1 : la date « 2025-10-22 » n'est pas au format JJ/MM/AAAA."),
    ("CIS_CIP_bdpm.txt", 1, _column(9, b"24.34"),
     "CIS_CIP_bdpm.txt, ligne 1 : le prix « 24.34 » n'est pas un montant en euros à virgule "
     "décimale."),
    ("CIS_CIP_bdpm.txt", 1, _column(8, b"65 pour cent"),
     "CIS_CIP_bdpm.txt, ligne 1 : le taux de remboursement « 65 pour cent » n'a pas la forme "
     "« 65% »."),
    ("CIS_COMPO_bdpm.txt", 2, _column(6, b"XX"),
     "CIS_COMPO_bdpm.txt, ligne 2 : la nature du composant « XX » n'est pas l'une des valeurs "
     "prévues (« SA », « FT »)."),
    ("CIS_GENER_bdpm.txt", 1, _column(3, b"3"),
     "CIS_GENER_bdpm.txt, ligne 1 : le type de générique « 3 » n'est pas l'une des valeurs "
     "prévues (« 0 », « 1 », « 2 », « 4 »)."),
    ("CIS_COMPO_bdpm.txt", 6, _column(0, b"69999999"),
     "CIS_COMPO_bdpm.txt, ligne 6 : la spécialité « 69999999 » est absente de CIS_bdpm.txt "
     "(1 ligne(s) sur 27 dans ce cas)."),
    ("CIS_CPD_bdpm.txt", 7, _column(0, b"69999999"),
     "CIS_CPD_bdpm.txt, ligne 7 : la spécialité « 69999999 » est absente de CIS_bdpm.txt "
     "(1 ligne(s) sur 37 dans ce cas)."),
    ("CIS_CIP_bdpm.txt", 8, _column(0, b"69999999"),
     "CIS_CIP_bdpm.txt, ligne 8 : la spécialité « 69999999 » est absente de CIS_bdpm.txt "
     "(1 ligne(s) sur 35 dans ce cas)."),
    ("CIS_GENER_bdpm.txt", 2, _column(2, b"69999999"),
     None),  # one stranger in nine group lines is within the official files' share
    ("CIS_CIP_Dispo_Spec.txt", 3, _column(0, b"69999999"),
     "CIS_CIP_Dispo_Spec.txt, ligne 3 : la spécialité « 69999999 » est absente de "
     "CIS_bdpm.txt (1 ligne(s) sur 9 dans ce cas)."),
    ("CIS_CIP_bdpm.txt", 9, _column(6, b"3400956511792"),
     "CIS_CIP_bdpm.txt, ligne 9 : le code « 3400956511792 » figure déjà ligne 1."),
    ("CIS_bdpm.txt", 9, _column(0, b"65329132"),
     "CIS_bdpm.txt, ligne 9 : le code « 65329132 » figure déjà ligne 1."),
]


def _assert_base_kept(folder, before) -> None:
    with DrugBase.open(folder) as base:
        assert base.release() == before
        assert base.search("amox")


def _refused(files, folder, message) -> None:
    with DrugBase.open(folder) as base:
        before = base.release()
    with pytest.raises(ReleaseRefused) as refused:
        import_release(files, folder, dt.date(2026, 6, 1))
    assert refused.value.message == message
    _assert_base_kept(folder, before)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(("name", "line", "change", "message"), SPOILED)
def test_a_spoiled_line_is_refused_and_the_base_kept(subset, base_folder, name, line, change,
                                                     message):
    first = subset[name].split(b"\n")[line - 1]
    subset[name] = _replace_line(subset[name], line, change)
    if message is None:
        import_release(subset, base_folder, SUBSET_DATE)
        return
    _refused(subset, base_folder, message)
    assert first not in message.encode()  # the message quotes one value, never the line


def test_a_truncated_file_is_refused(subset, base_folder):
    data = subset["CIS_COMPO_bdpm.txt"]
    subset["CIS_COMPO_bdpm.txt"] = data[:-20]
    _refused(subset, base_folder, "CIS_COMPO_bdpm.txt, ligne 27 : la dernière ligne est coupée "
                                  "(fichier tronqué).")


@pytest.mark.parametrize("name", ["CIS_bdpm.txt", "CIS_CIP_bdpm.txt", "CIS_COMPO_bdpm.txt",
                                  "CIS_CPD_bdpm.txt", "CIS_GENER_bdpm.txt"])
def test_a_required_file_empty_or_missing_is_refused(subset, base_folder, name):
    _refused({**subset, name: b""}, base_folder, f"{name} : le fichier est vide.")
    del subset[name]
    _refused(subset, base_folder, f"{name} : fichier absent de la version téléchargée.")


def test_the_optional_files_may_be_missing_or_empty(subset, base_folder):
    import_release({**subset, "CIS_CIP_Dispo_Spec.txt": b""}, base_folder, SUBSET_DATE)
    with DrugBase.open(base_folder) as base:
        assert base.search("tetracaine")[0].warnings == ()
    del subset["CIS_CIP_Dispo_Spec.txt"], subset["CIS_MITM.txt"]
    import_release(subset, base_folder, dt.date(2026, 6, 1))
    with DrugBase.open(base_folder) as base:
        assert set(base.release().file_hashes) == {"CIS_bdpm.txt", "CIS_CIP_bdpm.txt",
                                                   "CIS_COMPO_bdpm.txt", "CIS_CPD_bdpm.txt",
                                                   "CIS_GENER_bdpm.txt"}


def test_a_file_in_neither_encoding_is_refused(subset, base_folder):
    lines = subset["CIS_CPD_bdpm.txt"].split(b"\n")
    lines[4] = lines[4][:10] + b"\x81" + lines[4][10:]
    subset["CIS_CPD_bdpm.txt"] = b"\n".join(lines)
    _refused(subset, base_folder, "CIS_CPD_bdpm.txt, ligne 5 : le fichier n'est ni en UTF-8 ni "
                                  "en Windows-1252 (caractère illisible).")


def test_windows_1252_and_utf8_files_give_the_same_base(subset, tmp_path):
    cp1252 = {name: data.decode("utf-8").encode("cp1252") for name, data in subset.items()}
    assert cp1252 != subset
    import_release(subset, tmp_path / "utf8", SUBSET_DATE)
    import_release(cp1252, tmp_path / "cp1252", SUBSET_DATE)
    with DrugBase.open(tmp_path / "utf8") as utf8, DrugBase.open(tmp_path / "cp1252") as legacy:
        assert utf8.speciality("60131805") == legacy.speciality("60131805")
        assert legacy.speciality("60131805").name.startswith("ROPIVACAÏNE")
        assert [h.cis for h in legacy.search("ropivacaine")] == ["60131805"]
        assert utf8.release().file_hashes != legacy.release().file_hashes


def test_a_utf8_copy_made_from_latin1_reads_its_apostrophes(subset, tmp_path):
    """The shipped snapshot's UTF-8 came from Windows-1252 read as Latin-1: ’ became U+0092."""
    subset["CIS_bdpm.txt"] = subset["CIS_bdpm.txt"].replace(
        "ROPIVACAÏNE KABI".encode(), "ROPIVACAÏNE D\u0092KABI".encode())
    import_release(subset, tmp_path, SUBSET_DATE)
    with DrugBase.open(tmp_path) as base:
        assert base.speciality("60131805").name.startswith("ROPIVACAÏNE D’KABI")
