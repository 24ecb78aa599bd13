"""`make bench`, CPU per request: Newsroom's pages and static file against a
bare gunicorn + whitenoise app serving the same file.

Three servers side by side on loopback ports, each gunicorn with
newsroom/gunicorn.conf.py as bench/run.py starts it (two sync workers, the
app preloaded, access log on): the bare app (bench/bare_static.py: whitenoise
in front of a WSGI callable, no Django), Newsroom with its page cache and
Newsroom without it (NEWSROOM_PAGE_CACHE_SECONDS=0), on BENCH_PORT and the
two ports after it. A case is wrk (bench/run.py's connections) on one of
them; its CPU per request is the CPU time (user + system, from
/proc/<pid>/stat) that server's workers spent, over the requests wrk completed:

    bare static     the story HTML as a static file, bare app
    static          the same file through Newsroom (whitenoise's middleware)
    cached story    the story page, a page cache hit
    cached home     the home page, a page cache hit
    uncached story  the story page, rendered

A round gives each case BENCH_SECONDS one-second turns, the cases taking
turns, so that the load other work puts on the machine, which changes from
second to second, falls on every case alike; BENCH_RUNS rounds, and the
medians reported. Each ratio is the median of the ratios within a round, and
their spread says how much of a difference is noise.

Checked against the issue's targets: the static file within 1.2× the bare
app's CPU; the uncached story page at least 4× below the Wagtail 8 peer. That
peer is not run here: its 28–35 ms per story page is the issue's measurement
on this machine, so the limit is a quarter of its lower end.

Run alone, seeding (or reusing) the bench database as bench/run.py does:
``BENCH_STORIES=2000 .venv/bin/python bench/cpu.py``. Environment: bench/run.py's
BENCH_STORIES, BENCH_RUNS, BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_PORT (this
one and the next two), BENCH_REDIS.
"""

import os
import shutil
import statistics
import sys
from contextlib import ExitStack

# bench/run.py sits beside this file (sys.path[0] when run as a script); its
# module level only reads the environment, so importing it starts nothing.
from run import (
    PORT,
    RESULTS,
    RUNS,
    SECONDS,
    STATIC_PATH,
    WARM_UP_SECONDS,
    Server,
    bench_database_url,
    prepare,
    probe,
    report_header,
    server_env,
    write_report,
    write_static_story,
    wrk,
)

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
# One case's turn within a round. wrk stops with requests in the workers'
# hands, whose CPU is counted but not the requests: about one request's worth
# a turn, 1–2 % of an uncached story page's turn; a shorter turn, more.
SLICE_SECONDS = 1
BARE_APP = "bare_static:application"
STATIC_LIMIT = 1.2
WAGTAIL_STORY_MS = (28.0, 35.0)
WAGTAIL_FACTOR = 4
STORY_LIMIT_MS = WAGTAIL_STORY_MS[0] / WAGTAIL_FACTOR


def cases(urls: dict) -> dict[str, tuple[str, str]]:
    """Each case's server and path, in the order of a round."""
    return {
        "bare static": ("bare", STATIC_PATH),
        "static": ("cached", STATIC_PATH),
        "cached story": ("cached", urls["story"]),
        "cached home": ("cached", urls["home"]),
        "uncached story": ("uncached", urls["story"]),
    }


def cpu_run(server: Server, path: str) -> dict:
    """A wrk run of ``path`` for a slice, with the CPU its workers spent."""
    before = server.worker_cpu_ticks()
    result = wrk(path, seconds=SLICE_SECONDS, port=server.port)
    after = server.worker_cpu_ticks()
    if after.keys() != before.keys():
        sys.exit(f"A worker was replaced during the run of {path}: see server.log")
    ticks = sum(after[pid] - before[pid] for pid in after)
    return {**result, "cpu_seconds": ticks / TICKS_PER_SECOND}


def round_total(slices: list[dict]) -> dict:
    requests = sum(run["requests"] for run in slices)
    cpu_seconds = sum(run["cpu_seconds"] for run in slices)
    return {
        "requests": requests,
        "rps": requests / (SLICE_SECONDS * len(slices)),
        "cpu_us": cpu_seconds / requests * 1e6,
        "errors": sum(run["errors"] for run in slices),
    }


def duration(microseconds: float) -> str:
    if microseconds >= 10_000:
        return f"{microseconds / 1000:.1f} ms"
    return f"{microseconds:.0f} µs"


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def measure(database_url: str, urls: dict) -> dict:
    """``RUNS`` rounds of every case, the medians, ratios and targets."""
    envs = {
        "cached": server_env(database_url, page_cache_seconds=600),
        "bare": server_env(database_url, page_cache_seconds=600),
        "uncached": server_env(database_url, page_cache_seconds=0),
    }
    for offset, name in enumerate(envs):
        envs[name]["PORT"] = str(PORT + offset)
    plan = cases(urls)
    runs = {name: [] for name in plan}
    print(f"CPU per request ({RUNS} rounds):", flush=True)
    with ExitStack() as stack:
        servers = {
            name: stack.enter_context(
                Server(env, app=BARE_APP if name == "bare" else None)
            )
            for name, env in envs.items()
        }
        for server_name, path in plan.values():
            # Every worker serves every page before anything is counted: the
            # cache is filled and first-time imports are done.
            wrk(path, seconds=WARM_UP_SECONDS, port=servers[server_name].port)
        for _ in range(RUNS):
            slices = {name: [] for name in plan}
            for _ in range(SECONDS // SLICE_SECONDS):
                for name, (server_name, path) in plan.items():
                    slices[name].append(cpu_run(servers[server_name], path))
            for name, taken in slices.items():
                runs[name].append(round_total(taken))
    for name, measured in runs.items():
        errors = sum(run["errors"] for run in measured)
        if errors:
            sys.exit(f"{name}: {errors} responses were not 2xx or 3xx")

    def ratios(name: str, base: str) -> dict:
        return spread(
            [
                run["cpu_us"] / base_run["cpu_us"]
                for run, base_run in zip(runs[name], runs[base], strict=True)
            ]
        )

    result = {
        "runs": RUNS,
        "cases": {
            name: {
                "path": plan[name][1],
                "cpu_us": statistics.median(run["cpu_us"] for run in measured),
                "rps": statistics.median(run["rps"] for run in measured),
                "requests": sum(run["requests"] for run in measured),
                "cpu_us_rounds": [run["cpu_us"] for run in measured],
            }
            for name, measured in runs.items()
        },
        "static_vs_bare": ratios("static", "bare static"),
        "cached_story_vs_static": ratios("cached story", "static"),
        "cached_home_vs_static": ratios("cached home", "static"),
    }
    story_ms = result["cases"]["uncached story"]["cpu_us"] / 1000
    result["targets"] = [
        {
            "target": f"static file CPU ≤ {STATIC_LIMIT}× the bare app's",
            "value": result["static_vs_bare"]["median"],
            "pass": result["static_vs_bare"]["median"] <= STATIC_LIMIT,
        },
        {
            "target": (
                f"uncached story CPU ≤ {STORY_LIMIT_MS:g} ms "
                f"(Wagtail 8 peer's {WAGTAIL_STORY_MS[0]:g} ms / {WAGTAIL_FACTOR})"
            ),
            "value": story_ms,
            "pass": story_ms <= STORY_LIMIT_MS,
        },
    ]
    return result


def print_summary(cpu: dict) -> None:
    measured = cpu["cases"]
    static_us = measured["static"]["cpu_us"]
    print(
        f"\nCPU per request — gunicorn workers' user + system time over wrk runs, "
        f"median of {cpu['runs']} rounds; ratios: median of each round's "
        "(lowest–highest)\n"
    )
    header = f"{'case':15} {'CPU/request':>11} {'req/s':>7}  compared"
    print(header)
    print("-" * (len(header) + 30))
    compared = {
        "static": ("static_vs_bare", "the bare app"),
        "cached story": ("cached_story_vs_static", "the static file"),
        "cached home": ("cached_home_vs_static", "the static file"),
    }
    for name, case in measured.items():
        line = f"{name:15} {duration(case['cpu_us']):>11} {case['rps']:7.0f}"
        if name in compared:
            key, base = compared[name]
            ratio = cpu[key]
            line += (
                f"  {ratio['median']:.2f}× {base} "
                f"({ratio['min']:.2f}–{ratio['max']:.2f})"
            )
        elif name == "uncached story":
            line += f"  {case['cpu_us'] / static_us:.0f}× the static file"
        print(line)
    for check in cpu["targets"]:
        verdict = "PASS" if check["pass"] else "FAIL"
        unit = "×" if "×" in check["target"] else " ms"
        print(f"  {verdict} {check['target']} (measured {check['value']:.2f}{unit})")
    low, high = WAGTAIL_STORY_MS
    print(
        f"  (the Wagtail 8 peer's {low:g}–{high:g} ms per uncached story page is "
        "the issue's measurement on this machine, not measured in this run)"
    )


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    database_url = bench_database_url()
    env = server_env(database_url, page_cache_seconds=0)
    prepare(env)
    shutil.rmtree(RESULTS / "cache", ignore_errors=True)
    info = probe(env)
    write_static_story(info)
    result = measure(database_url, info["urls"])
    print_summary(result)
    write_report("cpu", {**report_header(database_url), "cpu": result})


if __name__ == "__main__":
    main()
