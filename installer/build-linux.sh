#!/usr/bin/env bash
# Builds Cabinet's one-folder bundle (DIST/cabinet) with PyInstaller, writes and signs the
# manifest of every file it ships, checks it, and starts the built app once from an empty
# environment.
#
#   bash installer/build-linux.sh [--dist DIR] [--work DIR]
#
# CABINET_SIGNING_KEY: the publisher's Ed25519 private key (PEM). Unset, the TEST-ONLY key
# of installer/keys signs the bundle: fine for CI, never for a bundle given to a physician.
# PYTHON: the interpreter of the project's environment (default: `uv run --frozen python`).
set -euo pipefail
cd "$(dirname "$0")/.."

DIST=dist
WORK=build/installer
while [ $# -gt 0 ]; do
    case "$1" in
        --dist) DIST=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        *) echo "usage: $0 [--dist DIR] [--work DIR]" >&2; exit 2 ;;
    esac
done
command -v strip >/dev/null || { echo "strip (binutils) is needed to build the bundle" >&2; exit 1; }
KEY=${CABINET_SIGNING_KEY:-installer/keys/TEST-ONLY-publisher-ed25519.pem}
read -r -a PY <<< "${PYTHON:-uv run --frozen python}"
case "$(basename "$KEY")" in
    TEST-ONLY*) echo "Signing with the TEST key ($KEY): never give this bundle to anyone." >&2 ;;
esac

started=$(date +%s)
rm -rf "${DIST:?}/cabinet" "$WORK"
mkdir -p "$WORK" "$DIST"
"${PY[@]}" installer/manifest.py public-key --signing-key "$KEY" --out "$WORK/publisher.pem"
CABINET_PUBLISHER_PUBLIC_KEY="$WORK/publisher.pem" "${PY[@]}" -m PyInstaller --noconfirm \
    --log-level WARN --distpath "$DIST" --workpath "$WORK" installer/cabinet.spec
"${PY[@]}" installer/manifest.py write --root "$DIST/cabinet" \
    --folder "$DIST/cabinet/_internal" --signing-key "$KEY"
"${PY[@]}" installer/manifest.py check --root "$DIST/cabinet" \
    --folder "$DIST/cabinet/_internal" --public-key "$WORK/publisher.pem"
mkdir -p "$WORK/home"
env -i HOME="$WORK/home" "$DIST/cabinet/cabinet" --help >/dev/null

files=$(find "$DIST/cabinet" -type f | wc -l)
size=$(( $(du -sb "$DIST/cabinet" | cut -f1) / 1000000 ))
echo "Bundle $DIST/cabinet: $files files, $size MB, built in $(( $(date +%s) - started )) s."
