#!/usr/bin/env python3
"""Generate the exports of the bundled Acme Outdoor example (examples/acme/data/).

Acme Outdoor is a fictional outdoor retailer in the Netherlands and Belgium. The files below
look like the exports its team downloads every Monday morning (see KPI_CATALOG.md § 5):

  instagram_daily.csv  Instagram daily account export: UTF-8 with BOM, every field quoted.
                       Pulled on Monday 2027-03-15 around 09:00, so its last row (that Monday)
                       is a partial day.
  meta_ads_nl.csv      Meta Ads Manager, Dutch locale: `;` delimiter, decimal comma, `.` as
                       thousands separator, dates 15-03-2027, CRLF line ends, one row per
                       campaign per day (they add up). Also pulled on the Monday morning.
  leads.ndjson         CRM export of sales-qualified leads, one JSON object per line.
  webcare.csv          Webcare desk export, one row per network per day, closed by a
                       "Period total" row.
  google_reviews.csv   Review-tool export for the Google Business profile, closed by a
                       "Total" row. Deliberately stale: it ends on 2027-03-01.
  mentions.csv         Social listening export (Brandwatch-like): four description lines,
                       then a tab-separated table, one row per page type per day.

Data runs from 2026-10-01 (Q4 2026 is the baseline quarter) to Sunday 2027-03-14; the example
is judged with `goalpost check examples/acme/goals.yaml --as-of 2027-03-15`.

Rerun from anywhere (standard library only, fixed seeds, byte-for-byte reproducible):

    python3 examples/acme/data/generate.py              # rewrite the six files
    python3 examples/acme/data/generate.py --expected   # also print every goal's numbers,
                                                        # computed by hand per docs/evaluation.md

Each file has its own seeded random generator, so changing one generator leaves the other
files unchanged. The generators steer the totals that the goals are judged on (see `DESIGN`)
so that the scorecard shows a spread of statuses; `--expected` re-reads the written files and
recomputes the figures independently of the generators.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20270315

DATA_START = date(2026, 10, 1)
DATA_END = date(2027, 3, 14)  # last full day (Sunday)
PULLED = date(2027, 3, 15)  # Monday: instagram and ads exports include this partial day
REVIEWS_END = date(2027, 3, 1)  # the reviews export is stale
AS_OF = date(2027, 3, 15)

# What the generators aim at (the exact figures come out of `--expected`).
DESIGN = {
    # ig-organic-reach-q1: projected reach / target (1.2 x Q4 reach)
    "reach_pace": 1.05,
    # leads-per-month: qualified leads per month (March: 1-14 only)
    "leads": {
        (2026, 10): 236,
        (2026, 11): 271,
        (2026, 12): 244,
        (2027, 1): 318,
        (2027, 2): 291,
        (2027, 3): 127,
    },
    # rating-up: stars / reviews, 2027-01-01 .. 2027-03-01
    "rating_q1": 4.23,
    # sentiment: positive / negative mentions, 2027-01-01 .. 2027-03-14
    "sentiment_q1": 2.35,
    # very-responsive badge, Facebook, 2027-03-09 .. 2027-03-14
    "badge_received": 186,
    "badge_answered": 174,
    "badge_minutes_per_answer": 16.1,
}


def days(a: date, b: date):
    d = a
    while d <= b:
        yield d
        d += timedelta(days=1)


def write(name: str, text: str, *, bom: bool = False) -> None:
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    (HERE / name).write_bytes(data)


def spread(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to `weights` that add up to `total` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[:rest]:
        out[i] += 1
    return out


# ------------------------------------------------------------------------------------------
# instagram_daily.csv


def instagram() -> None:
    rng = random.Random(SEED + 1)
    q4 = (date(2026, 10, 1), date(2026, 12, 31))
    q1_full = (date(2027, 1, 1), DATA_END)

    raw: dict[date, float] = {}
    for d in days(DATA_START, DATA_END):
        if d < date(2027, 1, 1):
            base = 9_600.0
            if date(2026, 11, 23) <= d <= date(2026, 12, 20):  # Sinterklaas and Christmas
                base = 11_200.0
        else:
            base = 10_800.0 + 48.0 * (d - date(2027, 1, 1)).days  # reels push from February
        if d.weekday() >= 5:
            base *= 1.12  # outdoor people scroll on weekends
        raw[d] = base * rng.uniform(0.86, 1.14)

    reach = {d: round(v) for d, v in raw.items() if d <= q4[1]}
    baseline = sum(reach[d] for d in days(*q4))
    partial = round(raw[DATA_END] / 1.12 * 0.28)  # Monday morning until about 09:00
    # projected = actual x 90 / 74 (observed 2027-01-01 .. 2027-03-15 of a 90-day quarter)
    want_actual = DESIGN["reach_pace"] * 1.2 * baseline * 74 / 90
    q1_raw = sum(raw[d] for d in days(*q1_full))
    scale = (want_actual - partial) / q1_raw
    for d in days(*q1_full):
        reach[d] = round(raw[d] * scale)
    reach[PULLED] = partial

    followers = 17_850
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(
        [
            "Date",
            "Account username",
            "Accounts reached",
            "Reels plays",
            "Likes",
            "Comments",
            "Shares",
            "Saves",
            "Posts",
            "Followers",
        ]
    )
    for d in days(DATA_START, PULLED):
        wd = d.weekday()
        if d == PULLED:
            posts = 1  # the Monday 08:30 post
        elif d < date(2027, 1, 4):
            posts = 1 if wd in (0, 2, 4) or (wd == 5 and rng.random() < 0.5) else 0
            if d == date(2027, 1, 1):
                posts = 0
        else:
            # from the first Monday of 2027: Mon, Tue, Thu, Fri, Sat; Wed and Sun sometimes
            posts = 1 if wd in (0, 1, 3, 4, 5) else 0
            if wd == 2 and rng.random() < 0.45:
                posts = 1
            if wd == 6 and rng.random() < 0.2:
                posts = 1
            if wd == 4 and rng.random() < 0.25:
                posts += 1  # a reel and a carousel
        r = reach[d]
        rate = rng.uniform(0.030, 0.042) * (1.15 if posts else 0.85)
        likes = round(r * rate)
        comments = round(likes * rng.uniform(0.045, 0.075))
        shares = round(likes * rng.uniform(0.035, 0.06))
        saves = round(likes * rng.uniform(0.06, 0.10))
        plays = round(r * rng.uniform(1.3, 1.9))
        if d == PULLED:
            followers += rng.randint(3, 9)
        elif d < date(2027, 1, 1):
            followers += rng.randint(8, 30)
        else:
            followers += rng.randint(14, 40)
        w.writerow(
            [d.isoformat(), "acme.outdoor", r, plays, likes, comments, shares, saves, posts, followers]
        )
    write("instagram_daily.csv", out.getvalue(), bom=True)


# ------------------------------------------------------------------------------------------
# meta_ads_nl.csv


def nl_number(x: float, decimals: int) -> str:
    """12345.6 -> '12.345,60' (Dutch locale)."""
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "\0").replace(".", ",").replace("\0", ".")


def ads() -> None:
    rng = random.Random(SEED + 2)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(
        [
            "Reporting starts",
            "Reporting ends",
            "Campaign name",
            "Amount spent (EUR)",
            "Impressions",
            "Link clicks",
        ]
    )
    for d in days(DATA_START, PULLED):
        if d <= date(2026, 11, 22):
            campaigns = [
                ("AO_NL_Awareness_Herfst_2026", (90, 160), (5.6, 6.9), "awareness"),
                ("AO_BE_Awareness_Herfst_2026", (50, 100), (5.4, 6.8), "awareness"),
            ]
        elif d <= date(2026, 12, 24):
            campaigns = [
                ("AO_NL_BlackFriday_Kerst_2026", (280, 460), (7.2, 9.4), "traffic"),
                ("AO_BE_BlackFriday_Kerst_2026", (140, 260), (7.0, 9.0), "traffic"),
            ]
        elif d <= date(2027, 1, 31):
            campaigns = [
                ("AO_NL_Winteropruiming_2027", (110, 180), (4.7, 6.1), "traffic"),
                ("AO_BE_Winteropruiming_2027", (60, 110), (4.8, 6.2), "traffic"),
            ]
        else:
            campaigns = [
                ("AO_NL_Opening_Utrecht", (120, 190), (4.7, 6.1), "awareness"),
                ("AO_BE_Opening_Gent", (90, 170), (4.8, 6.2), "awareness"),
            ]
        campaigns.append(("AO_NLBE_Retargeting_Catalogus", (30, 60), (4.9, 6.2), "retargeting"))
        stamp = d.strftime("%d-%m-%Y")
        for name, (lo, hi), (clo, chi), kind in campaigns:
            spend = rng.uniform(lo, hi)
            if d == date(2026, 11, 27) and "BlackFriday" in name:
                spend *= 3.4  # Black Friday itself
            if d == PULLED:
                spend *= rng.uniform(0.22, 0.32)  # until about 09:00
            spend = round(spend, 2)
            cpm = rng.uniform(clo, chi)
            impressions = round(spend / cpm * 1000)
            ctr = rng.uniform(0.012, 0.02) if kind == "retargeting" else rng.uniform(0.004, 0.009)
            clicks: str = nl_number(round(impressions * ctr), 0)
            if kind == "awareness" and rng.random() < 0.06:
                clicks = ""  # Ads Manager leaves the cell empty when there is no result
            w.writerow([stamp, stamp, name, nl_number(spend, 2), nl_number(impressions, 0), clicks])
    write("meta_ads_nl.csv", out.getvalue())


# ------------------------------------------------------------------------------------------
# leads.ndjson

LEAD_SERIES = [
    # (channel as the CRM writes it, client, campaign, share of leads)
    ("Instagram", "acme-nl", "lead-ads-nl", 0.40),
    ("Facebook", "acme-nl", "lead-ads-nl", 0.27),
    ("Facebook", "acme-be", "lead-ads-be", 0.21),
    ("LinkedIn", "acme-b2b", "team-outfitting", 0.12),
]


def leads() -> None:
    rng = random.Random(SEED + 3)
    per_day: dict[date, int] = {}
    for (year, month), total in DESIGN["leads"].items():
        first = date(year, month, 1)
        last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))
        last = min(last, DATA_END)
        ds = list(days(first, last))
        weights = [(1.2 if d.weekday() < 5 else 0.7) * rng.uniform(0.7, 1.3) for d in ds]
        for d, n in zip(ds, spread(total, weights)):
            per_day[d] = n
    lines = []
    for d in sorted(per_day):
        counts = [0] * len(LEAD_SERIES)
        shares = [s[3] if not (s[1] == "acme-b2b" and d.weekday() >= 5) else 0.0 for s in LEAD_SERIES]
        for _ in range(per_day[d]):
            counts[rng.choices(range(len(LEAD_SERIES)), weights=shares)[0]] += 1
        for (channel, client, campaign, _), n in zip(LEAD_SERIES, counts):
            if n:
                rec = {"date": d.isoformat(), "channel": channel, "client": client,
                       "campaign": campaign, "qualified_leads": n}
                lines.append(json.dumps(rec, ensure_ascii=False))
        if d == date(2027, 2, 17):
            # a lead still waiting for qualification: null is "no value", not 0
            rec = {"date": d.isoformat(), "channel": "Facebook", "client": "acme-be",
                   "campaign": "lead-ads-be", "qualified_leads": None}
            lines.append(json.dumps(rec))
    write("leads.ndjson", "\n".join(lines) + "\n")


# ------------------------------------------------------------------------------------------
# webcare.csv

WEBCARE = [
    # (network, received range, normal minutes per answer)
    ("Facebook", (18, 34), (8.0, 13.0)),
    ("Instagram", (12, 28), (9.0, 15.0)),
    ("WhatsApp", (8, 20), (4.0, 9.0)),
]


def webcare() -> None:
    rng = random.Random(SEED + 4)
    badge = list(days(date(2027, 3, 9), DATA_END))  # the 7-day window minus the as-of day
    rows = []
    for d in days(DATA_START, DATA_END):
        for network, (lo, hi), (mlo, mhi) in WEBCARE:
            received = rng.randint(lo, hi)
            if d.weekday() >= 5:
                received = round(received * 0.7)
            answered = received - rng.choice([0, 0, 0, 1, 1, 2])
            minutes = round(answered * rng.uniform(mlo, mhi))
            rows.append([d, network, received, answered, minutes])
    # The Gent store opened on Tuesday 9 March: Facebook questions pile up and replies slow
    # down. Steer the Facebook rows of the badge window to the designed totals.
    fb = [r for r in rows if r[1] == "Facebook" and r[0] in badge]
    recv = spread(DESIGN["badge_received"], [1.25, 1.15, 1.05, 1.0, 0.85, 0.8])
    miss = spread(DESIGN["badge_received"] - DESIGN["badge_answered"], [3, 3, 2, 2, 1, 1])
    total_minutes = round(DESIGN["badge_answered"] * DESIGN["badge_minutes_per_answer"])
    answered = [r - m for r, m in zip(recv, miss)]
    minutes = spread(total_minutes, [a * s for a, s in zip(answered, [1.1, 1.06, 1.0, 0.97, 0.95, 0.9])])
    for row, r, a, m in zip(fb, recv, answered, minutes):
        row[2:5] = [r, a, m]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Date", "Network", "messages_received", "messages_answered", "response_time"])
    for d, network, rec, ans, mins in rows:
        w.writerow([d.isoformat(), network, rec, ans, mins])
    w.writerow(["Period total", "", sum(r[2] for r in rows), sum(r[3] for r in rows), sum(r[4] for r in rows)])
    write("webcare.csv", out.getvalue())


# ------------------------------------------------------------------------------------------
# google_reviews.csv


def reviews() -> None:
    rng = random.Random(SEED + 5)
    per_day: dict[date, list[int]] = {}
    for d in days(DATA_START, REVIEWS_END):
        n = rng.choice([0, 0, 1, 1, 1, 1, 2, 2, 3])
        if d.weekday() >= 5:
            n += rng.choice([0, 1])
        if d < date(2027, 1, 1):
            weights = [0.08, 0.07, 0.10, 0.25, 0.50]  # mean 4.02: delivery complaints
        else:
            weights = [0.05, 0.04, 0.09, 0.27, 0.55]  # mean 4.23: the new stores help
        per_day[d] = [rng.choices([1, 2, 3, 4, 5], weights=weights)[0] for _ in range(n)]
    # Steer Q1 (2027-01-01 .. 2027-03-01) to the designed average, one star at a time.
    q1 = [d for d in per_day if d >= date(2027, 1, 1)]
    n = sum(len(per_day[d]) for d in q1)
    goal = round(DESIGN["rating_q1"] * n)
    while (s := sum(sum(per_day[d]) for d in q1)) != goal:
        d = rng.choice(q1)
        if not per_day[d]:
            continue
        i = rng.randrange(len(per_day[d]))
        step = 1 if s < goal else -1
        if 1 <= per_day[d][i] + step <= 5:
            per_day[d][i] += step
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Date", "Reviews", "Star total"])
    for d in sorted(per_day):
        w.writerow([d.isoformat(), len(per_day[d]), sum(per_day[d])])
    w.writerow(["Total", sum(len(v) for v in per_day.values()), sum(sum(v) for v in per_day.values())])
    write("google_reviews.csv", out.getvalue())


# ------------------------------------------------------------------------------------------
# mentions.csv

PAGE_TYPES = [
    # (Brandwatch page type, daily mentions range)
    ("instagram", (18, 42)),
    ("facebook", (9, 24)),
    ("twitter", (5, 15)),
]


def mentions() -> None:
    rng = random.Random(SEED + 6)
    rows = []
    for d in days(DATA_START, DATA_END):
        for page, (lo, hi) in PAGE_TYPES:
            total = rng.randint(lo, hi)
            if d < date(2027, 1, 1):
                pos_share, neg_share = rng.uniform(0.33, 0.43), rng.uniform(0.08, 0.14)
            else:
                # delivery delays of the winter sale: complaints up
                pos_share, neg_share = rng.uniform(0.31, 0.41), rng.uniform(0.12, 0.19)
            pos = round(total * pos_share)
            neg = round(total * neg_share)
            rows.append([d, page, total, pos, neg, total - pos - neg])
    # Steer the Q1 window (2027-01-01 .. 2027-03-14) to the designed ratio, moving mentions
    # between negative and neutral so the row totals stay.
    q1 = [r for r in rows if r[0] >= date(2027, 1, 1)]
    pos = sum(r[3] for r in q1)
    goal = round(pos / DESIGN["sentiment_q1"])
    while (neg := sum(r[4] for r in q1)) != goal:
        r = rng.choice(q1)
        if neg < goal and r[5] > 0:
            r[4] += 1
            r[5] -= 1
        elif neg > goal and r[4] > 0:
            r[4] -= 1
            r[5] += 1
    out = io.StringIO()
    out.write("Brandwatch Consumer Research - Mentions export\n")
    out.write("Query: Acme Outdoor (brand, NL + BE)\n")
    out.write("Date range: 2026-10-01 to 2027-03-14\n")
    out.write("Exported: 2027-03-15 07:02 CET\n")
    w = csv.writer(out, delimiter="\t", lineterminator="\n")
    w.writerow(["Date", "Page Type", "Mentions", "Positive", "Negative", "Neutral"])
    for d, page, total, p, n, u in rows:
        w.writerow([d.isoformat(), page, total, p, n, u])
    write("mentions.csv", out.getvalue())


# ------------------------------------------------------------------------------------------
# --expected: every goal's figures by hand, per docs/evaluation.md, from the written files


def ndays(a: date, b: date) -> int:
    return (b - a).days + 1


def nl_float(s: str) -> float:
    return float(s.replace(".", "").replace(",", "."))


def read_tables():
    t = {}
    with open(HERE / "instagram_daily.csv", encoding="utf-8-sig", newline="") as f:
        t["ig"] = [
            {"date": date.fromisoformat(r["Date"]), "reach": int(r["Accounts reached"]),
             "posts": int(r["Posts"]), "followers": int(r["Followers"])}
            for r in csv.DictReader(f)
        ]
    with open(HERE / "meta_ads_nl.csv", encoding="utf-8", newline="") as f:
        t["ads"] = []
        for r in csv.DictReader(f, delimiter=";"):
            dd, mm, yy = r["Reporting starts"].split("-")
            t["ads"].append({"date": date(int(yy), int(mm), int(dd)),
                             "spend": nl_float(r["Amount spent (EUR)"]),
                             "impressions": nl_float(r["Impressions"])})
    with open(HERE / "leads.ndjson", encoding="utf-8") as f:
        t["leads"] = [json.loads(line) for line in f if line.strip()]
        for r in t["leads"]:
            r["date"] = date.fromisoformat(r["date"])
    with open(HERE / "webcare.csv", encoding="utf-8", newline="") as f:
        t["webcare"] = [
            {"date": date.fromisoformat(r["Date"]), "platform": r["Network"].lower(),
             "received": int(r["messages_received"]), "answered": int(r["messages_answered"]),
             "minutes": float(r["response_time"])}
            for r in csv.DictReader(f) if r["Date"] != "Period total"
        ]
    with open(HERE / "google_reviews.csv", encoding="utf-8", newline="") as f:
        t["reviews"] = [
            {"date": date.fromisoformat(r["Date"]), "reviews": int(r["Reviews"]),
             "stars": int(r["Star total"])}
            for r in csv.DictReader(f) if r["Date"].lower() != "total"
        ]
    with open(HERE / "mentions.csv", encoding="utf-8", newline="") as f:
        lines = f.read().splitlines()[4:]
        t["mentions"] = [
            {"date": date.fromisoformat(r["Date"]), "pos": int(r["Positive"]),
             "neg": int(r["Negative"])}
            for r in csv.DictReader(lines, delimiter="\t")
        ]
    return t


def total(rows, key, a, b, where=lambda r: True):
    return sum(r[key] for r in rows if a <= r["date"] <= b and where(r) and r[key] is not None)


def status_at_least(projected, target, tol=0.10):
    if projected >= target:
        return "on_track"
    return "at_risk" if projected >= target - abs(target) * tol else "off_track"


def status_at_most(projected, target, tol=0.10):
    if projected <= target:
        return "on_track"
    return "at_risk" if projected <= target + abs(target) * tol else "off_track"


def weeks(a: date, b: date):
    """ISO-week buckets of [a, b], the first and last clipped."""
    s = a
    while s <= b:
        e = min(s + timedelta(days=6 - s.weekday()), b)
        yield s, e
        s = e + timedelta(days=1)


def months(a: date, b: date):
    s = a
    while s <= b:
        nxt = date(s.year + (s.month == 12), s.month % 12 + 1, 1)
        yield s, min(nxt - timedelta(days=1), b)
        s = nxt


def sum_goal(actual, start, deadline, o, target):
    """Pacing of an at-least goal on a sum metric (before its deadline)."""
    f = ndays(start, o) / ndays(start, deadline)
    projected = actual / f
    out = {"f": f"{ndays(start, o)}/{ndays(start, deadline)}", "actual": actual,
           "projected": round(projected, 4), "expected": round(target * f, 4),
           "progress": round(actual / target, 4)}
    if actual >= target:
        out["status"] = "achieved"
        return out
    rest = target - actual
    out["needed_per_day"] = round(rest / ndays(o + timedelta(days=1), deadline), 4)
    pace = actual / ndays(start, o)
    if pace > 0:
        out["eta"] = (o + timedelta(days=math.ceil(rest / pace))).isoformat()
    out["status"] = status_at_least(projected, target)
    return out


def expected() -> None:
    t = read_tables()
    D = AS_OF
    L = {k: max(r["date"] for r in rows) for k, rows in t.items()}
    print(f"as of {D}; data end per source: " + ", ".join(f"{k} {v}" for k, v in L.items()))
    res = {}

    # ig-organic-reach-q1: reach, 2027-Q1, increase 20% over 2026-Q4
    b = total(t["ig"], "reach", date(2026, 10, 1), date(2026, 12, 31))
    start, deadline = date(2027, 1, 1), date(2027, 3, 31)
    o = min(deadline, D, L["ig"])
    g = sum_goal(total(t["ig"], "reach", start, o), start, deadline, o, 1.2 * b)
    res["ig-organic-reach-q1"] = {"baseline": b, "target": 1.2 * b, "observed": f"{start}..{o}", **g}

    # leads-per-month: qualified_leads, 2027 by month, at least 300, pass current
    buckets = []
    for s, e in months(date(2027, 1, 1), date(2027, 12, 31)):
        if D < s:
            buckets.append((s.strftime("%Y-%m"), "pending"))
            continue
        o = min(e, D, L["leads"])
        actual = total(t["leads"], "qualified_leads", s, o)
        if D > e:
            buckets.append((s.strftime("%Y-%m"), actual, "achieved" if actual >= 300 else "missed"))
        else:
            current = {"bucket": f"{s}..{e}", "observed": f"{s}..{o}", **sum_goal(actual, s, e, o, 300)}
            buckets.append((s.strftime("%Y-%m"), actual, current["status"]))
    res["leads-per-month"] = {"current": current, "buckets": buckets[:4] + ["... pending"]}

    # cpm-ceiling: cpm = spend / impressions * 1000 per ISO week of 2027-Q1, at most 6.5, pass all
    rows = []
    for s, e in weeks(date(2027, 1, 1), date(2027, 3, 31)):
        if D < s:
            rows.append((f"{s}..{e}", "pending"))
            continue
        o = min(e, D, L["ads"])
        spend = total(t["ads"], "spend", s, o)
        imp = total(t["ads"], "impressions", s, o)
        cpm = spend / imp * 1000
        if D > e:
            st = "achieved" if cpm <= 6.5 else "missed"
        else:
            st = status_at_most(cpm, 6.5)
        rows.append((f"{s}..{o}", round(spend, 2), int(imp), round(cpm, 4), st))
    res["cpm-ceiling"] = rows

    # rating-up: avg_rating = rating_total / reviews, 2027-01-01 .. 2027-06-30, at least 4.4
    start, deadline = date(2027, 1, 1), date(2027, 6, 30)
    o = min(deadline, D, L["reviews"])
    n = total(t["reviews"], "reviews", start, o)
    s_ = total(t["reviews"], "stars", start, o)
    a = s_ / n
    res["rating-up"] = {"observed": f"{start}..{o}", "rating_total": s_, "reviews": n,
                        "actual": round(a, 4), "projected": round(a, 4),
                        "progress": round((a - 4.1) / (4.4 - 4.1), 4),
                        "status": status_at_least(a, 4.4),
                        "stale": L["reviews"] < D - timedelta(days=7)}

    # sentiment: positive / negative mentions, 2027-01-01 .. 2027-06-30, at least 3
    o = min(deadline, D, L["mentions"])
    p = total(t["mentions"], "pos", start, o)
    q = total(t["mentions"], "neg", start, o)
    res["sentiment"] = {"observed": f"{start}..{o}", "positive": p, "negative": q,
                        "actual": round(p / q, 4), "status": status_at_least(p / q, 3)}

    # badge members: rolling 7d on facebook: window [D-6, D]
    s, e = D - timedelta(days=6), D
    o = min(e, D, L["webcare"])
    fb = lambda r: r["platform"] == "facebook"
    rec = total(t["webcare"], "received", s, o, fb)
    ans = total(t["webcare"], "answered", s, o, fb)
    mins = total(t["webcare"], "minutes", s, o, fb)
    res["webcare-response-rate-7d"] = {"window": f"{s}..{e}", "observed": f"{s}..{o}",
                                       "answered": ans, "received": rec,
                                       "actual": round(ans / rec, 4),
                                       "status": status_at_least(ans / rec, 0.9)}
    res["webcare-response-time-7d"] = {"window": f"{s}..{e}", "observed": f"{s}..{o}",
                                       "response_time": mins, "answered": ans,
                                       "actual": round(mins / ans, 4),
                                       "status": status_at_most(mins / ans, 15)}

    # posts-per-week: posts per ISO week, 2027-01-04 .. 2027-06-27, at least 5
    rows = []
    for s, e in weeks(date(2027, 1, 4), date(2027, 6, 27)):
        if D < s:
            continue
        o = min(e, D, L["ig"])
        actual = total(t["ig"], "posts", s, o)
        if D > e:
            rows.append((f"{s}..{e}", actual, "achieved" if actual >= 5 else "missed"))
        else:
            rows.append({"bucket": f"{s}..{e}", "observed": f"{s}..{o}", **sum_goal(actual, s, e, o, 5)})
    res["posts-per-week"] = rows

    # ig-followers-20k: followers (last), since data start, deadline 2027-02-28, at least 20000
    start, deadline = min(r["date"] for r in t["ig"]), date(2027, 2, 28)
    last = max((r for r in t["ig"] if start <= r["date"] <= deadline), key=lambda r: r["date"])
    res["ig-followers-20k"] = {"window": f"{start}..{deadline}", "last_day": str(last["date"]),
                               "actual": last["followers"],
                               "status": "achieved" if last["followers"] >= 20000 else "missed"}

    for k, v in res.items():
        print(f"\n{k}:")
        if isinstance(v, list):
            for row in v:
                print("  ", row)
        else:
            for kk, vv in v.items():
                print(f"   {kk}: {vv}")


def main() -> None:
    instagram()
    ads()
    leads()
    webcare()
    reviews()
    mentions()
    if "--expected" in sys.argv[1:]:
        expected()


if __name__ == "__main__":
    main()
