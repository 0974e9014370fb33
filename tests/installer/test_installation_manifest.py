"""The signed manifest on a small tree: written by the build's tool, checked by the guard's code.

Each kind of difference is named in French with the file's path; a manifest that is not
signed by the publisher's key is refused before it is even read.
"""

import os
import shutil

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cabinet import installation

RAW = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@pytest.fixture
def publisher(tmp_path):
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "editeur.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return path, key.public_key().public_bytes(*RAW)


@pytest.fixture
def tree(tmp_path, manifest_tool, publisher):
    """A signed installation: an executable, a library folder, a link, a data file."""
    root = tmp_path / "cabinet"
    (root / "_internal" / "lib").mkdir(parents=True)
    (root / "cabinet").write_bytes(b"\x7fELF executable")
    (root / "_internal" / "lib" / "libexemple.so.1").write_bytes(b"\x7fELF library")
    (root / "_internal" / "donnees.sql").write_text("CREATE TABLE t (x);\n")
    os.symlink("lib/libexemple.so.1", root / "_internal" / "libexemple.so.1")
    manifest_tool.write(root, root / "_internal", publisher[0], [])
    return root


def check(root, public_key):
    return installation.check(root, root / "_internal", public_key)


def test_an_untouched_installation_passes(tree, publisher):
    assert check(tree, publisher[1]) == []


def test_a_changed_byte_is_named(tree, publisher):
    library = tree / "_internal" / "lib" / "libexemple.so.1"
    data = bytearray(library.read_bytes())
    data[-1] ^= 1
    library.write_bytes(bytes(data))
    assert check(tree, publisher[1]) == [
        "le fichier _internal/lib/libexemple.so.1 a été modifié"]


def test_an_added_file_is_named(tree, publisher):
    (tree / "_internal" / "lib" / "libqplante.so").write_bytes(b"greffon")
    assert check(tree, publisher[1]) == [
        "le fichier _internal/lib/libqplante.so a été ajouté à l'installation"]


def test_a_missing_file_is_named(tree, publisher):
    (tree / "_internal" / "donnees.sql").unlink()
    assert check(tree, publisher[1]) == [
        "le fichier _internal/donnees.sql manque à l'installation"]


def test_a_link_pointing_elsewhere_is_named(tree, publisher):
    link = tree / "_internal" / "libexemple.so.1"
    link.unlink()
    os.symlink("/tmp/ailleurs/libexemple.so.1", link)
    assert check(tree, publisher[1]) == ["le fichier _internal/libexemple.so.1 a été modifié"]


def test_a_file_replaced_by_a_link_and_a_link_by_a_file_are_named(tree, publisher):
    (tree / "_internal" / "donnees.sql").unlink()
    os.symlink("/tmp/ailleurs.sql", tree / "_internal" / "donnees.sql")
    (tree / "_internal" / "libexemple.so.1").unlink()
    (tree / "_internal" / "libexemple.so.1").write_bytes(b"\x7fELF library")
    assert check(tree, publisher[1]) == ["le fichier _internal/donnees.sql a été modifié",
                                         "le fichier _internal/libexemple.so.1 a été modifié"]


def test_a_planted_folder_and_a_fifo_are_named(tree, publisher):
    (tree / "_internal" / "plugins" / "platforms").mkdir(parents=True)
    (tree / "_internal" / "plugins" / "platforms" / "libqplante.so").write_bytes(b"x")
    os.mkfifo(tree / "_internal" / "tube")
    assert check(tree, publisher[1]) == [
        "le fichier _internal/plugins/platforms/libqplante.so a été ajouté à l'installation",
        "le fichier _internal/tube a été ajouté à l'installation"]


def test_an_unreadable_file_is_named(tree, publisher):
    manifest = installation.Manifest.from_bytes(
        (tree / "_internal" / installation.MANIFEST_NAME).read_bytes())
    listing = installation.scan(tree, {"_internal/cabinet-manifest.json",
                                       "_internal/cabinet-manifest.sig"})
    found = installation.digests(tree, listing.files)
    assert installation.differences(manifest, listing, found) == []
    assert installation.differences(manifest, listing, {**found, "cabinet": ""}) == [
        "le fichier cabinet est illisible"]


def test_a_manifest_signed_by_another_key_is_refused(tree):
    other = Ed25519PrivateKey.generate().public_key().public_bytes(*RAW)
    assert check(tree, other) == [
        "la signature du manifeste de l'installation (cabinet-manifest.json) n'est pas celle "
        "de l'éditeur de Cabinet"]


def test_a_manifest_edited_after_signing_is_refused(tree, publisher):
    manifest = tree / "_internal" / installation.MANIFEST_NAME
    manifest.write_bytes(manifest.read_bytes().replace(b"donnees.sql", b"donnees.sqm"))
    assert "signature du manifeste" in check(tree, publisher[1])[0]


def test_a_missing_manifest_is_refused(tree, publisher):
    (tree / "_internal" / installation.MANIFEST_NAME).unlink()
    assert check(tree, publisher[1]) == [
        "le manifeste signé de l'installation est absent (cabinet-manifest.json)"]


def test_a_signed_manifest_naming_a_path_outside_is_refused(tmp_path, publisher):
    root = tmp_path / "cabinet"
    (root / "_internal").mkdir(parents=True)
    manifest = installation.Manifest("Cabinet", "test", {"../../etc/passwd": "00"}, {})
    data = manifest.to_bytes()
    key = serialization.load_pem_private_key(publisher[0].read_bytes(), password=None)
    (root / "_internal" / installation.MANIFEST_NAME).write_bytes(data)
    (root / "_internal" / installation.SIGNATURE_NAME).write_bytes(key.sign(data))
    assert check(root, publisher[1]) == [
        "le manifeste de l'installation est illisible (chemin hors de l'installation)"]


def test_an_os_signed_file_may_change_but_not_go(tmp_path, manifest_tool, publisher):
    root = tmp_path / "Contents"
    (root / "MacOS").mkdir(parents=True)
    (root / "_internal").mkdir()
    (root / "MacOS" / "cabinet").write_bytes(b"before codesign")
    manifest_tool.write(root, root / "_internal", publisher[0], ["MacOS/cabinet"])
    (root / "MacOS" / "cabinet").write_bytes(b"after codesign")
    (root / "_CodeSignature").mkdir()
    (root / "_CodeSignature" / "CodeResources").write_text("<plist/>")
    assert check(root, publisher[1]) == []
    (root / "MacOS" / "cabinet").unlink()
    assert check(root, publisher[1]) == ["le fichier MacOS/cabinet manque à l'installation"]


def test_many_differences_are_named_up_to_twenty(tree, publisher):
    for number in range(30):
        (tree / f"ajout-{number:02}.txt").write_text("x")
    doors = check(tree, publisher[1])
    assert len(doors) == 21
    assert doors[0] == "le fichier ajout-00.txt a été ajouté à l'installation"
    assert doors[-1] == "… et 10 autres différences"


def test_the_check_tool_says_so(tree, tmp_path, manifest_tool, publisher, capsys):
    public = tmp_path / "editeur.pub.pem"
    manifest_tool.main(["public-key", "--signing-key", str(publisher[0]), "--out", str(public)])
    assert manifest_tool.check(tree, tree / "_internal", public) == 0
    shutil.rmtree(tree / "_internal" / "lib")
    assert manifest_tool.check(tree, tree / "_internal", public) == 1
    assert "_internal/lib/libexemple.so.1 manque" in capsys.readouterr().out


def test_an_unreadable_installation_folder_is_refused(tree, publisher, monkeypatch):
    def refused(*_):
        raise PermissionError(13, "Permission non accordée")

    monkeypatch.setattr(installation, "scan", refused)
    assert check(tree, publisher[1]) == [
        "le dossier de l'installation est illisible (Permission non accordée)"]
