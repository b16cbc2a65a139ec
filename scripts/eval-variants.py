#!/usr/bin/env python3
"""Write the judged set's queries as people also type them, to check that
punctuation around words changes no answer.

    python3 scripts/eval-variants.py          # into target/eval-variants/
    target/release/examples/measure_eval target/eval-variants/question.toml --no-lucene

Variants: `question` (`q?`), `quoted` (each word in `«»`: a word quoted
alone is the word; several words in one pair of marks are a phrase),
`commas` (words joined by commas without spaces). Corpus folders are made absolute, so the files can
live outside `bench/eval/`.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "bench", "eval", "judged.toml")
OUT = os.path.join(ROOT, "target", "eval-variants")

VARIANTS = {
    "question": lambda q: q + "?",
    "quoted": lambda q: q if '\\"' in q else " ".join("«" + w + "»" for w in q.split(" ")),
    # a quoted phrase keeps its spaces: joining it would change its meaning
    "commas": lambda q: q if '\\"' in q else ",".join(q.split(" ")),
}


def absolute(match):
    folders = re.findall(r'"([^"]*)"', match.group(1))
    fixed = [
        f if f == "builtin" else os.path.normpath(os.path.join(os.path.dirname(SOURCE), f))
        for f in folders
    ]
    return "corpus = [" + ", ".join('"%s"' % f for f in fixed) + "]"


def main():
    text = open(SOURCE, encoding="utf-8").read()
    text = re.sub(r"^corpus = \[(.*)\]$", absolute, text, count=1, flags=re.M)
    os.makedirs(OUT, exist_ok=True)
    for name, change in VARIANTS.items():
        out = re.sub(
            r'^q = "(.*)"$', lambda m: 'q = "%s"' % change(m.group(1)), text, flags=re.M
        )
        path = os.path.join(OUT, name + ".toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(out)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
