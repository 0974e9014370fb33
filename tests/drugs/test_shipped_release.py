"""The release shipped with Cabinet imports whole: every line of every file is counted, and
the few lines the ANSM's files leave without a speciality are the only ones set aside."""

import hashlib
import lzma
from importlib import resources

from cabinet.drugs.base import DrugBase
from cabinet.drugs.shipped import SHIPPED_RELEASE, open_drug_base, shipped_files

SKIPPED_IN_JANUARY_2026 = {"CIS_CIP_bdpm.txt": 6, "CIS_GENER_bdpm.txt": 2454,
                           "CIS_CIP_Dispo_Spec.txt": 19, "CIS_MITM.txt": 4}


def test_the_shipped_release_imports_whole(tmp_path):
    files = shipped_files()
    with open_drug_base(tmp_path) as base:
        release, counts = base.release(), base.counts()
        assert release.published == SHIPPED_RELEASE
        assert release.label() == "Base des médicaments ANSM du 28/01/2026"
        for name, data in files.items():
            lines = [line for line in data.split(b"\n")[:-1] if line.strip()]
            assert counts[name] == (len(lines), SKIPPED_IN_JANUARY_2026.get(name, 0)), name
            assert release.file_hashes[name] == hashlib.sha256(data).hexdigest()
        assert counts["CIS_bdpm.txt"] == (15799, 0)
        assert counts["CIS_CIP_bdpm.txt"] == (20875, 6)
        assert [h.name for h in base.search("doliprane 1000")][:1] == [
            "DOLIPRANE 1000 mg, comprimé"]
    with DrugBase.open(tmp_path) as again:  # opened again: no second import
        assert again.release() == release


def test_the_provenance_names_each_file_hash():
    folder = resources.files("cabinet.drugs") / "bdpm"
    provenance = (folder / "PROVENANCE.md").read_text(encoding="utf-8")
    for name in shipped_files():
        data = lzma.decompress((folder / f"{name}.xz").read_bytes())
        assert hashlib.sha256(data).hexdigest() in provenance
