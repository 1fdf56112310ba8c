#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The grid benchmark: boot-to-verdict throughput and controller overhead.

1. Throughput: smoke jobs (debian-6.1-amd64) at 1, 2, 4 and 8 parallel
   guests on the local host; jobs per minute = jobs / wall time of the whole
   `stapgrid run` (process start to exit).
2. Overhead: one smoke job through `stapgrid run` against the same domain
   XML started with bare `virsh create` and waited for with `virsh event`,
   alternating, median of several rounds each.  Both talk to the same
   libvirtd: run this under `stapgrid with-libvirt` (bench.sh does).

Writes results/bench/grid-throughput.json (with the "chart" the site
draws: jobs per minute by parallel guests) and grid-overhead.json for the
site's benchmark page (BENCH_RESULTS instead of results/bench when set),
copies of them into BENCH_DIR when set (the run's folder,
perf-bench/record.sh), and prints a summary.
The figures are measured, never assumed: each run reports its own.
"""
import json
import os
import pwd
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STAPGRID = os.path.join(TOP, "build", "bin", "stapgrid")
KERNEL = "debian-6.1-amd64"
LEVELS = [1, 2, 4, 8]
ROUNDS = int(os.environ.get("GRID_BENCH_ROUNDS", "5"))
OUT = os.environ.get("BENCH_RESULTS") or os.path.join(TOP, "results", "bench")
KEEP = os.environ.get("BENCH_DIR")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kw)


def keep_failed(results):
    """A failed run's evidence into KEEP (the work folder goes): its
    run.json and grid.sum, and each job that did not pass: job.json and its
    console log."""
    if not KEEP or not os.path.isdir(os.path.join(results, "runs")):
        return
    for rid in os.listdir(os.path.join(results, "runs")):
        src = os.path.join(results, "runs", rid)
        dst = os.path.join(KEEP, "failed-" + rid)
        os.makedirs(dst, exist_ok=True)
        for name in ("run.json", "grid.sum"):
            if os.path.exists(os.path.join(src, name)):
                shutil.copy(os.path.join(src, name), dst)
        try:
            with open(os.path.join(src, "run.json")) as f:
                jobs = json.load(f)["jobs"]
        except (OSError, ValueError, KeyError):
            continue
        for j in jobs:
            if j.get("verdict") == "pass":
                continue
            jd = os.path.join(src, j.get("dir") or os.path.join("jobs", j["id"]))
            out = os.path.join(dst, "jobs", j["id"])
            os.makedirs(out, exist_ok=True)
            for name in ("job.json", "console.log", "job.out", "results.txt"):
                if os.path.exists(os.path.join(jd, name)):
                    shutil.copy(os.path.join(jd, name), out)
        print("bench: the failed run's jobs kept in %s" % dst, flush=True)


def stapgrid_run(work, parallel, repeat):
    """One `stapgrid run`; returns (wall seconds, run.json)."""
    hosts = os.path.join(work, "hosts-%d.conf" % parallel)
    with open(hosts, "w") as f:
        f.write("local qemu:///system %d accel=tcg\n" % parallel)
    results = tempfile.mkdtemp(prefix="results-", dir=work)
    cmd = [STAPGRID, "--results", results, "run", "--kernels", KERNEL, "--suite", "smoke",
           "--hosts", hosts, "--jobs", str(parallel), "--no-publish"]
    if repeat > 1:
        cmd += ["--repeat", str(repeat)]
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        keep_failed(results)
        sys.exit("bench: stapgrid run failed:\n" + p.stdout)
    runs = os.listdir(os.path.join(results, "runs"))
    with open(os.path.join(results, "runs", runs[0], "run.json")) as f:
        rj = json.load(f)
    rj["_dir"] = os.path.join(results, "runs", runs[0])
    return wall, rj


def throughput(work):
    rows = []
    for n in LEVELS:
        jobs = max(8, 2 * n)
        wall, rj = stapgrid_run(work, n, jobs)
        assert all(j["verdict"] == "pass" for j in rj["jobs"]), "a smoke job did not pass"
        durations = [j["duration"] for j in rj["jobs"]]
        rows.append([n, jobs, round(wall, 1), round(60.0 * jobs / wall, 1),
                     round(statistics.median(durations), 1)])
        print("bench: %d parallel: %d jobs in %.1f s = %.1f jobs/min (median job %.1f s)"
              % (n, jobs, wall, 60.0 * jobs / wall, statistics.median(durations)), flush=True)
    return rows


def virsh_job(work, xml_template, share_src, i):
    """The same guest through bare virsh: a fresh share, create, wait."""
    d = os.path.join(work, "virsh-%d" % i)
    share = os.path.join(d, "share")
    os.makedirs(share)
    for name in os.listdir(share_src):
        shutil.copy(os.path.join(share_src, name), share)
    q = pwd.getpwnam("libvirt-qemu")
    os.chown(share, q.pw_uid, q.pw_gid)
    name = "stapgrid-bench-virsh-%d-%d" % (os.getpid(), i)
    xml = re.sub(r"<name>[^<]*</name>", "<name>%s</name>" % name, xml_template)
    xml = re.sub(r"(<filesystem type='mount' accessmode='mapped'[^>]*>\s*<source dir=')[^']*'",
                 r"\g<1>%s'" % share, xml)
    xml = re.sub(r"<source path='[^']*'/>", "<source path='%s'/>" % os.path.join(d, "console.log"), xml)
    xp = os.path.join(d, "domain.xml")
    with open(xp, "w") as f:
        f.write(xml)
    t0 = time.monotonic()
    run(["virsh", "-q", "-c", "qemu:///system", "create", xp])
    # The first lifecycle event after creation that stops it, or the domain
    # already gone.
    while True:
        p = subprocess.run(["virsh", "-c", "qemu:///system", "event", "--domain", name,
                            "--event", "lifecycle", "--timeout", "120"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0 or "Stopped" in p.stdout:
            break
    wall = time.monotonic() - t0
    with open(os.path.join(share, "results.txt")) as f:
        lines = [l.split() for l in f if l.strip()]
    assert len(lines) == 3 and all(l[1] == "0" for l in lines), "the virsh guest's tests failed"
    return wall


def overhead(work):
    # One stapgrid job first: its domain.xml and share inputs are the peer's.
    _, rj = stapgrid_run(work, 1, 1)
    job = os.path.join(rj["_dir"], rj["jobs"][0]["dir"])
    with open(os.path.join(job, "domain.xml")) as f:
        xml = f.read()
    share_src = os.path.join(work, "share-inputs")
    os.makedirs(share_src)
    suite = os.path.join(TOP, "grid", "suites", "smoke")
    for name in os.listdir(suite):
        shutil.copy(os.path.join(suite, name), share_src)
    shutil.copy(os.path.join(job, "job.sh"), share_src)
    sg, vs = [], []
    for i in range(ROUNDS):
        wall, rj = stapgrid_run(work, 1, 1)
        assert rj["jobs"][0]["verdict"] == "pass"
        sg.append(wall)
        vs.append(virsh_job(work, xml, share_src, i))
        print("bench: round %d: stapgrid %.2f s, virsh %.2f s" % (i + 1, sg[-1], vs[-1]), flush=True)
    msg, mvs = statistics.median(sg), statistics.median(vs)
    return msg, mvs, sg, vs


def main():
    if not os.access(STAPGRID, os.X_OK):
        sys.exit("bench: build stapgrid first (make)")
    run([STAPGRID, "prepare", "--kernels", KERNEL])
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="stapgrid-bench-", dir="/var/tmp")
    os.chmod(work, 0o755)
    try:
        rows = throughput(work)
        msg, mvs, sg, vs = overhead(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpu = os.cpu_count()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with open(os.path.join(OUT, "grid-throughput.json"), "w") as f:
        json.dump({"title": "Grid throughput: smoke jobs on %s" % KERNEL,
                   "note": "Measured %s on %d cores, QEMU TCG; wall time of the whole stapgrid run. "
                           "Target: at least 15 jobs per minute on 2 cores." % (when, cpu),
                   "columns": ["parallel guests", "jobs", "wall s", "jobs/min", "median job s"],
                   "rows": rows,
                   "chart": {"title": "smoke jobs per minute by parallel guests",
                             "label": 0, "value": 3}}, f, indent=2)
    ratio = msg / mvs
    with open(os.path.join(OUT, "grid-overhead.json"), "w") as f:
        json.dump({"title": "Controller overhead: stapgrid run vs bare virsh create",
                   "note": "Measured %s; one smoke job, same domain XML and share, same libvirtd, "
                           "median of %d alternating rounds. Target: within 10%%." % (when, ROUNDS),
                   "columns": ["peer", "median s", "rounds s", "ratio to virsh"],
                   "rows": [["stapgrid run", round(msg, 2), " ".join("%.2f" % x for x in sg), round(ratio, 3)],
                            ["virsh create + event", round(mvs, 2), " ".join("%.2f" % x for x in vs), 1.0]]},
                  f, indent=2)
    # The plot an older bench.py wrote: the site draws the chart now.
    if os.path.exists(os.path.join(OUT, "grid-throughput.svg")):
        os.remove(os.path.join(OUT, "grid-throughput.svg"))
    if KEEP:
        for name in ("grid-throughput.json", "grid-overhead.json"):
            shutil.copy(os.path.join(OUT, name), KEEP)
    print("bench: overhead: stapgrid %.2f s vs virsh %.2f s: %+.1f%%" % (msg, mvs, 100 * (ratio - 1)))
    best = max(r[3] for r in rows)
    print("bench: best throughput %.1f jobs/min (target >= 15): %s" % (best, "met" if best >= 15 else "NOT met"))
    print("bench: overhead %+.1f%% (target <= 10%%): %s" % (100 * (ratio - 1), "met" if ratio <= 1.10 else "NOT met"))
    print("bench: tables in %s; `stapgrid publish` shows them and the chart" % OUT)


if __name__ == "__main__":
    main()
