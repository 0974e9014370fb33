"""Write, sign and check the manifest of a built bundle (the build side of CONF-3).

    python installer/manifest.py public-key --signing-key KEY.pem --out PUBLIC.pem
    python installer/manifest.py write --root DIR --folder DIR --signing-key KEY.pem \
        [--unhashed PATH]...
    python installer/manifest.py check --root DIR --folder DIR --public-key PUBLIC.pem

`write` lists every file and link under the installation's root (`cabinet.installation.scan`,
the very listing the guard makes at start) with its SHA-256, and signs the manifest with the
publisher's Ed25519 private key. `--unhashed` names a file whose content the operating
system's code signature seals after the manifest is written (the macOS main executable).
`check` runs the guard's own verification. The private key is read here and nowhere else;
it is never copied into the bundle.
"""

import argparse
import hashlib
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from cabinet import __version__, installation

RAW = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_key(path: Path) -> Ed25519PrivateKey:
    """The publisher's signing key (PEM, unencrypted: keep it on the build machine only)."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit(f"{path}: not an Ed25519 private key")
    return key


def public_key(path: Path) -> bytes:
    """The raw 32 bytes of an Ed25519 public key in PEM."""
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise SystemExit(f"{path}: not an Ed25519 public key")
    return key.public_bytes(*RAW)


def publisher_label(key_path: Path, key: Ed25519PrivateKey) -> str:
    """The key file's name and fingerprint, so a test-signed bundle says so."""
    fingerprint = hashlib.sha256(key.public_key().public_bytes(*RAW)).hexdigest()[:16]
    return f"{key_path.stem} (sha256 {fingerprint})"


def write(root: Path, folder: Path, key_path: Path, unhashed: list[str]) -> int:
    """Write `cabinet-manifest.json` and its signature into `folder`."""
    key = private_key(key_path)
    manifest_path = folder / installation.MANIFEST_NAME
    signature_path = folder / installation.SIGNATURE_NAME
    skipped = {p.resolve().relative_to(root.resolve()).as_posix()
               for p in (manifest_path, signature_path)}
    listing = installation.scan(root, skipped)
    if listing.others:
        raise SystemExit(f"not a file nor a link: {', '.join(listing.others)}")
    hashed = [p for p in listing.files if p not in unhashed]
    manifest = installation.Manifest(
        application=f"Cabinet {__version__}", publisher=publisher_label(key_path, key),
        files=installation.digests(root, hashed), links=listing.links,
        unhashed=frozenset(unhashed))
    data = manifest.to_bytes()
    manifest_path.write_bytes(data)
    signature_path.write_bytes(key.sign(data))
    print(f"Manifest: {len(manifest.files)} files, {len(manifest.links)} links, signed by "
          f"{manifest.publisher}")
    return 0


def check(root: Path, folder: Path, key_path: Path) -> int:
    """The guard's verification of the installation; exit 1 when anything differs."""
    doors = installation.check(root, folder, public_key(key_path))
    for door in doors:
        print(f"  - {door}")
    print("The installation matches its signed manifest." if not doors else
          "The installation does NOT match its signed manifest.")
    return 1 if doors else 0


def main(argv: list[str] | None = None) -> int:
    """Run one of the three commands."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    public = commands.add_parser("public-key")
    public.add_argument("--signing-key", type=Path, required=True)
    public.add_argument("--out", type=Path, required=True)
    for name in ("write", "check"):
        command = commands.add_parser(name)
        command.add_argument("--root", type=Path, required=True)
        command.add_argument("--folder", type=Path, required=True)
        if name == "write":
            command.add_argument("--signing-key", type=Path, required=True)
            command.add_argument("--unhashed", action="append", default=[])
        else:
            command.add_argument("--public-key", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "public-key":
        key = private_key(args.signing_key).public_key()
        args.out.write_bytes(key.public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))
        return 0
    if args.command == "write":
        return write(args.root, args.folder, args.signing_key, args.unhashed)
    return check(args.root, args.folder, args.public_key)


if __name__ == "__main__":
    sys.exit(main())
