#!/usr/bin/env bash
# Fetch the lexicons Kartotek reads at run time that no Debian package
# ships: Folkets lexikon's Swedish-English pairs (KTH's Folkets lexikon,
# CC BY-SA 2.5, about 36,000 entries; seven times FreeDict's swe-eng), as
# packaged in PyPI's svlang 0.2.22 (data/folkets_sv_en.tsv). PyPI is the
# registry these machines reach; the wheel's checksum is pinned.
#   scripts/fetch-lexicons.sh [DIR]
# DIR defaults to $KARTOTEK_LEXICON_DIR, else $XDG_DATA_HOME/kartotek/lexicon,
# else ~/.local/share/kartotek/lexicon (where Kartotek looks). Nothing is
# fetched when the file is already there.
set -euo pipefail

DIR="${1:-${KARTOTEK_LEXICON_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/kartotek/lexicon}}"
FILE="$DIR/folkets_sv_en.tsv"
WHEEL=svlang-0.2.22-py3-none-any.whl
SHA256=b31e9f750275fb7bf8933134b8187fe038e685600f856295bdc6e1bf951195e5

if [ -s "$FILE" ]; then
  echo "Folkets lexikon: $FILE"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" svlang==0.2.22
echo "$SHA256  $tmp/$WHEEL" | sha256sum --check --quiet
mkdir -p "$DIR"
python3 - "$tmp/$WHEEL" "$FILE" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read("svlang/data/folkets_sv_en.tsv")
with open(sys.argv[2] + ".part", "wb") as f:
    f.write(data)
PY
mv "$FILE.part" "$FILE"
echo "Folkets lexikon: $FILE ($(wc -l < "$FILE") lines)"
