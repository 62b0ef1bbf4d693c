#!/usr/bin/env python3
"""Evaluates the rules brain's understanding (core/src/brain/understand) on the SGD extract.

Usage: python3 bench/sgd_eval.py [--data ../shared/data/sgd] [--bin target/release/understand]
                                 [--no-write] [--errors N]
Build first: cargo build -p frontdesk-core --release --bin understand

For each split (train, dev) it builds one CLI input line per user turn (utterance, the system
turn before it, the tenant template of the service, today = 2019-03-01, the date SGD's system
turns resolve "today" to), runs the binary once over all lines, and scores:

- intent accuracy on new-intent turns (the user starts a task) and on all turns, with the
  mapping below;
- slot recall: a gold slot is recalled when we produce the mapped slot and our `text` equals the
  gold value case-insensitively (ignoring surrounding punctuation), or our normalised value equals
  the gold value normalised (numbers and booleans in Python; dates and times by running the gold
  text through the same binary with a system question that types it, e.g. "What date?").

Intent mapping (gold → ours), first rule that applies:
  new_intent turn        → the active intent: FindApartment → property_enquiry_rent (Homes_1 is the
                           rentals service; property_enquiry_buy if an `intent` slot says buy),
                           ScheduleVisit → book_viewing, BookAppointment → book_appointment,
                           FindProvider / SearchHotel / SearchHouse → availability_search (a caller
                           looking for a stylist, dentist, doctor or room is asking what is available),
                           ReserveHotel / BookHouse → book_stay
  GOODBYE or THANK_YOU   → thanks_goodbye
  AFFIRM                 → affirm   (also "yes, and what's the address?" = AFFIRM + REQUEST)
  NEGATE / NEGATE_INTENT → deny     (a correction "No, make it 5pm" is INFORM + NEGATE → deny)
  SELECT                 → affirm   (picking the option the system offered)
  REQUEST_ALTS           → the active search intent (asking for other options is searching)
  INFORM_INTENT          → the active intent, as for new-intent turns
  REQUEST                → general_enquiry (a question about the offered item)
  INFORM                 → provide_info

Slot mapping (gold → ours); gold slots not listed have no counterpart and are not scored:
  area, city, where_to, destination, location          → area
  number_of_beds → beds; number_of_baths → baths; number_of_adults → party_size
  visit_date, appointment_date → date; appointment_time → time
  check_in_date → check_in; check_out_date → check_out
  property_name, hotel_name, place_name → property
  stylist_name, dentist_name, doctor_name, therapist_name → provider
  pets_allowed, pets_welcome → pets; furnished → furnished
  phone_number → phone; rent, price, price_per_night → budget_max
  Not scored: number_of_rooms, number_of_days, stay_length, star_rating, rating, average_rating,
  has_wifi, has_laundry_service, smoking_allowed, is_unisex, offers_cosmetic_services, type, intent.
"""

import argparse
import collections
import datetime
import json
import os
import platform
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TODAY = "2019-03-01"
TEMPLATES = {"Homes": "letting_agent", "Services": "clinic_salon", "Hotels": "hotel"}
NEW_INTENT = {
    "ScheduleVisit": "book_viewing",
    "BookAppointment": "book_appointment",
    "FindProvider": "availability_search",
    "SearchHotel": "availability_search",
    "SearchHouse": "availability_search",
    "ReserveHotel": "book_stay",
    "BookHouse": "book_stay",
}
SLOTS = {
    "area": "area", "city": "area", "where_to": "area", "destination": "area", "location": "area",
    "number_of_beds": "beds", "number_of_baths": "baths", "number_of_adults": "party_size",
    "visit_date": "date", "appointment_date": "date", "appointment_time": "time",
    "check_in_date": "check_in", "check_out_date": "check_out",
    "property_name": "property", "hotel_name": "property", "place_name": "property",
    "stylist_name": "provider", "dentist_name": "provider", "doctor_name": "provider", "therapist_name": "provider",
    "pets_allowed": "pets", "pets_welcome": "pets", "furnished": "furnished",
    "phone_number": "phone", "rent": "budget_max", "price": "budget_max", "price_per_night": "budget_max",
}
# What to ask so that the binary types a bare gold value (used to normalise dates and times).
TYPING_QUESTION = {"date": "What date?", "check_in": "When do you check in?", "check_out": "When do you check out?",
                   "time": "What time?"}
WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}


def active_intent(row):
    name = row["active_intent"]
    if name == "FindApartment":
        buy = any(s["slot"] == "intent" and s["value"].lower() == "buy" for s in row["slots"])
        return "property_enquiry_buy" if buy else "property_enquiry_rent"
    return NEW_INTENT.get(name)


def search_intent(row):
    svc = row["service"].split("_")[0]
    return "property_enquiry_rent" if svc == "Homes" else "availability_search"


def gold_intent(row):
    acts = set(row["user_acts"])
    if row["new_intent"]:
        return active_intent(row) or "general_enquiry"
    if acts & {"GOODBYE", "THANK_YOU"}:
        return "thanks_goodbye"
    if "AFFIRM" in acts:
        return "affirm"
    if acts & {"NEGATE", "NEGATE_INTENT"}:
        return "deny"
    if "SELECT" in acts:
        return "affirm"
    if "REQUEST_ALTS" in acts:
        return search_intent(row)
    if "INFORM_INTENT" in acts or "AFFIRM_INTENT" in acts:
        return active_intent(row) or "general_enquiry"
    if "REQUEST" in acts:
        return "general_enquiry"
    return "provide_info"


def clean(s):
    return re.sub(r"^[\s\W_]+|[\s\W_]+$", "", str(s)).lower()


def norm_scalar(v):
    """Numbers and booleans compare as values; everything else as cleaned text."""
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    s = clean(v)
    if s in ("true", "false"):
        return s == "true"
    if s in WORDS:
        return float(WORDS[s])
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return s


def run_binary(binary, lines):
    payload = "".join(json.dumps(l) + "\n" for l in lines)
    out = subprocess.run([binary], input=payload, capture_output=True, text=True, check=True).stdout
    results = [json.loads(l) for l in out.splitlines()]
    if len(results) != len(lines):
        sys.exit(f"binary answered {len(results)} lines for {len(lines)} inputs")
    return results


def evaluate(split, data_dir, binary, show_errors):
    rows = [json.loads(l) for l in open(os.path.join(data_dir, f"{split}.jsonl"))]
    inputs = [{"utterance": r["utterance"], "system_before": r["system_before"],
               "tenant_template": TEMPLATES[r["service"].split("_")[0]], "today": TODAY} for r in rows]
    results = run_binary(binary, inputs)

    # Normalise gold dates/times with the binary, one typed question per value.
    typed = []
    for r in rows:
        for s in r["slots"]:
            ours = SLOTS.get(s["slot"])
            if ours in TYPING_QUESTION:
                typed.append((ours, s["value"]))
    typed = sorted(set(typed))
    typed_out = run_binary(binary, [{"utterance": v, "system_before": TYPING_QUESTION[k],
                                     "tenant_template": "hotel" if k.startswith("check") else "clinic_salon",
                                     "today": TODAY} for k, v in typed])
    gold_norm = {}
    for (k, v), res in zip(typed, typed_out):
        slot = res.get("slots", {}).get(k)
        if slot is not None:
            gold_norm[(k, v)] = slot["value"]

    stats = {"new": [0, 0], "all": [0, 0]}
    confusion = collections.Counter()
    per_gold = collections.Counter()
    slot_hits = collections.Counter()
    slot_total = collections.Counter()
    errors = []
    for r, res in zip(rows, results):
        gold = gold_intent(r)
        got = res.get("intent", "error")
        ok = gold == got
        stats["all"][0] += ok
        stats["all"][1] += 1
        if r["new_intent"]:
            stats["new"][0] += ok
            stats["new"][1] += 1
        per_gold[gold] += 1
        if not ok:
            confusion[(gold, got)] += 1
            if len(errors) < show_errors:
                errors.append(f"  [{gold} → {got}] sys={r['system_before'][:70]!r} | {r['utterance']!r}")
        for s in r["slots"]:
            ours = SLOTS.get(s["slot"])
            if ours is None:
                continue
            slot_total[ours] += 1
            produced = res.get("slots", {}).get(ours)
            if produced is None:
                continue
            text_ok = clean(produced["text"]) == clean(s["value"])
            gold_value = gold_norm.get((ours, s["value"]), s["value"])
            value_ok = norm_scalar(produced["value"]) == norm_scalar(gold_value)
            if text_ok or value_ok:
                slot_hits[ours] += 1
    return {"split": split, "turns": len(rows), "stats": stats, "confusion": confusion, "per_gold": per_gold,
            "slot_hits": slot_hits, "slot_total": slot_total, "errors": errors}


def pct(a, b):
    return f"{a / b:.3f}" if b else "n/a"


def markdown(reports):
    lines = ["## Understanding: SGD (bench/sgd_eval.py)", ""]
    lines.append(f"Run {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')} · "
                 f"{platform.machine()} · rules NLU (`core/src/brain/understand`), release binary `understand`, "
                 f"today = {TODAY}. Homes → letting_agent, Services → clinic_salon, Hotels → hotel. "
                 "Intent and slot mappings: docstring of bench/sgd_eval.py. Developed against train; dev is "
                 "reported, not tuned on. Targets: new-intent accuracy ≥ 0.90, slot recall ≥ 0.80.")
    lines.append("")
    lines.append("| split | turns | intent acc (new-intent turns) | intent acc (all turns) | slot recall |")
    lines.append("|---|---:|---:|---:|---:|")
    for r in reports:
        hits, total = sum(r["slot_hits"].values()), sum(r["slot_total"].values())
        s = r["stats"]
        lines.append(f"| {r['split']} | {r['turns']} | {pct(*s['new'])} ({s['new'][0]}/{s['new'][1]}) | "
                     f"{pct(*s['all'])} ({s['all'][0]}/{s['all'][1]}) | {pct(hits, total)} ({hits}/{total}) |")
    lines.append("")
    slots = sorted({k for r in reports for k in r["slot_total"]})
    lines.append("| slot | " + " | ".join(f"{r['split']} recall" for r in reports) + " |")
    lines.append("|---|" + "---:|" * len(reports))
    for k in slots:
        cells = [f"{pct(r['slot_hits'][k], r['slot_total'][k])} ({r['slot_hits'][k]}/{r['slot_total'][k]})"
                 for r in reports]
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    lines.append("")
    for r in reports:
        lines.append(f"Per gold intent, {r['split']} (accuracy; most frequent confusions):")
        lines.append("")
        lines.append("| gold intent | turns | accuracy | top confusions |")
        lines.append("|---|---:|---:|---|")
        for gold, n in r["per_gold"].most_common():
            wrong = sum(c for (g, _), c in r["confusion"].items() if g == gold)
            top = sorted(((c, got) for (g, got), c in r["confusion"].items() if g == gold), reverse=True)[:3]
            lines.append(f"| {gold} | {n} | {pct(n - wrong, n)} | " + ", ".join(f"{got} ×{c}" for c, got in top) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_benchmarks(block):
    path = os.path.join(ROOT, "BENCHMARKS.md")
    start, end = "<!-- bench:sgd:start -->", "<!-- bench:sgd:end -->"
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{block}{end}{tail}"
    else:
        text = text.rstrip("\n") + f"\n\n{start}\n{block}{end}\n"
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "sgd"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "understand"))
    ap.add_argument("--splits", default="train,dev")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--errors", type=int, default=0, help="print this many misclassified turns per split")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: cargo build -p frontdesk-core --release --bin understand")
    reports = [evaluate(s, args.data, args.bin, args.errors) for s in args.splits.split(",")]
    block = markdown(reports)
    print(block)
    for r in reports:
        if r["errors"]:
            print(f"Errors ({r['split']}):")
            print("\n".join(r["errors"]))
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "sgd.json"), "w") as f:
        json.dump([{"split": r["split"], "turns": r["turns"], "stats": r["stats"],
                    "slot_hits": r["slot_hits"], "slot_total": r["slot_total"],
                    "confusion": {f"{g} -> {o}": c for (g, o), c in r["confusion"].items()}} for r in reports],
                  f, indent=1)
    if not args.no_write and set(args.splits.split(",")) == {"train", "dev"}:
        write_benchmarks(block)


if __name__ == "__main__":
    main()
