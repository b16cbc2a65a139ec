#!/usr/bin/env python3
"""Office files as LibreOffice writes them, measured. Real web pages of the
shared test data (Lovdata's laws and regjeringen.no's hearings: headings,
numbered lists, tables) are opened in LibreOffice Writer and saved as .docx,
.odt, .rtf and Word 97 .doc; LibreOffice's own plain-text export of each
saved file is the reference. The index of those pages, as a CSV, saved by
Calc as .xlsx, .ods and Excel 97 .xls, is compared with the CSV. The
committed presentations are saved again by LibreOffice Impress as .pptx,
.odp and PowerPoint 97 .ppt, and compared with what Kartotek
reads from the originals. `kartotek extract --json` reads every file; the figures are word
recall (multisets, lower case) against the reference, the words Kartotek
reads that the reference lacks, and the files that failed.

    apt-get install libreoffice-writer-nogui libreoffice-impress-nogui libreoffice-calc-nogui
    cargo build --release
    python3 scripts/measure-office-libreoffice.py [--keep DIR]
"""
import collections, csv, json, re, shutil, subprocess, sys, tempfile
from pathlib import Path

root = Path(__file__).resolve().parent.parent
data = root.parent / "shared/testdata/regional_docs"
binary = root / "target/release/kartotek"
keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
tmp = Path(keep or tempfile.mkdtemp())
tmp.mkdir(parents=True, exist_ok=True)
words = lambda t: collections.Counter(re.findall(r"\w+", t.lower()))


def soffice(args, outdir):
    subprocess.run(["soffice", "--headless", *args, "--outdir", str(outdir)],
                   capture_output=True, check=True, timeout=600)


def kartotek(path):
    r = subprocess.run([binary, "--ocr", "off", "extract", "--json", path], capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return "\n".join(json.loads(r.stdout)["pages"]), None


def report(name, pairs):
    hit = total = extra = 0
    failed = []
    worst = []
    for path, want in pairs:
        got, err = kartotek(path)
        if got is None:
            failed.append(f"{path.name}: {err}")
            continue
        w, g = words(want), words(got)
        h = sum((w & g).values())
        hit += h
        total += sum(w.values())
        extra += sum((g - w).values())
        worst.append((h / max(1, sum(w.values())), path.name, sum((w - g).values()), sum((g - w).values())))
    worst.sort()
    print(f"{name}: {len(pairs)} files, word recall {hit / max(1, total):.4f} ({hit}/{total}), "
          f"words not in the reference {extra}, failed {len(failed)}")
    for r, n, miss, more in worst[:3]:
        print(f"    lowest: {n} recall {r:.4f} ({miss} missing, {more} more)")
    for f in failed:
        print(f"    failed: {f}")


pages = sorted((data / "no_lovdata_html").glob("*.html")) + sorted((data / "no_regjeringen_html").glob("*.html"))
for ext, flt in [("docx", "docx:MS Word 2007 XML"), ("odt", "odt:writer8"), ("rtf", "rtf:Rich Text Format"),
                 ("doc", "doc:MS Word 97")]:
    out = tmp / ext
    soffice(["--infilter=HTML (StarWriter)", "--convert-to", flt, *map(str, pages)], out)
    made = sorted(out.glob(f"*.{ext}"))
    soffice(["--convert-to", "txt:Text (encoded):UTF8", *map(str, made)], tmp / f"{ext}-txt")
    pairs = [(f, (tmp / f"{ext}-txt" / (f.stem + ".txt")).read_text(errors="replace")) for f in made]
    report(f"{ext} (LibreOffice Writer, from {len(pages)} web pages)", pairs)

# spreadsheets: the index of those documents (file, title, language, size)
# as a CSV, opened in Calc and saved as .xlsx and .ods; the CSV is the reference
table = tmp / "regional.csv"
with open(table, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Datokode", "Tittel", "Språk", "Byte"])
    for r in json.loads((data / "regional_index.json").read_text()):
        w.writerow([r.get("file", "").split("/")[-1], r.get("title", ""), r.get("lang", ""), r.get("bytes", 0)])
for ext, flt in [("xlsx", "xlsx"), ("ods", "ods"), ("xls", "xls:MS Excel 97")]:
    soffice(["--infilter=CSV:44,34,76,1", "--convert-to", flt, str(table)], tmp / f"sheet-{ext}")
    report(f"{ext} (LibreOffice Calc, from a CSV of {table.read_text().count(chr(10)) - 1} rows)",
           [(tmp / f"sheet-{ext}" / f"regional.{ext}", table.read_text())])

decks = sorted((root / "tests/fixtures/office").glob("*.pptx")) + sorted((root / "tests/fixtures/office").glob("*.odp"))
for ext, flt in [("pptx", "pptx:Impress MS PowerPoint 2007 XML"), ("odp", "odp:impress8"), ("ppt", "ppt:MS PowerPoint 97")]:
    out = tmp / f"deck-{ext}"
    soffice(["--convert-to", flt, *map(str, decks)], out)
    pairs = []
    for d in decks:
        want, err = kartotek(d)
        if want is None:
            sys.exit(f"{d}: {err}")
        pairs.append((out / f"{d.stem}.{ext}", want))
    report(f"{ext} (LibreOffice Impress, from {len(decks)} decks)", pairs)
if not keep:
    shutil.rmtree(tmp)
