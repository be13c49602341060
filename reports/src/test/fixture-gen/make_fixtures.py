#!/usr/bin/env python3
"""Regenerates the fixture run directories under reports/src/test/resources/fixtures/.

Deterministic (fixed seed). The numbers are plausible, not measured: throughput follows a USL curve capped by the
offered rate, latency grows with utilisation, Little's law holds within a few percent. Run from the repository root:
    python3 reports/src/test/fixture-gen/make_fixtures.py
"""
import json, math, os, random, shutil

ROOT = os.path.join(os.path.dirname(__file__), '..', 'resources', 'fixtures')


def usl(s, k, l, n):
    return l * n / (1 + s * (n - 1) + k * n * (n - 1))


def erlang_c(c, lam, mu):
    a = lam / mu
    rho = a / c
    if rho >= 1:
        return None
    term = sum(a ** i / math.factorial(i) for i in range(c))
    top = a ** c / math.factorial(c) / (1 - rho)
    pw = top / (term + top)
    wq_mean = pw / (c * mu - lam)
    mean = wq_mean + 1 / mu
    # p99 of response: waiting tail P(Wq > t) = pw e^{-(c mu - lam) t}; add mean service (approximation)
    t = 0.0 if pw <= 0.01 else math.log(pw / 0.01) / (c * mu - lam)
    return {"c": c, "lambda": round(lam, 3), "mu": mu, "mean_ms": round(mean * 1000, 4),
            "p99_ms": round((t + 4.6 / mu) * 1000, 4), "wait_probability": round(pw, 5)}


def lat(mean):
    return {"count": 0, "mean": round(mean, 3), "p50": round(mean * 0.8, 3), "p90": round(mean * 1.7, 3),
            "p99": round(mean * 3.2, 3), "p999": round(mean * 5.5, 3), "max": round(mean * 9.0, 3)}


def point(rng, run, design, width, rep, cap, offered_rate, svc_ms, measure_s=10.0, slo_ms=50.0, status="ok",
          error=None, fell_behind=False, fanout=None, erlang=None, fault=None):
    pid = f"{design}-w{width}-r{rep}"
    noise = 1 + rng.uniform(-0.02, 0.02)
    rho = min(offered_rate / cap, 0.995)
    overloaded = offered_rate > cap
    tput = min(offered_rate, cap) * noise
    if fell_behind:
        tput *= 0.8
    base = svc_ms * (1 + 0.5 * rho / (1 - rho)) if not overloaded else 60 + 40 * (offered_rate / cap)
    resp = lat(base)
    service = lat(svc_ms * (1 + 0.1 * rho))
    offered = int(offered_rate * measure_s * (0.8 if fell_behind else 1.0))
    completed = min(int(tput * measure_s), offered)
    shed = max(0, offered - completed - 3) if overloaded else 0
    failed = 2 if design == "executor" else 0
    timed_out = max(0, offered - completed - shed - failed) if overloaded else 0
    failed = min(failed, offered - completed - shed - timed_out) if overloaded else failed
    if not overloaded:
        timed_out = 0
        failed = 0
        offered = completed
    for l in (resp, service):
        l["count"] = completed
    W = resp["mean"] / 1000
    L = tput * W * (1 + rng.uniform(-0.03, 0.03))
    stages = [
        {"name": "split", "width": 1, "service_ms": lat(0.02), "queue_ms": lat(0.01), "utilisation": round(min(tput / 40000, 1), 4)},
        {"name": "work", "width": width, "service_ms": lat(svc_ms), "queue_ms": lat(max(base - svc_ms, 0.01)),
         "utilisation": round(rho, 4)},
        {"name": "merge", "width": 1, "service_ms": lat(0.05), "queue_ms": lat(0.02), "utilisation": round(min(tput / 25000, 1), 4)},
    ]
    p99 = resp["p99"]
    err_ratio = (failed + timed_out) / offered if offered else 0
    slos = [
        {"name": f"p99 response <= {int(slo_ms)}ms", "kind": "latency", "limit": slo_ms, "actual": p99, "unit": "ms",
         "pass": p99 <= slo_ms, "margin": round((slo_ms - p99) / slo_ms, 4)},
        {"name": "error rate <= 1%", "kind": "error_rate", "limit": 0.01, "actual": round(err_ratio, 5), "unit": "ratio",
         "pass": err_ratio <= 0.01, "margin": round((0.01 - err_ratio) / 0.01, 4)},
        {"name": "nothing lost", "kind": "nothing_lost", "limit": None, "actual": None, "unit": None, "pass": True, "margin": None},
    ]
    rec = {"id": pid, "design": design, "width": width, "repeat": rep, "status": status, "error": error,
           "measure_s": measure_s, "offered": offered, "completed": completed, "failed": failed, "shed": shed,
           "timed_out": timed_out, "cancelled": 0, "dead_lettered": 0, "throughput": round(tput, 2),
           "intended_rate": offered_rate, "achieved_rate": round(offered / measure_s, 2),
           "response_ms": resp, "service_ms": service,
           "request_ms": (lambda m: dict(m, count=completed // fanout))(lat(base * 1.9)) if fanout else None,
           "stages": stages,
           "little": {"L": round(L, 4), "lambda": round(tput, 3), "W_s": round(W, 6), "L_computed": round(tput * W, 4),
                      "rel_error": round(abs(L - tput * W) / L, 5)},
           "conservation_ok": True, "leaked_threads": 0, "cancel_ms": round(0.4 + 0.05 * width, 3),
           "generator": {"lag_p99_us": 4200 if fell_behind else 35, "lag_max_us": 91000 if fell_behind else 140,
                         "missed_starts": 812 if fell_behind else 0, "fell_behind": fell_behind},
           "valid": not fell_behind, "warnings": ["load generator fell behind: missed 812 intended starts"] if fell_behind else [],
           "slos": slos, "erlang_c": erlang_c(width, offered_rate, 1000 / svc_ms) if erlang else None,
           "counters": {"retries": int(timed_out * 0.3), "hedges": int(completed * 0.01) if design == "engine" else 0,
                        "hedges_won": int(completed * 0.004) if design == "engine" else 0}}
    rows = []
    for t in range(int(measure_s)):
        f = fault and fault[0] <= t < fault[1]
        x = tput * (1 + rng.uniform(-0.05, 0.05)) * (0.6 if f else 1)
        rows.append({"t_s": float(t + 1), "throughput": round(x, 1), "offered": round(offered / measure_s, 1),
                     "p50_ms": round(resp["p50"] * (3 if f else 1) * (1 + rng.uniform(-0.05, 0.05)), 3),
                     "p99_ms": round(p99 * (4 if f else 1) * (1 + rng.uniform(-0.08, 0.08)), 3),
                     "max_ms": round(resp["max"] * (4 if f else 1), 3),
                     "queue_depth": int((L * (3 if f else 1)) * 0.4), "inflight": int(L * (3 if f else 1)),
                     "limit": width * 4 if design == "engine" else -1,
                     "errors": (int(x * 0.02) if f else 0) + failed // 10, "shed": shed // 10, "timeouts": timed_out // 10,
                     "retries": (int(x * 0.01) if f else 0), "hedges": int(x * 0.01) if design == "engine" else 0})
    return rec, {"interval_s": 1.0, "rows": rows}


def write_run(name, scenario, points, events, finished, load, missing_dirs=(), truncate_events=False,
              description="", slo_specs=("p99 response <= 50ms", "error rate <= 1%", "nothing lost")):
    d = os.path.join(ROOT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "points"))
    env = {"format_version": 1, "fanlab_version": "0.1.0-SNAPSHOT",
           "jdk": {"version": "25+36-LTS", "vendor": "Eclipse Adoptium", "home": "/usr/lib/jvm/temurin-25-jdk-amd64"},
           "jvm_flags": ["-Xmx1g", "-XX:+UseG1GC"], "cores": 2, "os": "Linux 6.1.0 amd64", "git_revision": "48f01c8",
           "hostname": "bench-1", "command": f"scripts/fanlab run scenarios/{scenario}.yaml",
           "started_at": "2026-11-29T21:00:00Z"}
    with open(os.path.join(d, "environment.json"), "w") as f:
        json.dump(env, f, indent=2)
    with open(os.path.join(d, "scenario.resolved.yaml"), "w") as f:
        f.write(f"name: {scenario}\nload:\n  model: {load['model']}\n  rate: {load['offered_rate']}/s\n")
    for rec, iv in points:
        if rec["id"] in missing_dirs:
            continue
        pd = os.path.join(d, "points", rec["id"])
        os.makedirs(pd)
        with open(os.path.join(pd, "point.json"), "w") as f:
            json.dump(rec, f, indent=2)
        with open(os.path.join(pd, "intervals.json"), "w") as f:
            json.dump(iv, f)
    res = {"format_version": 1, "run_id": name, "scenario": scenario, "description": description,
           "started_at": "2026-11-29T21:00:00Z", "finished": finished, "load": load, "slo_specs": list(slo_specs),
           "points": [p[0] for p in points]}
    with open(os.path.join(d, "results.json"), "w") as f:
        json.dump(res, f, indent=2)
    with open(os.path.join(d, "events.jsonl"), "w") as f:
        for i, e in enumerate(events):
            line = json.dumps(e)
            if truncate_events and i == len(events) - 1:
                line = line[: len(line) // 2]
            f.write(line + "\n")


def ev(t, typ, point=None, **kw):
    e = {"t_s": round(t, 3), "wall": "2026-11-29T21:00:00Z", "type": typ, "point": point}
    e.update(kw)
    return e


def sweep_events(points, fault_point=None, fault=None, end=True):
    evs = [ev(0, "run_start")]
    t = 0.5
    for rec, _ in points:
        pid = rec["id"]
        evs.append(ev(t, "point_start", pid))
        evs.append(ev(t, "phase", pid, name="warmup", point_t_s=0.0))
        evs.append(ev(t + 0.0, "phase", pid, name="measure", point_t_s=0.0))
        if pid == fault_point:
            evs.append(ev(t + fault[0], "fault_start", pid, fault="latency", stage="work", detail="+20ms on 50% of items",
                          point_t_s=fault[0]))
            evs.append(ev(t + fault[1], "fault_stop", pid, fault="latency", stage="work", detail="+20ms on 50% of items",
                          point_t_s=fault[1]))
        evs.append(ev(t + rec["measure_s"], "phase", pid, name="drain", point_t_s=rec["measure_s"]))
        evs.append(ev(t + rec["measure_s"] + 0.2, "point_end", pid, status=rec["status"]))
        t += rec["measure_s"] + 0.5
    if end:
        evs.append(ev(t, "run_end"))
    return evs


def complete():
    rng = random.Random(42)
    pts = []
    for rep in (0, 1):
        for design, (s, k, l, svc) in (("engine", (0.05, 0.001, 1000, 1.0)), ("executor", (0.08, 0.003, 900, 1.1))):
            for w in (1, 2, 4, 8, 16, 32):
                cap = usl(s, k, l, w)
                pts.append(point(rng, "complete", design, w, rep, cap, 5000, svc, fanout=4 if design == "engine" else None,
                                 erlang=True, fault=(4, 6) if (design == "engine" and w == 16 and rep == 0) else None))
    # run order: rep 0 of both designs, then rep 1
    write_run("complete-sweep", "fanout-sweep", pts, sweep_events(pts, "engine-w16-r0", (4, 6)), True,
              {"model": "open", "offered_rate": 5000, "fanout": 4},
              description="engine vs executor, widths 1..32, two repeats, open load 5000/s")


def partial():
    rng = random.Random(7)
    pts = []
    for w in (1, 2, 4):
        pts.append(point(rng, "partial", "engine", w, 0, usl(0.05, 0.001, 1000, w), 3000, 1.0))
    evs = sweep_events(pts, end=False)
    evs.append(ev(40, "point_start", "engine-w8-r0"))
    evs.append(ev(40.1, "phase", "engine-w8-r0", name="warmup", point_t_s=0.0))
    write_run("partial-run", "killed-sweep", pts, evs, False, {"model": "open", "offered_rate": 3000, "fanout": 1},
              missing_dirs=("engine-w4-r0",), truncate_events=True, description="killed half-way (kill -9 during w=8)")


def failed():
    rng = random.Random(3)
    pts = []
    for w in (2, 4, 8, 16):
        cap = usl(0.1, 0.004, 800, w)
        kw = {}
        if w == 4:
            kw = {"status": "failed", "error": "stage 'work' threw java.lang.IllegalStateException: <boom> & \"quoted\""}
        if w == 8:
            kw = {"fell_behind": True}
        if w == 16:
            kw = {"status": "crashed", "error": "worker died: java.lang.OutOfMemoryError: Java heap space"}
        pts.append(point(rng, "failed", "pool", w, 0, cap, 2500, 2.0, slo_ms=20, **kw))
        if w == 2:
            pts[-1][0]["warnings"] = ["stage name <img src=x onerror=alert(1)> & friends: HTML must be escaped"]
    write_run("failed-slos", "tight-slo", pts, sweep_events(pts), True, {"model": "closed", "offered_rate": None, "fanout": 1},
              description="tight SLOs; a failed, an invalid and a crashed point <script>alert('x')</script>",
              slo_specs=("p99 response <= 20ms", "error rate <= 1%", "nothing lost"))


if __name__ == "__main__":
    complete()
    partial()
    failed()
