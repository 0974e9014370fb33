"""The support bundle holds diagnostics, never patient data nor key material (CONF-4)."""

import base64
import json
import zipfile

from cabinet.bootstrap import build_context
from cabinet.vault.session import create_vault
from helpers.clock import SteppingClock
from helpers.records import OTHER_PATIENT_MARKER, PRIVATE_MARKER, SHARED_MARKER, marked_practice
from helpers.vaults import OWNER
from test_cli import cabinet


def test_the_bundle_has_no_patient_data_and_no_key(tmp_path):
    folder = tmp_path / "coffre"
    opened, recovery_key = create_vault(folder, OWNER, SteppingClock(), "poste",
                                        demo_vault=True)
    data_key = bytes(opened.data_key)
    ctx = build_context(opened)
    marked_practice(ctx)
    identity = ctx.patients.identity(1)
    ctx.lock()
    out = tmp_path / "support"
    out.mkdir()
    result = cabinet("support-bundle", "--vault", folder, "--to", out)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out / "cabinet-diagnostic.zip") as archive:
        names = set(archive.namelist())
        contents = {name: archive.read(name) for name in names}
    assert {"versions.txt", "garde-integrite.txt", "cartes.txt", "coffre.json"} <= names
    checks = json.loads(contents["coffre.json"])
    assert checks["journal_intact"] is True and checks["page_problems"] == 0
    assert checks["counts"]["patients"] == 2
    everything = b"\n".join(contents.values())
    text = everything.decode("utf-8", "replace")
    for secret in (PRIVATE_MARKER, OTHER_PATIENT_MARKER, SHARED_MARKER, identity.birth_name,
                   identity.first_names, identity.nir, recovery_key,
                   recovery_key.replace("-", ""), data_key.hex(),
                   base64.b64encode(data_key).decode()):
        assert secret not in text, secret
    assert data_key not in everything
