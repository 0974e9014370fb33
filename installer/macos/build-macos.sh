#!/usr/bin/env bash
# UNTESTED here (no macOS machine). Builds Cabinet.app with PyInstaller (BUNDLE), signs it
# for the hardened runtime, writes and signs the manifest, seals the app, makes the .dmg,
# has it notarized and staples the ticket. See installer/README.md, "macOS".
#
#   CABINET_SIGNING_KEY=… CODESIGN_IDENTITY="Developer ID Application: …" \
#   NOTARY_PROFILE=… CABINET_BUNDLE_ID=… bash installer/macos/build-macos.sh
#
# CABINET_SIGNING_KEY: the publisher's Ed25519 key for the manifest (never the TEST-ONLY one
# for a physician); CODESIGN_IDENTITY: the Developer ID certificate in the keychain;
# NOTARY_PROFILE: a profile stored with `xcrun notarytool store-credentials`.
set -euo pipefail
cd "$(dirname "$0")/../.."

KEY=${CABINET_SIGNING_KEY:?the publisher\'s Ed25519 private key (PEM)}
IDENTITY=${CODESIGN_IDENTITY:?the Developer ID Application identity}
PROFILE=${NOTARY_PROFILE:?the notarytool keychain profile}
DIST=dist
WORK=build/installer-macos
APP="$DIST/Cabinet.app"
ENTITLEMENTS=installer/macos/entitlements.plist
sign() { codesign --force --options runtime --timestamp --entitlements "$ENTITLEMENTS" \
    --sign "$IDENTITY" "$@"; }

rm -rf "$APP" "$DIST/cabinet" "$WORK"
mkdir -p "$WORK"
uv run --frozen python installer/manifest.py public-key --signing-key "$KEY" \
    --out "$WORK/publisher.pem"
CABINET_PUBLISHER_PUBLIC_KEY="$WORK/publisher.pem" uv run --frozen python -m PyInstaller \
    --noconfirm --distpath "$DIST" --workpath "$WORK" installer/cabinet.spec

# 1. Every nested library and framework, inside out: codesign rewrites the files it signs,
#    so this comes before the manifest.
while IFS= read -r -d '' nested; do sign "$nested"; done < <(
    find "$APP/Contents/Frameworks" -type f \( -name "*.so" -o -name "*.dylib" \) -print0)
while IFS= read -r -d '' framework; do sign "$framework"; done < <(
    find "$APP/Contents/Frameworks" -type d -name "*.framework" -prune -print0)

# 2. The manifest, in Contents/Resources. The main executable is left unhashed: sealing the
#    app (step 3) rewrites its signature; macOS checks it, and the manifest checks it is there.
uv run --frozen python installer/manifest.py write --root "$APP/Contents" \
    --folder "$APP/Contents/Resources" --signing-key "$KEY" --unhashed MacOS/cabinet

# 3. Seal the app: signs the main executable and writes Contents/_CodeSignature.
sign "$APP"
codesign --verify --strict --verbose=2 "$APP"
uv run --frozen python installer/manifest.py check --root "$APP/Contents" \
    --folder "$APP/Contents/Resources" --public-key "$WORK/publisher.pem"

# 4. The disk image, signed, notarized, stapled.
hdiutil create -volname Cabinet -srcfolder "$APP" -ov -format UDZO "$DIST/Cabinet.dmg"
codesign --timestamp --sign "$IDENTITY" "$DIST/Cabinet.dmg"
xcrun notarytool submit "$DIST/Cabinet.dmg" --keychain-profile "$PROFILE" --wait
xcrun stapler staple "$DIST/Cabinet.dmg"
spctl --assess --type open --context context:primary-signature --verbose "$DIST/Cabinet.dmg"
