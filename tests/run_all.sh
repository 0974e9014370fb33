#!/usr/bin/env bash
# Installs everything the tests need, then runs the whole suite: lint, types, import
# contracts and pytest. Debian packages are installed only when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

# gnome-keyring, dbus: the real Secret Service of tests/keys. pcscd, vsmartcard-vpcd, softhsm2:
# the card test stack (tests/helpers/card_fixtures.py; vpcd listens on the network: never on a
# user's machine). libpcsclite-dev, gcc, pkg-config: `uv sync` builds pyscard from source (no
# Linux wheel; swig comes from PyPI as its build requirement), so they come before it.
# poppler-utils (pdfsig, pdffonts, pdftotext) and qpdf: the independent PDF verifiers; openssl
# opens a CMS envelope as the colleague would. opensc, opensc-pkcs11: the second middleware.
# cups, printer-driver-cups-pdf: the real print system of the printing tests, a virtual PDF
# printer whose output poppler reads back (tests/helpers/cups_printer.py).
DEBIAN_PACKAGES=(gnome-keyring dbus dbus-daemon
                 pcscd vsmartcard-vpcd softhsm2 libpcsclite-dev gcc libc6-dev pkg-config
                 poppler-utils qpdf opensc opensc-pkcs11 openssl
                 cups printer-driver-cups-pdf)
. installer/debian-packages.sh
install_debian_packages "${DEBIAN_PACKAGES[@]}"
command -v uv >/dev/null || python3 -m pip install --quiet uv

uv sync --frozen --quiet  # tests/acceptance installs it once more this way, in a fresh folder
echo "== ruff"; uv run --frozen ruff check .
echo "== mypy"; uv run --frozen mypy
echo "== import contracts"; uv run --frozen lint-imports
echo "== pytest"; uv run --frozen pytest "$@"
