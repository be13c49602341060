#!/usr/bin/env python3
"""Writes incident.csv, the sample incident that incident-replay.yaml replays (deterministic: seeded).

What the "recording" holds (times in seconds since the trace start):
  0-4 s    about 100 requests/s (Poisson), downstream healthy (latency ~3 ms, all 200)
  4 s      load step: about 300 requests/s from here on
  6-8 s    downstream slowdown: recorded latencies about 5x + 5 ms
  9-10 s   503 burst: about 40% of requests answered 503
  12 s     end of the recording
Keys are user ids (u0..u49, a few users much busier than the rest), so the replay maps them to keys 0..49 by
first appearance. Usage: python3 make-incident.py > incident.csv
"""
import random

rng = random.Random(20261130)
END, STEP_AT = 12.0, 4.0
SLOW = (6.0, 8.0)
BURST = (9.0, 10.0)
users = [f"u{i}" for i in range(50)]
weights = [1.0 / (i + 1) for i in range(50)]

print("# sample incident for scenarios/incidents/incident-replay.yaml; written by make-incident.py")
print("t,key,latency_ms,outcome")
t = 0.0
while True:
    t += rng.expovariate(100.0 if t < STEP_AT else 300.0)
    if t >= END:
        break
    latency = rng.lognormvariate(1.1, 0.35)  # median ~3 ms
    if SLOW[0] <= t < SLOW[1]:
        latency = latency * 5 + 5
    status = 503 if BURST[0] <= t < BURST[1] and rng.random() < 0.4 else 200
    if status == 503:
        latency = rng.uniform(0.2, 0.6)
    print(f"{t:.6f},{rng.choices(users, weights)[0]},{latency:.3f},{status}")
