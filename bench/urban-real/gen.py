#!/usr/bin/env python3
"""Deterministic profile generator for the urban-real workload (JSON lines).

Each line is a flat exported record: `id` beside the facts of a Resident
(see urban_real.rules). Histories carry attributes: contributions by city,
scheme, base ratio and back payment; residence by district; provident-fund
deposits by city. The same N and seed give the same lines.
"""
import argparse
import datetime
import json
import random

AS_OF = datetime.date(2025, 6, 1)
CITIES = ["sh", "sh", "sh", "sz", "hz", "sz"]


def day(rng, start, end):
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def spells(rng, start, count, gap_days, length_days, open_last, extra):
    """`count` consecutive spells from `start`, with gaps; the last may be open."""
    out, at = [], start
    for i in range(count):
        length = rng.randrange(length_days[0], length_days[1] + 1)
        end = at + datetime.timedelta(days=length)
        s = {"from": at.isoformat()}
        if not (open_last and i == count - 1) or end < AS_OF - datetime.timedelta(days=400):
            s["to"] = min(end, AS_OF + datetime.timedelta(days=500)).isoformat()
        s.update(extra(rng))
        out.append(s)
        at = end + datetime.timedelta(days=1 + rng.choice([0, 0, 0, gap_days, 2 * gap_days, rng.randrange(200)]))
        if at > AS_OF + datetime.timedelta(days=300):
            break
    return out


def profile(rng, i):
    birth = day(rng, datetime.date(1950, 1, 1), datetime.date(2003, 12, 31))
    arrival = day(rng, datetime.date(2000, 1, 1), datetime.date(2025, 5, 1))
    local = rng.random() < 0.2
    p = {
        "id": i,
        "birth_date": birth.isoformat(),
        "hukou_local": local,
        "education": rng.choice(["no_degree", "college", "bachelor", "bachelor", "master", "doctorate"]),
        "housing": rng.choice(["owned", "registered_rental", "registered_rental", "dorm", "no_housing"]),
        "spouse_local_since": None if rng.random() < 0.7 else day(rng, datetime.date(2005, 1, 1), AS_OF).isoformat(),
        "residence": spells(rng, arrival, rng.randrange(1, 4), 20, (200, 3000), True,
                            lambda r: {"district": r.choice(["core", "outer", "outer"])}),
        "permits": [] if local or rng.random() < 0.15 else
        spells(rng, arrival + datetime.timedelta(days=rng.randrange(30, 400)), rng.randrange(1, 3), 60,
               (300, 2500), rng.random() < 0.7, lambda r: {}),
        "contributions": spells(rng, arrival + datetime.timedelta(days=rng.randrange(0, 200)), rng.randrange(0, 6), 40,
                                (60, 1500), rng.random() < 0.75,
                                lambda r: {"city": r.choice(CITIES),
                                           "scheme": r.choice(["employee", "employee", "employee", "flexible", "resident"]),
                                           "base_ratio": r.choice([0.6, 0.8, 0.9, 1.0, 1.2, 1.6, 2.0, 2.5, 3.0]),
                                           "back_paid": r.random() < 0.1}),
        "fund": spells(rng, arrival + datetime.timedelta(days=rng.randrange(0, 300)), rng.randrange(0, 4), 30,
                       (30, 1200), rng.random() < 0.6, lambda r: {"city": r.choice(CITIES)}),
        "children": [{"birth_date": day(rng, max(birth + datetime.timedelta(days=365 * 20), datetime.date(2005, 1, 1)),
                                        datetime.date(2025, 5, 1)).isoformat()}
                     for _ in range(rng.choice([0, 0, 1, 1, 2, 3]))
                     if birth < datetime.date(2004, 1, 1)],
    }
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    for i in range(1, args.n + 1):
        print(json.dumps(profile(rng, i), ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    main()
