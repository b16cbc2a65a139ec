#!/usr/bin/env bash
# Makes the Ghostscript-written PDFs under tests/fixtures/ghostscript/ from
# the .txt beside them (issue 14). Committed PDFs are what the tests read;
# re-run this only to remake them (needs Debian's ghostscript, enscript, groff).
#
#   enscript-ps2pdf.pdf   enscript (Latin-1) | ps2pdf: Type 1C fonts, text shown with `'`
#   groff-ps2pdf.pdf      groff -Tps | ps2pdf: Type 1C fonts, Nynorsk
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures/ghostscript"
export SOURCE_DATE_EPOCH=0   # reproducible dates in the PDFs
iconv -f utf-8 -t latin1 regional-plan-nb.txt \
  | enscript -q -B -X latin1 -o - \
  | ps2pdf -dPDFSETTINGS=/default - enscript-ps2pdf.pdf
iconv -f utf-8 -t latin1 kystplan-nn.txt \
  | groff -Tps -Klatin1 \
  | ps2pdf - groff-ps2pdf.pdf
ls -l ./*.pdf

# Ghostscript re-distilling other producers' PDFs, with the ligatures fi and
# fl that its ToUnicode rewrite damages (needs also libreoffice and chromium):
#   libreoffice-gs.pdf    LibreOffice Writer → gs pdfwrite: ligature targets
#                         written little-endian (`<66006c00>`: `昀氀ytter`)
#   chromium-gs.pdf       Chromium → gs pdfwrite: ligature ranges collapsed to
#                         Latin-1 letters (`<0cf4><0cf4><00fc>`: `üytter`)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
{
  echo '<!doctype html><meta charset=utf-8><style>body{font-family:"DejaVu Serif";font-size:12pt}</style>'
  sed 's/^$/<p>/' ligaturer-nb.txt
} > "$work/ligaturer.html"
# (from HTML: a .txt opens in a monospaced font, which has no ligatures)
HOME="$work" soffice --headless --norestore --convert-to pdf:writer_pdf_Export --outdir "$work" "$work/ligaturer.html" >/dev/null 2>&1
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile=libreoffice-gs.pdf "$work/ligaturer.pdf"
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" \
  --no-pdf-header-footer --print-to-pdf="$work/chromium.pdf" "file://$work/ligaturer.html" 2>/dev/null
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile=chromium-gs.pdf "$work/chromium.pdf"
ls -l ./*.pdf
