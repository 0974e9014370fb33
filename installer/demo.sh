#!/usr/bin/env bash
# Installs what Cabinet needs on Debian or Ubuntu, then opens it on a demo vault of synthetic
# patients. System packages are installed only when run as root; arguments go to `cabinet demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
    # pyscard builds against the PC/SC library; pcscd reads the card readers
    libpcsclite-dev libpcsclite1 pcscd gcc libc6-dev pkg-config
    # what Qt's desktop (xcb) platform needs
    libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0
    libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
    libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 fonts-dejavu-core
)
. installer/debian-packages.sh
install_debian_packages "${DEBIAN_PACKAGES[@]}"
command -v uv >/dev/null || python3 -m pip install --quiet uv
uv sync --frozen --quiet
exec uv run --frozen cabinet demo "$@"
