#!/usr/bin/env python3
"""Writes the committed Word and OpenDocument fixtures of tests/fixtures/office/.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install python-docx odfpy
    /tmp/v/bin/python scripts/make-office-fixtures.py

python-docx writes from Word's own default template (styles `Title`,
`Heading 1`, tables); odfpy writes OpenDocument as LibreOffice reads it.
The texts are written for these fixtures (no third-party content).
"""
from pathlib import Path

import docx
from odf import meta, text, dc
from odf.opendocument import OpenDocumentText
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
print("wrote", sorted(p.name for p in out.iterdir()))
