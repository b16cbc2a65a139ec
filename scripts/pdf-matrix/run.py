#!/usr/bin/env python3
"""PDF producer matrix and peer comparison (issue 14): text in, text out.

    python3 scripts/pdf-matrix/run.py                 # the producer matrix
    python3 scripts/pdf-matrix/run.py --testdata DIR  # peers on real PDFs (DIR: ../shared/testdata/pdfs)
    python3 scripts/pdf-matrix/run.py --testdata DIR --per-file   # and every file's scores
    python3 scripts/pdf-matrix/run.py --keep OUT      # also keep the generated PDFs in OUT

Producer matrix: the Nordic texts in `texts/` (Bokmål, Nynorsk, Swedish, Danish; æ ø å ä ö)
are written to PDF by every producer installed here (Ghostscript from PostScript and
re-distilling, groff, pdfLaTeX with T1 + Latin Modern, LibreOffice, Chromium, ReportLab
base-14, fpdf2 core and embedded TTF, WeasyPrint, cairo, qpdf rewrites, PDF/A). Each PDF is
read back by Kartotek (`kartotek extract --json`, the product's own path: worker process,
limits) and by the peers pypdfium2 (PDFium), pdfminer.six and pypdf, and by pdftotext.
Word recall = source words found in the output (multisets, NFKC, lower case, `\\w+`);
word precision the other way; pair recall = consecutive source word pairs found as
consecutive output pairs, which is what reading order costs. Two-column layouts are made
by the producers that can set columns.

Peer mode: every PDF under DIR with a `NAME.pdftotext.txt` reference beside it is read by
the same extractors; word F1 and word-pair F1 against the reference, pages per second.
Files whose layout reference is a table (most lines hold three or more cells apart by
wide gaps) are also reported as their own group.

A producer or peer that is not installed is listed as such, never skipped silently.
Needs a release build of `kartotek` (built if missing).
"""
import argparse
import collections
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KARTOTEK = os.path.join(ROOT, "target", "release", "kartotek")
LANGS = ["nb", "nn", "sv", "da"]


# ---------------------------------------------------------------- metrics

def words(text):
    text = unicodedata.normalize("NFKC", text).lower()
    return re.findall(r"\w+", text)


def pairs(ws):
    return list(zip(ws, ws[1:]))


def overlap(ref, got):
    """Items of `ref` found in `got`, counted as multisets."""
    have = collections.Counter(got)
    found = 0
    for w in ref:
        if have[w] > 0:
            have[w] -= 1
            found += 1
    return found


def scores(ref_text, got_text):
    ref, got = words(ref_text), words(got_text)
    w = overlap(ref, got)
    p = overlap(pairs(ref), pairs(got))
    recall = w / max(1, len(ref))
    precision = w / max(1, len(got))
    f1 = 2 * recall * precision / max(1e-9, recall + precision)
    pr = p / max(1, len(ref) - 1)
    pp = p / max(1, len(got) - 1)
    pf1 = 2 * pr * pp / max(1e-9, pr + pp)
    return {"recall": recall, "precision": precision, "f1": f1,
            "pair_recall": pr, "pair_f1": pf1, "ref_words": len(ref)}


# ---------------------------------------------------------------- extractors

def kartotek_many(paths):
    """Kartotek's text and time (s) per path, in one `kartotek extract` run."""
    out = {}
    if not paths:
        return out
    proc = subprocess.run([KARTOTEK, "--ocr", "off", "extract", "--json", *paths],
                          capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        if "error" in row:
            out[row["file"]] = (None, row["millis"] / 1000, row["error"])
        else:
            out[row["file"]] = ("\n".join(row["pages"]), row["millis"] / 1000, None)
    return out


def pdfium(path):
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path)
    try:
        parts = []
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            parts.append(tp.get_text_range())
            tp.close()
            page.close()
        return "\n".join(parts)
    finally:
        doc.close()


def pdfminer(path):
    from pdfminer.high_level import extract_text
    return extract_text(path)


def pypdf_text(path):
    from pypdf import PdfReader
    reader = PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    return "\n".join((p.extract_text() or "") for p in reader.pages)


def pdftotext(path):
    proc = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True,
                          timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode(errors="replace").strip()[:200])
    return proc.stdout.decode("utf-8", errors="replace")


def available_peers():
    peers = {}
    for name, module, fn in [("pypdfium2", "pypdfium2", pdfium),
                             ("pdfminer.six", "pdfminer", pdfminer),
                             ("pypdf", "pypdf", pypdf_text)]:
        try:
            __import__(module)
            peers[name] = fn
        except ImportError:
            print(f"note: peer {name} is not installed (pip install {name}); left out",
                  file=sys.stderr)
    if shutil.which("pdftotext"):
        peers["pdftotext"] = pdftotext
    else:
        print("note: pdftotext is not installed (apt install poppler-utils); left out",
              file=sys.stderr)
    return peers


def timed(fn, path, timeout_note):
    start = time.perf_counter()
    try:
        text = fn(path)
        err = None
    except Exception as e:  # a peer's failure on one file is its result, not ours
        text, err = None, f"{type(e).__name__}: {str(e)[:120]}"
    return text, time.perf_counter() - start, err


def page_count(path):
    try:
        out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
        m = re.search(r"^Pages:\s+(\d+)", out, re.M)
        return int(m.group(1)) if m else 1
    except OSError:
        return 1


# ---------------------------------------------------------------- producers

def texts():
    out = {}
    for lang in LANGS:
        with open(os.path.join(HERE, "texts", lang + ".txt"), encoding="utf-8") as f:
            out[lang] = f.read().strip()
    return out


def paragraphs(text):
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def html_doc(docs, columns):
    css = ("body{font-family:'DejaVu Serif',serif;font-size:11pt;margin:2cm}"
           "h1{font-size:15pt}section{break-after:page}")
    if columns:
        css += ".cols{column-count:2;column-gap:1cm}"
    body = []
    for text in docs:
        ps = paragraphs(text)
        body.append("<section><h1>%s</h1><div class=cols>%s</div></section>" % (
            html.escape(ps[0]), "".join("<p>%s</p>" % html.escape(p) for p in ps[1:])))
    return ("<!doctype html><html><head><meta charset=utf-8><style>%s</style></head>"
            "<body>%s</body></html>" % (css, "".join(body)))


def latex_doc(docs, columns):
    def esc(s):
        return s.replace("&", r"\&").replace("%", r"\%").replace("–", "--")
    parts = [r"\documentclass[11pt%s]{article}" % (",twocolumn" if columns else ""),
             r"\usepackage[T1]{fontenc}", r"\usepackage[utf8]{inputenc}",
             r"\usepackage{lmodern}", r"\usepackage[a4paper,margin=2cm]{geometry}",
             r"\pagestyle{empty}", r"\begin{document}"]
    for text in docs:
        ps = paragraphs(text)
        parts.append(r"\section*{%s}" % esc(ps[0]))
        parts.extend(esc(p) + "\n" for p in ps[1:])
        parts.append(r"\clearpage")
    parts.append(r"\end{document}")
    return "\n".join(parts)


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, timeout=180, **kw)
    if proc.returncode != 0:
        raise RuntimeError("%s: %s" % (cmd[0], (proc.stderr or proc.stdout).decode(
            errors="replace").strip()[-300:]))
    return proc


def make_enscript(work, docs, out):
    ps = os.path.join(work, "enscript.ps")
    src = os.path.join(work, "enscript.txt")
    with open(src, "w", encoding="latin-1", errors="replace") as f:
        f.write("\f".join(t.replace("–", "-") for t in docs))
    run(["enscript", "-q", "-B", "-X", "latin1", "--word-wrap", "-o", ps, src])
    run(["ps2pdf", ps, out])


def groff_source(work, docs):
    src = os.path.join(work, "groff.ms")
    lines = []
    for i, text in enumerate(docs):
        ps = paragraphs(text)
        if i:
            lines.append(".bp")
        lines += [".SH", ps[0]]
        for p in ps[1:]:
            lines += [".PP", p]
    with open(src, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return src


def make_groff_pdf(work, docs, out):
    src = groff_source(work, docs)
    with open(out, "wb") as f:
        f.write(run(["groff", "-k", "-Kutf8", "-ms", "-Tpdf", src]).stdout)


def make_groff_ps2pdf(work, docs, out):
    src = groff_source(work, docs)
    ps = os.path.join(work, "groff.ps")
    with open(ps, "wb") as f:
        f.write(run(["groff", "-k", "-Kutf8", "-ms", "-Tps", src]).stdout)
    run(["ps2pdf", ps, out])


def make_latex(columns):
    def make(work, docs, out):
        d = os.path.join(work, "latex%d" % columns)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "doc.tex"), "w", encoding="utf-8") as f:
            f.write(latex_doc(docs, columns))
        run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=d)
        shutil.copy(os.path.join(d, "doc.pdf"), out)
    return make


def fodt_doc(docs, columns):
    """A flat OpenDocument text: what a word processor writes, headings, paragraphs, page
    breaks, and for `columns` a two-column section."""
    x = lambda t: html.escape(t, quote=False)
    body = []
    for i, text in enumerate(docs):
        ps = paragraphs(text)
        style = ' text:style-name="PB"' if i else ""
        body.append('<text:h%s text:outline-level="1">%s</text:h>' % (style, x(ps[0])))
        inner = "".join("<text:p>%s</text:p>" % x(p) for p in ps[1:])
        if columns:
            inner = '<text:section text:style-name="S2" text:name="s%d">%s</text:section>' % (i, inner)
        body.append(inner)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
        'office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">'
        '<office:automatic-styles>'
        '<style:style style:name="PB" style:family="paragraph" style:parent-style-name="Heading_20_1">'
        '<style:paragraph-properties fo:break-before="page"/></style:style>'
        '<style:style style:name="S2" style:family="section"><style:section-properties>'
        '<style:columns fo:column-count="2" fo:column-gap="0.6cm"/></style:section-properties>'
        '</style:style></office:automatic-styles>'
        '<office:body><office:text>%s</office:text></office:body></office:document>' % "".join(body))


def make_libreoffice(columns):
    def make(work, docs, out):
        d = os.path.join(work, "lo%d" % columns)
        os.makedirs(d, exist_ok=True)
        src = os.path.join(d, "doc.fodt")
        with open(src, "w", encoding="utf-8") as f:
            f.write(fodt_doc(docs, columns))
        env = dict(os.environ, HOME=d)
        run(["soffice", "--headless", "--norestore", "--convert-to", "pdf:writer_pdf_Export",
             "--outdir", d, src], env=env)
        shutil.copy(os.path.join(d, "doc.pdf"), out)
    return make


def make_chromium(columns):
    def make(work, docs, out):
        d = os.path.join(work, "chromium%d" % columns)
        os.makedirs(d, exist_ok=True)
        src = os.path.join(d, "doc.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(html_doc(docs, columns))
        run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + os.path.join(d, "profile"),
             "--no-pdf-header-footer", "--print-to-pdf=" + out, "file://" + src])
    return make


def make_weasyprint(columns):
    def make(work, docs, out):
        import weasyprint
        weasyprint.HTML(string=html_doc(docs, columns)).write_pdf(out)
    return make


def make_reportlab(columns):
    def make(work, docs, out):
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.platypus import (BaseDocTemplate, Frame, PageBreak, PageTemplate,
                                        Paragraph)
        styles = getSampleStyleSheet()
        doc = BaseDocTemplate(out, pagesize=A4)
        w = doc.width / 2 - 12 if columns else doc.width
        frames = [Frame(doc.leftMargin, doc.bottomMargin, w, doc.height, id="a")]
        if columns:
            frames.append(Frame(doc.leftMargin + w + 24, doc.bottomMargin, w, doc.height,
                                id="b"))
        doc.addPageTemplates([PageTemplate(frames=frames)])
        story = []
        for text in docs:
            ps = paragraphs(text)
            story.append(Paragraph(html.escape(ps[0]), styles["Heading1"]))
            story += [Paragraph(html.escape(p), styles["BodyText"]) for p in ps[1:]]
            story.append(PageBreak())
        doc.build(story)
    return make


def make_reportlab_rows(work, docs, out):
    """Two columns drawn one baseline at a time across both columns, as tax forms and some
    typesetting systems draw them: reading order is not drawing order."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(out, pagesize=A4)
    width = (A4[0] - 2 * 56 - 24) / 2
    for text in docs:
        ps = paragraphs(text)
        c.setFont("Helvetica-Bold", 14)
        c.drawString(56, A4[1] - 60, ps[0])
        lines = []
        for p in ps[1:]:
            lines += simpleSplit(p, "Helvetica", 10, width) + [""]
        half = (len(lines) + 1) // 2
        left, right = lines[:half], lines[half:]
        c.setFont("Helvetica", 10)
        for i in range(half):
            y = A4[1] - 90 - 13 * i
            c.drawString(56, y, left[i])
            if i < len(right):
                c.drawString(56 + width + 24, y, right[i])
        c.showPage()
    c.save()


def make_fpdf(ttf):
    def make(work, docs, out):
        from fpdf import FPDF
        pdf = FPDF()
        if ttf:
            pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
            font = "DejaVu"
        else:
            font = "helvetica"
        for text in docs:
            pdf.add_page()
            pdf.set_font(font, size=11)
            body = text if ttf else text.replace("–", "-")
            pdf.multi_cell(0, 6, body)
        pdf.output(out)
    return make


def derived(base, fn):
    """A producer that rewrites another producer's PDF."""
    return ("derived", base, fn)


def gs_pdfwrite(src, out):
    run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
         "-sOutputFile=" + out, src])


def gs_pdfa(src, out):
    run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dPDFA=2", "-dPDFACompatibilityPolicy=1",
         "-sColorConversionStrategy=RGB", "-sDEVICE=pdfwrite", "-sOutputFile=" + out, src])


def cairo(src, out):
    run(["pdftocairo", "-pdf", src, out])


def qpdf(*args):
    def fn(src, out):
        proc = subprocess.run(["qpdf", *args, src, out], capture_output=True, timeout=60)
        if proc.returncode not in (0, 3):  # 3: warnings, file written
            raise RuntimeError(proc.stderr.decode(errors="replace")[-300:])
    return fn


# name, tool the producer needs, how it is made, two columns?
PRODUCERS = [
    ("enscript → Ghostscript ps2pdf", "enscript", make_enscript, False),
    ("groff -Tpdf", "groff", make_groff_pdf, False),
    ("groff -Tps → ps2pdf", "groff", make_groff_ps2pdf, False),
    ("pdfLaTeX T1 + Latin Modern", "pdflatex", make_latex(False), False),
    ("LibreOffice Writer", "soffice", make_libreoffice(False), False),
    ("Chromium (Skia)", "chromium", make_chromium(False), False),
    ("WeasyPrint", "weasyprint", make_weasyprint(False), False),
    ("ReportLab base-14", "python:reportlab", make_reportlab(False), False),
    ("fpdf2 core font", "python:fpdf", make_fpdf(False), False),
    ("fpdf2 embedded TTF", "python:fpdf", make_fpdf(True), False),
    ("LibreOffice → gs pdfwrite", "gs", derived("LibreOffice Writer", gs_pdfwrite), False),
    ("Chromium → gs pdfwrite", "gs", derived("Chromium (Skia)", gs_pdfwrite), False),
    ("pdfLaTeX → gs pdfwrite", "gs", derived("pdfLaTeX T1 + Latin Modern", gs_pdfwrite), False),
    ("LibreOffice → gs PDF/A-2b", "gs", derived("LibreOffice Writer", gs_pdfa), False),
    ("LibreOffice → cairo (pdftocairo)", "pdftocairo", derived("LibreOffice Writer", cairo), False),
    ("pdfLaTeX → cairo (pdftocairo)", "pdftocairo", derived("pdfLaTeX T1 + Latin Modern", cairo), False),
    ("LibreOffice → qpdf object streams", "qpdf",
     derived("LibreOffice Writer", qpdf("--object-streams=generate")), False),
    ("pdfLaTeX → qpdf linearized", "qpdf", derived("pdfLaTeX T1 + Latin Modern", qpdf("--linearize")), False),
    ("Chromium → qpdf AES-256, empty password", "qpdf",
     derived("Chromium (Skia)", qpdf("--encrypt", "", "owner", "256", "--")), False),
    ("pdfLaTeX two columns", "pdflatex", make_latex(True), True),
    ("LibreOffice two columns", "soffice", make_libreoffice(True), True),
    ("Chromium two columns", "chromium", make_chromium(True), True),
    ("WeasyPrint two columns", "weasyprint", make_weasyprint(True), True),
    ("ReportLab two columns", "python:reportlab", make_reportlab(True), True),
    ("ReportLab two columns drawn row by row", "python:reportlab", make_reportlab_rows, True),
]


def installed(tool):
    if tool.startswith("python:"):
        try:
            __import__(tool[7:])
            return True
        except ImportError:
            return False
    return shutil.which(tool) is not None


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def producer_matrix(keep):
    source = texts()
    docs = [source[lang] for lang in LANGS]
    reference = "\n\n".join(docs)
    work = keep or tempfile.mkdtemp(prefix="kartotek-matrix-")
    os.makedirs(work, exist_ok=True)
    made, missing = {}, []
    for name, tool, how, columns in PRODUCERS:
        out = os.path.join(work, slug(name) + ".pdf")
        if not installed(tool):
            missing.append((name, f"{tool} not installed"))
            continue
        try:
            if isinstance(how, tuple):
                base = made.get(how[1])
                if base is None:
                    missing.append((name, f"no {how[1]} PDF to start from"))
                    continue
                how[2](base, out)
            else:
                how(work, docs, out)
            made[name] = out
        except Exception as e:
            missing.append((name, f"could not make it: {str(e)[:200]}"))
    peers = available_peers()
    kart = kartotek_many(list(made.values()))
    rows = []
    for name, tool, how, columns in PRODUCERS:
        if name not in made:
            continue
        path = made[name]
        row = {"producer": name, "columns": columns, "pages": page_count(path)}
        text, secs, err = kart.get(path, (None, 0, "no answer"))
        row["Kartotek"] = (scores(reference, text) if text is not None else None, secs, err)
        for peer, fn in peers.items():
            t, s, e = timed(fn, path, None)
            row[peer] = (scores(reference, t) if t is not None else None, s, e)
        rows.append(row)
    engines = ["Kartotek"] + list(peers)
    print("## Producer matrix: word recall / word-pair recall (text in → text out)\n")
    print("| producer | " + " | ".join(engines) + " |")
    print("|---|" + "---|" * len(engines))
    for row in rows:
        cells = []
        for e in engines:
            sc, _, err = row[e]
            cells.append("fails" if sc is None else f"{sc['recall']:.3f} / {sc['pair_recall']:.3f}")
        print(f"| {row['producer']} | " + " | ".join(cells) + " |")
    print()
    for e in engines:
        rs = [row[e][0] for row in rows]
        ok = [r for r in rs if r is not None]
        worst = min((r["recall"] for r in ok), default=0)
        below = sum(1 for r in rs if r is None or r["recall"] < 0.99)
        cols = [row[e][0] for row in rows if row["columns"]]
        cols_ok = [r["pair_recall"] for r in cols if r is not None]
        print(f"{e}: lowest word recall {worst:.3f}; producers below 0.99: {below} of {len(rs)}; "
              f"two-column pair recall min {min(cols_ok, default=0):.3f}")
    for row in rows:
        for e in engines:
            if row[e][2]:
                print(f"  {e} on {row['producer']}: {row[e][2]}")
    for name, why in missing:
        print(f"not measured: {name}: {why}")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"PDFs kept in {work}")


# ---------------------------------------------------------------- peers on real PDFs

def tabular(layout_text):
    lines = [l for l in layout_text.splitlines() if l.strip()]
    if len(lines) < 10:
        return False
    cells = sum(1 for l in lines if len(re.findall(r"\S\s{3,}(?=\S)", l.strip())) >= 2)
    return cells / len(lines) >= 0.4


def testdata(folder, per_file=False):
    index = {}
    idx_path = os.path.join(folder, "pdfs_index.json")
    if os.path.exists(idx_path):
        for x in json.load(open(idx_path)):
            index[x["file"]] = x
    files = []
    for dirpath, _, names in os.walk(folder):
        for n in sorted(names):
            if not n.endswith(".pdf"):
                continue
            path = os.path.join(dirpath, n)
            rel = os.path.relpath(path, folder)
            ref = path[:-4] + ".pdftotext.txt"
            info = index.get(rel, {})
            if not os.path.exists(ref) or info.get("password"):
                continue
            if "pdftotext output is garbage" in (info.get("description") or ""):
                continue  # the reference itself is wrong (measure_pdf lists these apart)
            ref_text = open(ref, encoding="utf-8", errors="replace").read()
            if len(words(ref_text)) < 20:
                continue
            layout = path[:-4] + ".pdftotext-layout.txt"
            table = os.path.exists(layout) and tabular(
                open(layout, encoding="utf-8", errors="replace").read())
            files.append((rel, path, ref_text, table))
    files.sort()
    peers = available_peers()
    peers.pop("pdftotext", None)  # it is the reference here
    kart = kartotek_many([p for _, p, _, _ in files])
    engines = ["Kartotek"] + list(peers)
    per = {e: [] for e in engines}
    for rel, path, ref_text, table in files:
        pages = page_count(path)
        text, secs, err = kart.get(path, (None, 0, "no answer"))
        per["Kartotek"].append((rel, table, pages, secs,
                                scores(ref_text, text) if text is not None else None))
        for peer, fn in peers.items():
            t, s, e = timed(fn, path, None)
            per[peer].append((rel, table, pages, s, scores(ref_text, t) if t is not None else None))

    def summary(rows):
        f1 = sorted((r[4]["f1"] if r[4] else 0.0) for r in rows)
        pf1 = sorted((r[4]["pair_f1"] if r[4] else 0.0) for r in rows)
        pages = sum(r[2] for r in rows)
        secs = sum(r[3] for r in rows)
        med = lambda xs: xs[len(xs) // 2] if xs else 0
        mean = lambda xs: sum(xs) / len(xs) if xs else 0
        return med(f1), mean(f1), med(pf1), mean(pf1), pages / max(secs, 1e-9)

    tables = [f for f in files if f[3]]
    print(f"## Peers on {len(files)} real PDFs (reference: pdftotext), "
          f"{len(tables)} of them tables\n")
    print("| extractor | word F1 median | mean | pair F1 median | mean | pages/s | "
          "table files: pair F1 mean |")
    print("|---|---|---|---|---|---|---|")
    for e in engines:
        md, mn, pmd, pmn, pps = summary(per[e])
        t = [r for r in per[e] if r[1]]
        tm = summary(t)[3] if t else 0
        print(f"| {e} | {md:.3f} | {mn:.3f} | {pmd:.3f} | {pmn:.3f} | {pps:.1f} | {tm:.3f} |")
    print("\ntable files: " + ", ".join(f[0] for f in tables))
    if per_file:
        print("\nPer file, word F1 / pair F1: " + " | ".join(engines))
        for i, (rel, *_rest) in enumerate(files):
            cells = []
            for e in engines:
                sc = per[e][i][4]
                cells.append("fails" if sc is None else f"{sc['f1']:.3f} / {sc['pair_f1']:.3f}")
            print(f"  {rel}: " + " | ".join(cells))
    print("\nFiles where a peer beats Kartotek by more than 0.02 (word F1 or pair F1):")
    for i, (rel, *_rest) in enumerate(files):
        k = per["Kartotek"][i][4]
        for e in engines[1:]:
            p = per[e][i][4]
            if p is None:
                continue
            kf, kp = (k["f1"], k["pair_f1"]) if k else (0, 0)
            if p["f1"] > kf + 0.02 or p["pair_f1"] > kp + 0.02:
                print(f"  {rel}: {e} word F1 {p['f1']:.3f} vs {kf:.3f}, "
                      f"pair F1 {p['pair_f1']:.3f} vs {kp:.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--testdata", help="folder of real PDFs with NAME.pdftotext.txt beside each")
    ap.add_argument("--keep", help="keep the generated PDFs in this folder")
    ap.add_argument("--per-file", action="store_true", help="with --testdata: every file's scores")
    args = ap.parse_args()
    if not os.path.exists(KARTOTEK):
        subprocess.run(["cargo", "build", "--release", "--bin", "kartotek"], cwd=ROOT, check=True)
    if args.testdata:
        testdata(args.testdata, args.per_file)
    else:
        producer_matrix(args.keep)


if __name__ == "__main__":
    main()
