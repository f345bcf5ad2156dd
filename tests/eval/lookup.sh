#!/bin/sh
# Lookup on ../shared/eval: the dev gold lines stored (en, uk, ru as units),
# every English line looked up exactly (its Ukrainian must come first at
# 100%) and with its second word left out (it must come first, fuzzy, at
# 75% or more; lines of under four words cannot and are not counted).
# usage: tests/eval/lookup.sh [EVAL_DIR] [BINARY]
set -eu
eval_dir=${1:-../shared/eval}
bin=${2:-build/tmalign}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$eval_dir/dev/gold" "$tmp" <<'PY'
import glob, json, os, sys
gold, tmp = sys.argv[1], sys.argv[2]
units, exact, fuzzy = open(tmp + "/units.jsonl", "w"), [], []
for en in sorted(glob.glob(gold + "/*.en.sents")):
    doc = os.path.basename(en)[:-len(".en.sents")]
    cols = [open(f"{gold}/{doc}.{l}.sents", encoding="utf-8").read().split("\n") for l in ("en", "uk", "ru")]
    for e, u, r in zip(*cols):
        if e.strip():
            units.write(json.dumps({"doc": doc, "en": [e], "uk": [u], "ru": [r]}, ensure_ascii=False) + "\n")
            exact.append((e, u))
            w = e.split()
            if len(w) >= 4:
                fuzzy.append((" ".join(w[:1] + w[2:]), e))
json.dump({"exact": exact, "fuzzy": fuzzy}, open(tmp + "/cases.json", "w"))
open(tmp + "/exact.txt", "w").write("\n".join(e for e, _ in exact) + "\n")
open(tmp + "/fuzzy.txt", "w").write("\n".join(q for q, _ in fuzzy) + "\n")
PY
"$bin" import --tm "$tmp/m.db" "$tmp/units.jsonl" > /dev/null
"$bin" lookup --tm "$tmp/m.db" --from en --to uk --stdin < "$tmp/exact.txt" > "$tmp/exact.out"
"$bin" lookup --tm "$tmp/m.db" --from en --to uk --stdin < "$tmp/fuzzy.txt" > "$tmp/fuzzy.out"
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
cases = json.load(open(tmp + "/cases.json"))
def first(line):
    hits = json.loads(line).get("hits") or []
    return hits[0] if hits else None
ok = sum(1 for (e, u), l in zip(cases["exact"], open(tmp + "/exact.out"))
         if (h := first(l)) and h["score"] == 100 and h["uk"] == u)
print(f"exact: {ok}/{len(cases['exact'])} return their Ukrainian first at 100%")
ok = sum(1 for (q, e), l in zip(cases["fuzzy"], open(tmp + "/fuzzy.out"))
         if (h := first(l)) and h["en"] == e and 75 <= h["score"] < 100)
print(f"one word left out: {ok}/{len(cases['fuzzy'])} return the sentence first, fuzzy, >= 75%")
for (q, e), l in zip(cases["fuzzy"], open(tmp + "/fuzzy.out")):
    h = first(l)
    if not (h and h["en"] == e and 75 <= h["score"] < 100): print("  missed:", q, "->", h and (h["score"], h["en"]))
PY
