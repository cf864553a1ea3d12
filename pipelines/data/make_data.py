#!/usr/bin/env python3
"""Writes the small, deterministic input files of the example pipelines.
Run from this folder: python3 make_data.py (the outputs are checked in)."""
import json
import random
from datetime import datetime, timedelta, timezone

rng = random.Random(7)
t0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


# clicks.jsonl: page views by users, in time order, with one malformed line.
pages = ["/home", "/search", "/product/1", "/product/2", "/cart", "/checkout"]
weights = [30, 20, 15, 10, 8, 4]
users = [f"u{i}" for i in range(1, 9)]
with open("clicks.jsonl", "w") as f:
    t = t0
    for i in range(600):
        t += timedelta(milliseconds=rng.randint(50, 900))
        if i in (100, 101):  # a pause long enough to close every session
            t += timedelta(minutes=2)
        rec = {"ts": iso(t), "user": rng.choice(users),
               "page": rng.choices(pages, weights)[0]}
        f.write(json.dumps(rec) + "\n")
        if i == 250:
            f.write('{"ts": "2026-01-01T12:03:00.000Z", "user": "u1", "page": \n')

# sensors.jsonl: readings every second from three sensors, some out of order
# (up to 8 s) and a few very late (a minute behind).
with open("sensors.jsonl", "w") as f:
    rows = []
    for s in range(300):
        t = t0 + timedelta(seconds=s)
        for sensor in ("s1", "s2", "s3"):
            temp = round(20 + 5 * rng.random() + (2 if sensor == "s2" else 0), 2)
            rows.append([t, sensor, temp])
    out = []
    for i, (t, sensor, temp) in enumerate(rows):
        delay = 0
        if i % 17 == 0:
            delay = rng.randint(1, 8)        # out of order, within the bound
        if i in (400, 555, 700):
            delay = 70                        # late: beyond the bound
        out.append((i + delay * 3, t, sensor, temp))
    out.sort(key=lambda r: r[0])
    for _, t, sensor, temp in out:
        f.write(json.dumps({"ts": iso(t), "sensor": sensor, "temp": temp}) + "\n")

# payments.csv: card payments; a few large or foreign ones are suspicious.
with open("payments.csv", "w") as f:
    f.write("ts,payment_id,card,amount,country,home_country\n")
    t = t0
    for i in range(400):
        t += timedelta(seconds=rng.randint(1, 20))
        card = f"c{rng.randint(1, 40):03d}"
        home = "DE" if int(card[1:]) % 3 else "FR"
        amount = round(rng.lognormvariate(3.5, 1.0), 2)
        country = home if rng.random() > 0.05 else rng.choice(["US", "BR", "NG", "DE", "FR"])
        f.write(f"{iso(t)},p{i:04d},{card},{amount},{country},{home}\n")

# changes.jsonl: a stream of inventory changes; the last one per item wins.
with open("changes.jsonl", "w") as f:
    t = t0
    for i in range(500):
        t += timedelta(milliseconds=rng.randint(10, 500))
        item = f"item-{rng.randint(1, 25):02d}"
        f.write(json.dumps({"ts": iso(t), "item": item, "stock": rng.randint(0, 200),
                            "price": round(rng.uniform(1, 100), 2)}) + "\n")

# server_rooms.jsonl: a temperature reading every 5 s from four server rooms
# for 30 minutes. r2 overheats from minute 8 to minute 20 (an incident that
# fires, repeats and resolves); r4 spikes for 20 s at minute 15 (too short
# to fire). Its own generator, so the files above stay as they are.
room_rng = random.Random(11)
with open("server_rooms.jsonl", "w") as f:
    for step in range(360):
        t = t0 + timedelta(seconds=5 * step)
        minute = step * 5 / 60
        for room in ("r1", "r2", "r3", "r4"):
            temp = 21 + 3 * room_rng.random()
            if room == "r2" and 8 <= minute < 20:
                temp += 9 + min(4, minute - 8)
            if room == "r4" and 15 <= minute < 15 + 20 / 60:
                temp += 12
            f.write(json.dumps({"ts": iso(t), "room": room, "temp": round(temp, 1)}) + "\n")
