#!/usr/bin/env python3
"""Word, Excel and PowerPoint 97-2003 files read by `kartotek extract`,
against catdoc's `catdoc`, `xls2csv` and `catppt` (Debian's `catdoc`
package) on the same files.

    python3 scripts/measure-office97.py DIR [--kartotek target/release/kartotek] [--worst N]

DIR holds .doc, .xls and .ppt files (any depth): Apache POI's test files
(`test-data/document`, `test-data/spreadsheet`, `test-data/slideshow` of
https://github.com/apache/poi, Apache-2.0) are the ones BENCHMARKS.md
reports; many are deliberately broken (fuzzer cases, encrypted files).

Per kind: files read, refused with a reason (and which), crashes (an exit
that is not 0 or 1, or a time-out: there must be none); then over the files
where catdoc's tool gives 20 or more distinct words, Kartotek's recall of
them (distinct words, lower case) and the share of Kartotek's words catdoc
also gives. catdoc reads running headers, field instructions, old copies of
edited slides and speaker notes that Kartotek leaves out by design, and
reads dates as day numbers, so neither figure is expected to reach 1.
"""
import argparse
import collections
import pathlib
import re
import statistics
import subprocess

KINDS = {".doc": ["catdoc", "-d", "utf-8", "-w"], ".xls": ["xls2csv", "-d", "utf-8"],
         ".ppt": ["catppt", "-d", "utf-8"]}


def words(text):
    return {w.lower() for w in re.findall(r"\w+", text)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--kartotek", default="target/release/kartotek")
    ap.add_argument("--worst", type=int, default=0)
    a = ap.parse_args()
    files = sorted(p for p in pathlib.Path(a.dir).rglob("*")
                   if p.is_file() and p.suffix.lower() in KINDS)
    for ext, ref_cmd in KINDS.items():
        mine = [p for p in files if p.suffix.lower() == ext]
        if not mine:
            continue
        outcome = collections.Counter()
        reasons = collections.Counter()
        rows = []
        for p in mine:
            try:
                r = subprocess.run([a.kartotek, "extract", str(p)], capture_output=True, timeout=120)
                code = r.returncode
            except subprocess.TimeoutExpired:
                code = "timeout"
            if code == 0:
                outcome["read"] += 1
            elif code == 1:
                outcome["refused with a reason"] += 1
                err = r.stderr.decode("utf-8", "replace").splitlines()
                why = err[0].split(": ", 2)[-1] if err else "?"
                reasons[re.sub(r"\d+", "N", why)[:110]] += 1
                continue
            else:
                outcome[f"crash ({code})"] += 1
                continue
            try:
                ref = subprocess.run(ref_cmd + [str(p)], capture_output=True, timeout=60).stdout
            except subprocess.TimeoutExpired:
                continue
            R = words(ref.decode("utf-8", "replace"))
            O = words(r.stdout.decode("utf-8", "replace"))
            if len(R) >= 20:
                both = len(R & O)
                rows.append((both / len(R), both / max(1, len(O)), len(R), len(O), p.name))
        print(f"{ext}: {len(mine)} files: " + ", ".join(f"{n} {k}" for k, n in outcome.most_common()))
        for why, n in reasons.most_common():
            print(f"    {n:4d}  {why}")
        if rows:
            rows.sort()
            total = sum(r[0] * r[2] for r in rows) / sum(r[2] for r in rows)
            print(f"  against {ref_cmd[0]} on {len(rows)} files: recall median "
                  f"{statistics.median(r[0] for r in rows):.3f}, over all words {total:.3f}; "
                  f"share of Kartotek's words it also gives, median "
                  f"{statistics.median(r[1] for r in rows):.3f}")
            for r in rows[:a.worst]:
                print("    %.3f %.3f %6d %6d %s" % r)


if __name__ == "__main__":
    main()
