#!/usr/bin/env python3
"""Scores replayed dialogues the way a caller notices replies (the definitions of
../shared/tools/dialogue_replay.py, which scores its own webhook runs the same way).

usage: score_dialogue.py REPLIES_JSONL  — lines {"dialogue","turn","user","user_acts","slots","reply"}
Prints the four rates and, with -v, examples of each."""
import json, re, sys
from collections import defaultdict

ASKS = {
    "area": (r"which area|what area|where are you looking|which location|where would you", {"area", "location", "city", "where_to"}),
    "beds": (r"how many bed", {"number_of_beds"}),
    "budget": (r"budget|how much .*(spend|pay)|price range", {"rent", "price", "max_rent"}),
    "dates": (r"which dates|what dates|when would you like to (move|check|arrive|stay)|check.in", {"check_in_date", "check_out_date", "visit_date", "appointment_date"}),
    "party": (r"how many (people|guests|adults)", {"number_of_adults"}),
    "name": (r"your name|who am i speaking|may i have your name", set()),
}
GENERIC = re.compile(r"^(thanks|thank you|gracias|merci|danke|obrigad|grazie)[,!.]? *(noted|recibido|bien re)", re.I)


def score(rows):
    by = defaultdict(list)
    for r in rows:
        by[r["dialogue"]].append(r)
    out = []
    for turns in by.values():
        given, prev = set(), None
        for t in sorted(turns, key=lambda t: t["turn"]):
            r, acts = t["reply"], set(t["user_acts"])
            asked = {k for k, (pat, _) in ASKS.items() if re.search(pat, r, re.I)}
            out.append(dict(t,
                loop=prev is not None and r == prev and r != "",
                generic=bool(acts & {"REQUEST", "INFORM_INTENT", "REQUEST_ALTS"}) and bool(GENERIC.search(r)),
                ask_after_bye=("GOODBYE" in acts or ("THANK_YOU" in acts and "INFORM" not in acts)) and "?" in r,
                reask=any(ASKS[k][1] & given for k in asked) or ("name" in asked and "name" in given)))
            given |= {s["slot"] for s in t["slots"]}
            if re.search(r"\b(my name is|this is|i'm|i am) [A-Z][a-z]+", t["user"]):
                given.add("name")
            prev = r
    return out


if __name__ == "__main__":
    rows = score([json.loads(l) for l in open(sys.argv[1])])
    rate = lambda k: sum(r[k] for r in rows) / max(1, len(rows))
    print(f"dialogues={len({r['dialogue'] for r in rows})} replies={len(rows)} loop={rate('loop'):.3f} "
          f"generic={rate('generic'):.3f} ask_after_bye={rate('ask_after_bye'):.3f} reask={rate('reask'):.3f}")
    if "-v" in sys.argv:
        for k in ("loop", "generic", "ask_after_bye", "reask"):
            for r in [r for r in rows if r[k]][:6]:
                print(f"[{k}] {r['user']!r} -> {r['reply']!r}")
