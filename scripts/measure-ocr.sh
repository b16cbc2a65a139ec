#!/usr/bin/env bash
# OCR word recall on scans made from text PDFs (issue 14): each PDF is
# rasterised by Ghostscript into an image-only PDF (pdfimage8: 8-bit grey) at
# DPI, then read by `kartotek ingest` with OCR, and the words of the indexed
# text are compared with pdftotext's words of the original.
#
#   scripts/measure-ocr.sh [DPI...]        # default: 300 200; PDFs: corpus/*.pdf tests/fixtures/long-report.pdf
#
# Needs ghostscript, poppler-utils, tesseract-ocr(-nor/-swe/-dan) and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
dpis=("$@"); [ "${#dpis[@]}" -gt 0 ] || dpis=(300 200)
bin=${KARTOTEK_BIN:-target/release/kartotek}   # KARTOTEK_BIN=PATH measures another build
[ -x "$bin" ] || cargo build --release --bin kartotek
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
pdfs=(corpus/*.pdf tests/fixtures/long-report.pdf)
for dpi in "${dpis[@]}"; do
  mkdir -p "$work/$dpi"
  pages=0
  for f in "${pdfs[@]}"; do
    gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfimage8 -r"$dpi" -sOutputFile="$work/$dpi/$(basename "$f")" "$f"
    pdftotext -enc UTF-8 "$f" "$work/$dpi/$(basename "$f" .pdf).ref.txt"
    pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ {print $2}')))
  done
  start=$(date +%s.%N)
  "$bin" --index "$work/index-$dpi" ingest -q "$work/$dpi"/*.pdf >/dev/null 2>"$work/$dpi.log" || true
  end=$(date +%s.%N)
  "$bin" --index "$work/index-$dpi" serve --addr 127.0.0.1:18099 >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18099/healthz && break; sleep 0.1; done
  python3 - "$work/$dpi" "$dpi" "$pages" "$start" "$end" <<'PY'
import json, re, sys, unicodedata, urllib.request, glob, os
folder, dpi, pages, start, end = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
def words(t):
    t = unicodedata.normalize("NFKC", t).lower()
    return [w for w in re.findall(r"\w+", t) if not w.isdigit()]
hits = json.load(urllib.request.urlopen("http://127.0.0.1:18099/api/search?q=&limit=100"))["hits"]
total_ref = total_found = 0
for ref in sorted(glob.glob(folder + "/*.ref.txt")):
    name = os.path.basename(ref)[:-len(".ref.txt")]
    doc = next((h for h in hits if h["url"].endswith("/" + name + ".pdf")), None)
    text = ""
    if doc:
        d = json.load(urllib.request.urlopen("http://127.0.0.1:18099/api/documents/" + doc["id"]))
        text = " ".join(p.get("text", "") for p in d.get("pages", []))
    got = {}
    for w in words(text):
        got[w] = got.get(w, 0) + 1
    ref_words = words(open(ref, encoding="utf-8").read())
    found = 0
    for w in ref_words:
        if got.get(w, 0) > 0:
            got[w] -= 1
            found += 1
    total_ref += len(ref_words); total_found += found
    print(f"  {dpi} dpi  {name:50s} word recall {found / max(1, len(ref_words)):.3f} ({found}/{len(ref_words)})")
secs = end - start
print(f"{dpi} dpi: word recall {total_found / max(1, total_ref):.3f} ({total_found}/{total_ref} words), {pages} pages in {secs:.1f} s = {pages / secs:.2f} pages/s")
PY
  kill "$server"; wait "$server" 2>/dev/null || true
done
