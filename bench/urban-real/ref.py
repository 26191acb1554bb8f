#!/usr/bin/env python3
"""Independent plain-Python evaluation of the urban-real workload.

Reads the JSON lines of gen.py and prints the per-output eligible counts
and the points total, as the one-line JSON the benchmark programs print.
Written from the rules' documented semantics (rules/README.md: spells,
counting conventions, reference dates after as_of), not from the engine.
"""
import calendar
import datetime
import json
import sys
import time

AS_OF = datetime.date(2025, 6, 1)
INTAKE = datetime.date(AS_OF.year, 8, 31)
D = datetime.date.fromisoformat


def add_months(d, n):
    total = d.year * 12 + d.month - 1 + n
    y, m = divmod(total, 12)
    return datetime.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def months_between(a, b):
    if b < a:
        return -months_between(b, a)
    m = (b.year - a.year) * 12 + b.month - a.month
    if m > 0 and add_months(a, m) > b:
        m -= 1
    return m


def age(birth, at):
    return months_between(birth, at) // 12


def merged(items, at, future="recorded"):
    """Spells as [from, end) day ordinals, end exclusive, clipped at `at`, merged."""
    at_o, as_of_o = at.toordinal(), AS_OF.toordinal()
    projecting = at > AS_OF and future != "planned"
    raw = []
    for s in items:
        f = D(s["from"]).toordinal()
        to = s.get("to")
        if projecting and f > as_of_o:
            continue
        end = at_o + 1 if to is None else D(to).toordinal() + 1
        if projecting and future == "continued" and (to is None or D(to).toordinal() >= as_of_o):
            end = at_o + 1
        end = min(end, at_o + 1)
        if end > f:
            raw.append([f, end])
    raw.sort()
    out = []
    for f, e in raw:
        if out and f <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([f, e])
    return out


def month_index(ordinal):
    d = datetime.date.fromordinal(ordinal)
    return d.year * 12 + d.month - 1


def calendar_runs(runs, at, before):
    cap = month_index(at.toordinal()) + (0 if before else 1)
    out = []
    for f, e in runs:
        lo, hi = month_index(f), min(month_index(e - 1) + 1, cap)
        if hi <= lo:
            continue
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out


def units_total(runs):
    return sum(hi - lo for lo, hi in runs)


def units_within(runs, window, ref):
    lo_w, hi_w = ref - window + 1, ref + 1
    return sum(max(0, min(hi, hi_w) - max(lo, lo_w)) for lo, hi in runs)


def units_longest(runs, gap):
    best, cur, prev_hi = 0, 0, None
    for lo, hi in runs:
        cur = cur + (hi - lo) if prev_hi is not None and lo - prev_hi <= gap else hi - lo
        best, prev_hi = max(best, cur), hi
    return best


def cal_total(items, before=False, at=AS_OF):
    return units_total(calendar_runs(merged(items, at), at, before))


def cal_within(items, window, before=False, at=AS_OF):
    ref = month_index(at.toordinal()) - (1 if before else 0)
    return units_within(calendar_runs(merged(items, at), at, before), window, ref)


def cal_longest(items, gap, before=False, at=AS_OF):
    return units_longest(calendar_runs(merged(items, at), at, before), gap)


def day_total(items, at=AS_OF):
    return sum(e - f for f, e in merged(items, at))


def month_total(items, at=AS_OF):
    return sum(months_between(datetime.date.fromordinal(f), datetime.date.fromordinal(e)) for f, e in merged(items, at))


def month_longest_gap0(items, at=AS_OF):
    # gap 0: merged runs only join when they touch, which merging already did
    return max([months_between(datetime.date.fromordinal(f), datetime.date.fromordinal(e))
                for f, e in merged(items, at)] or [0])


def holds(items, at, future="recorded"):
    o = at.toordinal()
    return any(f <= o < e for f, e in merged(items, at, future))


EDU = {"college": 50, "bachelor": 60, "master": 100, "doctorate": 110}


def evaluate(p):
    sh_emp = [c for c in p["contributions"] if c["city"] == "sh" and c["scheme"] == "employee"]
    sh_any = [c for c in p["contributions"] if c["city"] == "sh"]
    sh_months = cal_total(sh_emp, before=True)
    a = age(D(p["birth_date"]), AS_OF)

    def base_months(ratio):
        return cal_within([c for c in sh_emp if c["base_ratio"] >= ratio], 48, before=True)

    pts = 5 if a >= 56 else min(30, 5 + 2 * (56 - a))
    pts += EDU.get(p["education"], 0)
    pts += 3 * (sh_months // 12)
    pts += 100 if base_months(2) >= 36 else 50 if base_months(1) >= 36 else 25 if base_months(0.8) >= 36 else 0
    pts += min(0.5 * month_total([r for r in p["residence"] if r["district"] == "outer"]), 20)
    pts += min(0.2 * month_total([f for f in p["fund"] if f["city"] == "sh"]), 10)
    spouse = p["spouse_local_since"]
    pts += min(4 * (months_between(D(spouse), AS_OF) // 12), 40) if spouse else 0
    points_ok = holds(p["permits"], AS_OF) and cal_within(sh_any, 12, before=True) >= 6 and pts >= 120

    local = p["hukou_local"]
    kids_at_intake = [age(D(c["birth_date"]), INTAKE) for c in p["children"]]
    out = {}
    out["permit_apply"] = (not local and day_total(p["residence"]) >= 180 and
                           (p["housing"] in ("owned", "registered_rental", "dorm") or cal_within(sh_any, 6) >= 1))
    out["school_place"] = (any(6 <= k <= 15 for k in kids_at_intake) and
                           (local or (holds(p["permits"], INTAKE) and cal_within(sh_emp, 12, before=True) >= 6 and
                                      p["housing"] in ("owned", "registered_rental"))))
    out["local_exam"] = any(k == 15 for k in kids_at_intake) and (local or pts >= 120)
    out["public_rental"] = (not local and day_total(p["permits"]) >= 730 and cal_longest(sh_emp, 0, before=True) >= 12
                            and p["housing"] != "owned")
    out["settlement"] = (not local and pts >= 120 and cal_longest(sh_emp, 3, before=True) >= 84 and
                         cal_total([c for c in p["contributions"] if c["back_paid"]]) <= 3)
    cities = {f["city"] for f in p["fund"]}
    out["fund_loan"] = (any(month_longest_gap0([f for f in p["fund"] if f["city"] == c]) >= 6 for c in cities) and
                        bool(p["fund"]) and max(D(f["from"]) for f in p["fund"]) >= datetime.date(AS_OF.year - 2, 1, 1))
    current = None
    for r in p["residence"]:  # the last by `from`; ties go to the later
        if current is None or D(r["from"]) >= D(current["from"]):
            current = r
    out["core_school"] = (any(6 <= k <= 12 for k in kids_at_intake) and current is not None and
                          current["district"] == "core" and holds(p["residence"], INTAKE, "continued"))
    out["childcare"] = (sum(1 for c in p["children"] if age(D(c["birth_date"]), AS_OF) < 3) >= 1 and
                        (local or holds(p["permits"], AS_OF)))
    out["medical_local"] = (local or cal_total([c for c in sh_any if c["scheme"] == "resident"]) >= 6 or
                            cal_within(sh_emp, 3) >= 1)
    out["elderly_allowance"] = a >= 60 and (local or day_total(p["residence"]) >= 3650)
    out["talent_bonus"] = (p["education"] in ("master", "doctorate") and a <= 35 and
                           (sh_months >= 6 or day_total(p["permits"]) >= 365))
    return out, pts, points_ok


OUTPUTS = ["permit_apply", "school_place", "local_exam", "public_rental", "settlement", "fund_loan",
           "core_school", "childcare", "medical_local", "elderly_allowance", "talent_bonus"]


def main():
    profiles = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    counts = dict.fromkeys(OUTPUTS, 0)
    points_sum, points_ok = 0.0, 0
    t = time.perf_counter()
    for p in profiles:
        out, pts, ok = evaluate(p)
        for k in OUTPUTS:
            counts[k] += out[k]
        points_sum += pts
        points_ok += ok
    ms = (time.perf_counter() - t) * 1000
    results = dict(counts, points_sum=round(points_sum, 2), points_ge_120=points_ok)
    print(json.dumps({"engine": "python-ref", "n": len(profiles), "results": results,
                      "timing": {"eval_ms": round(ms, 1), "eval_pps": round(len(profiles) / (ms / 1000))}}))


if __name__ == "__main__":
    main()
