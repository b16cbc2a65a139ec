#!/usr/bin/env python3
"""Assemble the larger evaluation corpus of bench/eval/judged.toml.

    python3 scripts/eval-corpus.py [--testdata ../shared/testdata] [--out target/eval-corpus]

The judged set's corpus is the built-in corpus and the committed fixtures
(named in the TOML itself) plus third-party documents from the shared test
data, which users of the repository do not have and which are therefore
never committed:

- regional/: every regional document of `testdata/regional_docs/` as its
  source file (Norwegian hearing pages and Lovdata laws as HTML, Swedish
  government pages as Markdown), not the gold main-text files beside them;
- laws/: a fixed selection of Norsk Lovtidend 2025 (NLOD 2.0): every law
  (`nl-*`), every regulation not marked Bokmål (Nynorsk and unmarked
  Norwegian), and every sixth Bokmål regulation in file order; each as
  `DATOKODE.txt`, the title on the first line.

The selection is deterministic, so document names in the judged set stay
valid; rerunning rewrites the folder.
"""
import argparse
import json
import pathlib
import shutil
import sys


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--testdata", default=str(root.parent / "shared" / "testdata"))
    ap.add_argument("--out", default=str(root / "target" / "eval-corpus"))
    a = ap.parse_args()
    testdata = pathlib.Path(a.testdata)
    out = pathlib.Path(a.out)
    regional = testdata / "regional_docs"
    laws = testdata / "norwegian_corpus" / "lovtidend_avd1_2025.jsonl"
    if not regional.is_dir() or not laws.is_file():
        print(f"error: {testdata} has no regional_docs/ or norwegian_corpus/", file=sys.stderr)
        print("hint: pass --testdata DIR (the shared test data folder)", file=sys.stderr)
        return 2
    if out.exists():
        shutil.rmtree(out)
    (out / "regional").mkdir(parents=True)
    (out / "laws").mkdir(parents=True)
    n_regional = 0
    for sub in sorted(p for p in regional.iterdir() if p.is_dir()):
        for f in sorted(sub.iterdir()):
            if f.suffix in (".html", ".md") and not f.name.endswith(".main-text.txt"):
                shutil.copyfile(f, out / "regional" / f.name)
                n_regional += 1
    n_laws = 0
    nb_regulations = 0
    with laws.open(encoding="utf-8") as lines:
        for line in lines:
            d = json.loads(line)
            kind = d["file"].rsplit("/", 1)[-1][:2]
            keep = kind == "nl" or d["html_lang"] != "nb"
            if not keep:
                keep = nb_regulations % 6 == 0
                nb_regulations += 1
            if keep:
                text = d["text"]
                if not text.startswith(d["title"]):
                    text = d["title"] + "\n" + text
                (out / "laws" / f"{d['datokode']}.txt").write_text(text, encoding="utf-8")
                n_laws += 1
    print(f"{out}: {n_regional} regional documents, {n_laws} laws and regulations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
