#!/usr/bin/env bash
# Bounded fuzzing of the PDF, HTML, office-file and RTF extractors, the scanned images' header
# reader and the OCR word layout, and the query language with
# libFuzzer (cargo fuzz), seeded from the committed fixtures. Not part of
# `cargo test`: run it by hand or on a schedule.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     # default 300 s, all of pdf html office scan query
#
# A crash is written to fuzz/artifacts/TARGET/; copy it to tests/fixtures/fuzz/
# (named after what it does) so the regression test replays it for ever.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-300}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(pdf html office scan query)

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
# cargo fuzz needs nightly flags; use a nightly toolchain when there is one.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi

seed() { # seed TARGET FILES...
  local dir="fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$dir/" || true; done
}
shopt -s nullglob globstar
seed pdf tests/fixtures/**/*.pdf corpus/*.pdf tests/fixtures/fuzz/*.pdf
seed html tests/fixtures/**/*.html corpus/*.html tests/fixtures/fuzz/*.html
seed office tests/fixtures/office/* tests/fixtures/fuzz/*.docx tests/fixtures/fuzz/*.odt tests/fixtures/fuzz/*.rtf
seed scan tests/fixtures/scans/* tests/fixtures/fuzz/*.tif tests/fixtures/fuzz/*.png tests/fixtures/fuzz/*.jpg
# Real third-party PDFs make far better seeds, where the shared test data is at hand.
if [ -d ../shared/testdata/pdfs ]; then
  find ../shared/testdata/pdfs -name '*.pdf' -size -512k | sort | head -300 | while read -r f; do
    cp -n "$f" "fuzz/corpus/pdf/$(basename "$(dirname "$f")")-$(basename "$f")" 2>/dev/null || true
  done
fi
[ -d ../shared/reliability ] && seed pdf ../shared/reliability/*.pdf
mkdir -p fuzz/corpus/query
n=0
grep -ho 'q = "[^"]*"' tests/fixtures/eval/queries.toml | sed 's/^q = "//; s/"$//' | while read -r q; do
  n=$((n + 1)); printf '%s' "$q" > "fuzz/corpus/query/seed-$n"
done

for t in "${targets[@]}"; do
  echo "== fuzzing $t for ${secs}s"
  "${fuzz[@]}" run --release "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 -max_len=2000000 -print_final_stats=1 \
    2>&1 | tee "fuzz/$t.log" | grep -E '^(#[0-9]+.*(DONE|pulse)|stat::|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' || true
done
