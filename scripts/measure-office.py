#!/usr/bin/env python3
"""Word and OpenDocument reading, measured: the Lovtidend texts of the shared
test data written into .docx (python-docx) and .odt (odfpy) files of N
paragraphs each, read back by `kartotek extract --json`, and compared word
for word (multisets, lower case) with the text that went in; also the
seconds per file and MB of text per second.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install python-docx odfpy
    cargo build --release
    /tmp/v/bin/python scripts/measure-office.py [FILES] [PARAGRAPHS]   # default 20 files of 400 paragraphs
"""
import collections, json, re, subprocess, sys, tempfile, time
from pathlib import Path

import docx
from odf import text as odftext
from odf.opendocument import OpenDocumentText

root = Path(__file__).resolve().parent.parent
corpus = root.parent / "shared/testdata/norwegian_corpus/lovtidend_avd1_2025.txt"
files = int(sys.argv[1]) if len(sys.argv) > 1 else 20
per = int(sys.argv[2]) if len(sys.argv) > 2 else 400
paras = [l.strip() for l in corpus.read_text().splitlines() if len(l.strip()) > 40]
words = lambda t: collections.Counter(re.findall(r"\w+", t.lower()))
binary = root / "target/release/kartotek"
tmp = Path(tempfile.mkdtemp())
made = []
for i in range(files):
    chunk = paras[i * per:(i + 1) * per]
    d = docx.Document()
    for p in chunk:
        d.add_paragraph(p)
    d.save(tmp / f"f{i}.docx")
    o = OpenDocumentText()
    for p in chunk:
        o.text.addElement(odftext.P(text=p))
    o.save(str(tmp / f"f{i}.odt"))
    made.append("\n".join(chunk))
for ext in ["docx", "odt"]:
    hit = total = extra = 0
    secs = 0.0
    size = 0
    for i, want in enumerate(made):
        t0 = time.perf_counter()
        out = subprocess.run([binary, "--ocr", "off", "extract", "--json", tmp / f"f{i}.{ext}"],
                             capture_output=True, text=True, check=True).stdout
        secs += time.perf_counter() - t0
        got = "\n".join(json.loads(out)["pages"])
        w, g = words(want), words(got)
        hit += sum((w & g).values())
        total += sum(w.values())
        extra += sum((g - w).values())
        size += len(want.encode())
    print(f"{ext}: {files} files of {per} paragraphs ({size / 1e6:.1f} MB of text): word recall "
          f"{hit / total:.4f} ({hit}/{total}), words not in the source {extra}, "
          f"{secs / files * 1000:.0f} ms per file, {size / 1e6 / secs:.1f} MB/s (process start included)")
