#!/usr/bin/env python3
"""Writes the committed Word and OpenDocument fixtures of tests/fixtures/office/.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install python-docx python-pptx odfpy
    /tmp/v/bin/python scripts/make-office-fixtures.py

python-docx and python-pptx write from Word's and PowerPoint's own default templates (styles `Title`,
`Heading 1`, tables); odfpy writes OpenDocument as LibreOffice reads it.
The texts are written for these fixtures (no third-party content).
"""
from pathlib import Path

import docx
import pptx
from odf import dc, draw, meta, presentation, text
from odf.opendocument import OpenDocumentPresentation, OpenDocumentText
from odf.style import Style, TextProperties

out = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "office"
out.mkdir(parents=True, exist_ok=True)

# --- Word: a Bokmål action plan ---
d = docx.Document()
d.core_properties.title = "Microsoft Word - handlingsplan_v3.docx"
d.add_paragraph("Handlingsplan for grønn omstilling i Fosen 2026–2029", style="Title")
d.add_heading("Bakgrunn", level=1)
d.add_paragraph(
    "Fosen-kommunene vil styrke samarbeidet om havvind, havbruk og reiseliv. "
    "Planen følger opp den regionale strategien for klimatilpasning."
)
p = d.add_paragraph("Kontaktperson:")
p.add_run().add_tab()
p.add_run("rådgiver for næringsutvikling")
p.add_run().add_break()
p.add_run("Telefon: 74 00 00 00")
table = d.add_table(rows=2, cols=2)
table.cell(0, 0).text = "Tiltak"
table.cell(0, 1).text = "Ansvar"
table.cell(1, 0).text = "Kartlegge ladeinfrastruktur for elferjer"
table.cell(1, 1).text = "Fylkeskommunen"
d.save(out / "handlingsplan-fosen.docx")

# --- OpenDocument: a Nynorsk strategy with a footnote and a run of spaces ---
o = OpenDocumentText()
o.meta.addElement(dc.Title(text="Strategi for kystkultur"))
o.meta.addElement(meta.CreationDate(text="2025-11-03T09:30:00"))
bold = Style(name="Sterk", family="text")
bold.addElement(TextProperties(fontweight="bold"))
o.automaticstyles.addElement(bold)
o.text.addElement(text.H(outlinelevel=1, text="Strategi for kystkultur i Trøndelag"))
para = text.P(text="Fylkeskommunen skal ta vare på ")
span = text.Span(stylename=bold, text="kystkulturen")
para.addElement(span)
para.addText(" og dei tradisjonelle båtbyggjarane")
note = text.Note(id="ftn1", noteclass="footnote")
note.addElement(text.NoteCitation(text="1"))
body = text.NoteBody()
body.addElement(text.P(text="Sjå også kulturminneplanen for Hitra og Frøya."))
note.addElement(body)
para.addElement(note)
para.addText(", og styrkje lokalsamfunna langs kysten.")
o.text.addElement(para)
spaced = text.P(text="Budsjett:")
spaced.addElement(text.S(c=3))
spaced.addText("2,4 millionar kroner")
o.text.addElement(spaced)
o.save(str(out / "strategi-kystkultur.odt"))
# --- PowerPoint: a Swedish slide deck, a title slide and a bullet slide ---
deck = pptx.Presentation()
first = deck.slides.add_slide(deck.slide_layouts[0])
first.shapes.title.text = "Interreg Aurora: lägesrapport"
first.placeholders[1].text = "Programsekretariatet i Umeå, mars 2026"
second = deck.slides.add_slide(deck.slide_layouts[1])
second.shapes.title.text = "Beviljade projekt"
body = second.placeholders[1].text_frame
body.text = "Renskötsel och klimatanpassning i Sápmi"
body.add_paragraph().text = "Gränsöverskridande räddningstjänst i Tornedalen"
second.notes_slide.notes_text_frame.text = "Talarens anteckning som inte är bildens text."
deck.save(out / "lagesrapport-aurora.pptx")

# --- OpenDocument presentation: two slides in Danish ---
deck = OpenDocumentPresentation()
for i, (title, line) in enumerate([
    ("Grænseregionalt samarbejde", "Sønderjylland og Schleswig deler et fælles arbejdsmarked."),
    ("Næste skridt", "Pendlerne får en fælles informationstjeneste i Padborg."),
]):
    page = draw.Page(name=f"side{i + 1}", masterpagename="Default")
    frame = draw.Frame(width="20cm", height="3cm", x="1cm", y="1cm")
    box = draw.TextBox()
    box.addElement(text.P(text=title))
    box.addElement(text.P(text=line))
    frame.addElement(box)
    page.addElement(frame)
    notes = presentation.Notes()
    nframe = draw.Frame(width="20cm", height="3cm", x="1cm", y="1cm")
    nbox = draw.TextBox()
    nbox.addElement(text.P(text="Noter til taleren."))
    nframe.addElement(nbox)
    notes.addElement(nframe)
    page.addElement(notes)
    deck.presentation.addElement(page)
deck.save(str(out / "graenseregion.odp"))
print("wrote", sorted(p.name for p in out.iterdir()))
