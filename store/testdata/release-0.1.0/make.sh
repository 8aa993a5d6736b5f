#!/usr/bin/env bash
# Remakes the release-0.1.0 fixture: a data folder written by Medicine Inventory 0.1.0 (commit
# 6bba701, before stock keeping). The release's own binary imports generated photos offline (its
# barcode reader makes the entries), then gen/main.go, built against that release's store package,
# edits, confirms and deletes entries as a reviewer would. Run from the repository root:
#   bash store/testdata/release-0.1.0/make.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rev=6bba701
wt="$(mktemp -d /tmp/stock-fixture-XXXX)"
trap 'git worktree remove --force "$wt" >/dev/null 2>&1 || true' EXIT
git worktree add --detach "$wt" "$rev" >/dev/null
mkdir -p "$wt/cmd/fixturegen"
cp "$here/gen/main.go" "$wt/cmd/fixturegen/main.go"
cd "$wt"
go run ./cmd/fixturegen photos "$wt/photos-in"
go build -tags migrated_fynedo -o "$wt/medinventory" .
data="$wt/data"
# Exit code 4: the photo without a code still waits for the (offline) model; that is part of the fixture.
"$wt/medinventory" --data-dir "$data" import --wait --offline "$wt/photos-in" || [ $? -eq 4 ]
go run ./cmd/fixturegen edit "$data"
rm -rf "$here/data"
mkdir -p "$here/data"
cp "$data/inventory.db" "$here/data/"
cp -r "$data/photos" "$here/data/"
rm -rf "$here/data/photos/tmp"
echo "fixture written to $here/data"
