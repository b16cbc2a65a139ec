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
