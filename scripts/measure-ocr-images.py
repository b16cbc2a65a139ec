#!/usr/bin/env python3
"""Scanned images read by OCR: word recall of scans saved as image files, and
photographs that must read as no text.

    python3 scripts/measure-ocr-images.py [--dpi 200] [--bin target/release/kartotek]

1. Scans: every page of corpus/*.pdf and tests/fixtures/long-report.pdf is
   rendered by pdftoppm at DPI in grey and saved three ways: a JPEG and a PNG
   per page, and one bilevel multi-page TIFF (CCITT group 4, by Pillow) per
   PDF. `kartotek extract --json` reads each file (OCR `auto`, as ingest does);
   the words of each PDF's pages are compared with pdftotext's words of the
   original (multisets, NFKC, lower case, numbers left out), as
   scripts/measure-ocr.sh does for scanned PDFs.
2. Photographs: the pictures bundled with scikit-image (`pip install
   scikit-image`; BSD-3-Clause; photographs, micrographs, textures and a
   logo, none a page of text) that are large enough to be a scan. Each must
   read as no text. Beside it, the words Tesseract's plain text output gives
   for the same file: what would have been indexed without the confidence
   test. `--picture FILE` adds pictures of your own.

Needs poppler-utils, tesseract-ocr (nor, swe, dan, eng), Pillow, and a
release build.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def words(text):
    text = unicodedata.normalize("NFKC", text).lower()
    return [w for w in re.findall(r"\w+", text) if not w.isdigit()]


def recall(ref, got):
    left = {}
    for w in got:
        left[w] = left.get(w, 0) + 1
    found = 0
    for w in ref:
        if left.get(w, 0) > 0:
            left[w] -= 1
            found += 1
    return found


def extract(binary, path):
    out = subprocess.run(
        [binary, "extract", "--json", path], capture_output=True, text=True
    )
    try:
        obj = json.loads(out.stdout.splitlines()[0])
    except (IndexError, json.JSONDecodeError):
        return None, out.stderr.strip().splitlines()[-1:] or ["?"]
    if obj.get("error"):
        return None, [obj["error"]]
    return " ".join(p if isinstance(p, str) else p.get("text", "") for p in obj.get("pages", [])), []


def scans(binary, dpi, work):
    from PIL import Image

    pdfs = sorted(glob.glob(os.path.join(ROOT, "corpus", "*.pdf"))) + [
        os.path.join(ROOT, "tests", "fixtures", "long-report.pdf")
    ]
    jobs = []  # (pdf, kind, file)
    refs = {}
    pages = 0
    for pdf in pdfs:
        stem = os.path.splitext(os.path.basename(pdf))[0]
        refs[stem] = words(
            subprocess.run(
                ["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True
            ).stdout
        )
        base = os.path.join(work, stem)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", pdf, base], check=True)
        pngs = sorted(
            glob.glob(base + "-*.png"),
            key=lambda p: int(re.search(r"-(\d+)\.png$", p).group(1)),
        )
        pages += len(pngs)
        images = [Image.open(p) for p in pngs]
        for p, im in zip(pngs, images):
            jpg = p[:-4] + ".jpg"
            im.save(jpg, quality=85)
            jobs.append((stem, "JPEG per page", jpg))
            jobs.append((stem, "PNG per page", p))
        tif = base + ".tif"
        bilevel = [im.convert("1") for im in images]
        bilevel[0].save(
            tif, save_all=True, append_images=bilevel[1:], compression="group4", dpi=(dpi, dpi)
        )
        jobs.append((stem, "multi-page TIFF (G4)", tif))
    texts = {}
    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {pool.submit(extract, binary, f): (stem, kind, f) for stem, kind, f in jobs}
        for fut in concurrent.futures.as_completed(futures):
            stem, kind, f = futures[fut]
            text, errors = fut.result()
            if text is None:
                print(f"  {os.path.basename(f)}: {errors[0]}")
                text = ""
            texts.setdefault((kind, stem), []).append((f, text))
    secs = time.time() - started
    print(f"\n{dpi} dpi, {pages} pages, {len(jobs)} files in {secs:.0f} s\n")
    print("| saved as | word recall | per PDF |")
    print("|---|---:|---|")
    for kind in ["JPEG per page", "PNG per page", "multi-page TIFF (G4)"]:
        total_ref = total_found = 0
        per = []
        for stem, ref in refs.items():
            got = []
            for _, t in sorted(texts.get((kind, stem), [])):
                got += words(t)
            found = recall(ref, got)
            total_ref += len(ref)
            total_found += found
            per.append(f"{found / max(1, len(ref)):.3f}")
        print(
            f"| {kind} | **{total_found / max(1, total_ref):.3f}** ({total_found:,} / {total_ref:,}) | {' '.join(per)} |"
        )


def photos(binary, extra):
    try:
        import skimage
    except ImportError:
        print("\nphotographs: scikit-image is not installed (pip install scikit-image); skipped")
        return
    from PIL import Image

    folder = os.path.join(os.path.dirname(skimage.__file__), "data")
    files = []
    for f in sorted(os.listdir(folder)):
        if not f.lower().endswith((".png", ".jpg", ".tif")):
            continue
        try:
            w, h = Image.open(os.path.join(folder, f)).size
        except Exception:
            continue
        if w * h >= 160_000 and min(w, h) >= 100:
            files.append(f)
    files = [os.path.join(folder, f) for f in files] + list(extra)
    print(f"\nphotographs: {len(files)} pictures (scikit-image {skimage.__version__} and {len(extra)} more)\n")
    print("| picture | Kartotek | Tesseract's plain text: words |")
    print("|---|---|---:|")
    kept = noisy = 0
    for path in files:
        f = os.path.basename(path)
        text, errors = extract(binary, path)
        plain = subprocess.run(
            ["tesseract", path, "stdout", "-l", "nor+swe+dan+eng"],
            capture_output=True,
            text=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        ).stdout
        long_words = [w for w in words(plain) if any(c.isalpha() for c in w)]
        got = "no text" if text is None else f"**text** ({len(words(text))} words)"
        kept += text is not None
        noisy += bool(long_words)
        print(f"| {f} | {got} | {len(long_words)} |")
    print(
        f"\n{kept} of {len(files)} pictures read as text by Kartotek; "
        f"{noisy} of {len(files)} give words in Tesseract's plain output"
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "kartotek"))
    ap.add_argument("--no-scans", action="store_true")
    ap.add_argument("--picture", action="append", default=[])
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        subprocess.run(["cargo", "build", "--release", "--bin", "kartotek"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as work:
        if not args.no_scans:
            scans(args.bin, args.dpi, work)
        photos(args.bin, args.picture)


if __name__ == "__main__":
    sys.exit(main())
