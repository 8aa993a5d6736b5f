#!/usr/bin/env bash
# Builds the Linux desktop bundle dist/medinventory-<version>-linux-<arch>.tar.xz (binary, icon,
# .desktop file) with the Fyne packaging tool. fyne package bumps Build in FyneApp.toml and names
# its output after the app's display name (with a space): both are undone/renamed here.
set -euo pipefail
cd "$(dirname "$0")/.."
FYNE_TOOLS="${FYNE_TOOLS:-fyne.io/tools/cmd/fyne@v1.7.4}"
version="$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)"
arch="$(go env GOARCH)"
cp FyneApp.toml /tmp/FyneApp.toml.$$
trap 'cp /tmp/FyneApp.toml.$$ FyneApp.toml; rm -f /tmp/FyneApp.toml.$$' EXIT
rm -f "Medicine Inventory.tar.xz" Medicine\ Inventory*.tar.xz
go run "$FYNE_TOOLS" package -os linux --release --tags migrated_fynedo
mkdir -p dist
out="dist/medinventory-${version}-linux-${arch}.tar.xz"
mv "Medicine Inventory.tar.xz" "$out"
echo "package: $out"
tar -tJf "$out"
