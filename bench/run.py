"""`make bench`: reader throughput of Newsroom against the static-file ceiling.

Builds a large newsroom in its own database (SQLite under bench/results by
default; PostgreSQL when DATABASE_URL points at one: a sibling database named
``<name>_bench``), starts the production server (gunicorn, 2 sync workers,
DEBUG off, ``newsroom/gunicorn.conf.py`` as ``make serve`` uses it) on a
loopback port, and measures with wrk the requests/s and
p50/p99 latency of each reader page, cached and uncached, next to the same
story HTML served as a static file through the same stack. Each page is
run BENCH_RUNS times, each run right after one of the static file, and the
medians reported; its ratio is the median of the pairs' ratios, so the
machine's drift does not land on one side; each cached page is checked
against the issue's target of 90 % of the static file's rate. Then the CPU
per request (bench/cpu.py) of that static file, of cached and uncached pages
and of a bare gunicorn + whitenoise app serving the same file, and the desk
day (bench/desk_day.py): skewed reader traffic while the desk changes stories
at three cadences, both against the issue's targets. Results go to stdout as a
table and to bench/results/ as JSON.

Environment: BENCH_STORIES (default 10000), BENCH_RUNS (3), BENCH_SECONDS (5),
BENCH_CONNECTIONS (16), BENCH_PORT (8809).
"""

import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
STORIES = int(os.environ.get("BENCH_STORIES", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PORT = int(os.environ.get("BENCH_PORT", "8809"))
WARM_UP_SECONDS = 1
STATIC_PATH = "/static/bench/story.html"
SERVER_LOG = RESULTS / "server.log"
MEMORY_REQUESTS = 20_000
SEARCH_QUERIES = [
    "missile",
    "radar",
    "frigates",
    "budget",
    "drone",
    "navy trials",
    "air defence",
    "missile contract",
    "armoured vehicles",
    "shipyard delivery",
]
WARM_UP_QUERY = "harbour"
# The target: a cached page served at this share of the requests/s
# of the static file through the same stack.
CACHED_VS_STATIC = 0.90


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "newsroom"
        bench_name = f"{name}_bench"
        admin = parts._replace(path="/postgres").geturl()
        exists = subprocess.run(
            [
                "psql",
                admin,
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname='{bench_name}'",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run(
                ["psql", admin, "-qc", f'CREATE DATABASE "{bench_name}"'], check=True
            )
        return parts._replace(path=f"/{bench_name}").geturl()
    return f"sqlite:///{RESULTS / f'bench-{STORIES}.sqlite3'}"


def server_env(database_url: str, *, page_cache_seconds: int) -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-0f7a9c2e4b6d8a1c3e5f7091b2d4f6a8c0e2",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(RESULTS / "media"),
        CACHE_DIR=str(RESULTS / "cache"),
        NEWSROOM_PAGE_CACHE_SECONDS=str(page_cache_seconds),
        SITE_URL=f"http://127.0.0.1:{PORT}",
        LOG_LEVEL="WARNING",
        NEWSROOM_HTTPS="0",
        NEWSROOM_SERVE_MEDIA="1",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        # gunicorn.conf.py as production runs it, with the two
        # workers, and without recycling them: worker memory is measured
        # across 20 000 requests, which a recycled worker would hide.
        WEB_CONCURRENCY="2",
        GUNICORN_MAX_REQUESTS="0",
        HOST="127.0.0.1",
        PORT=str(PORT),
    )
    if not os.environ.get("BENCH_REDIS"):
        # The page cache of a single-machine bench is the file cache unless
        # BENCH_REDIS asks for the shared Redis one.
        env.pop("REDIS_URL", None)
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def prepare(env: dict) -> dict | None:
    """Migrate, seed what is missing (timed) and collect static files."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput", "-v0")
    count = int(
        manage(
            env,
            "shell",
            "-c",
            "from articles.models import Article; print(Article.objects.count())",
        )
        .strip()
        .splitlines()[-1]
    )
    if count < STORIES:
        print(f"Seeding {STORIES - count} stories…", flush=True)
        started = time.monotonic()
        manage(env, "seed_bulk", "--stories", str(STORIES - count))
        seeding = {"stories": STORIES - count, "seconds": time.monotonic() - started}
        print(f"  seeded in {seeding['seconds']:.0f}s", flush=True)
    else:
        seeding = None
    if env["DATABASE_URL"].startswith("postgres"):
        # What autovacuum does soon after a bulk load: planner statistics and
        # the visibility map that lets counts read the covering indexes alone.
        subprocess.run(
            ["psql", env["DATABASE_URL"], "-qc", "VACUUM ANALYZE"], check=True
        )
    manage(env, "collectstatic", "--noinput", "-v0")
    return seeding


PROBE = r"""
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from articles.models import Article, Author, Section
from taggit.models import Tag

live = Article.objects.published().newest_first()
story = live.first()
section = story.section
author = story.ordered_authors[0]
tag = story.tags.first()
urls = {
    "home": "/",
    "story": story.get_absolute_url(),
    "section": section.get_absolute_url(),
    "tag": reverse("articles:tag", args=[tag.slug]),
    "author": author.get_absolute_url(),
}
optional = {"search": ("articles:search", "?q=missile"), "rss": ("articles:feed-rss", ""),
            "sitemap": (None, "/sitemap.xml"), "api": (None, "/api/v1/stories/"),
            # No database and no template: what Django and the middleware
            # alone cost, the ceiling for any page rendered per request.
            "floor": (None, "/robots.txt")}
for name, (route, suffix) in optional.items():
    try:
        urls[name] = (reverse(route) if route else "") + suffix
    except Exception:
        pass
client = Client()
queries, sizes = {}, {}
for name, url in list(urls.items()):
    response = client.get(url)
    if response.status_code != 200:
        urls.pop(name)
        continue
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries[name] = len(captured)
    sizes[name] = len(response.content)
story_html = client.get(urls["story"]).content.decode()
print("PROBE" + json.dumps({"urls": urls, "queries": queries, "sizes": sizes,
                            "story_html": story_html}))
"""


def probe(env: dict) -> dict:
    output = manage(env, "shell", "-c", PROBE)
    return json.loads(output.split("PROBE", 1)[1])


def write_static_story(info: dict) -> None:
    """The probed story page's HTML as the static file at ``STATIC_PATH``,
    served by whitenoise once a server starts."""
    static_dir = ROOT / "staticfiles" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "story.html").write_text(info["story_html"])


class Server:
    """gunicorn as `make serve` runs it (its configuration file: the app
    preloaded and frozen out of the collector's reach, access log on), on the
    loopback port ``env["PORT"]``; ``app``, a WSGI application's
    ``module:name`` on ``sys.path`` or in bench/, instead of Newsroom's."""

    def __init__(self, env: dict, *, app: str | None = None):
        self.env = env
        self.port = int(env["PORT"])
        self.app_args = ["--pythonpath", str(ROOT / "bench"), app] if app else []
        self.process = None

    def __enter__(self):
        try:
            http_get(STATIC_PATH, port=self.port)
        except OSError:
            pass
        else:
            # Whatever answers there would be measured instead of this server.
            raise RuntimeError(f"Port {self.port} is taken: choose BENCH_PORT")
        # The server's log goes to a file: a pipe nobody reads fills up and
        # then blocks every worker writing a warning.
        self.log = SERVER_LOG.open("ab")
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                "newsroom/gunicorn.conf.py",
                *self.app_args,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        for _ in range(100):
            try:
                http_get(STATIC_PATH, port=self.port)
                return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start: see {SERVER_LOG}")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)
        self.log.close()

    def worker_pids(self) -> list[str]:
        return subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()

    def worker_cpu_ticks(self) -> dict[str, int]:
        """Each worker's CPU time so far, user and system, in clock ticks."""
        ticks = {}
        for pid in self.worker_pids():
            # The fields after the command name, which may hold spaces;
            # utime and stime are the 14th and 15th of the line.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks[pid] = int(fields[11]) + int(fields[12])
        return ticks

    def worker_memory_kib(self) -> dict[str, list[int]]:
        """Each worker's resident memory: ``own`` (anonymous: its heap, what
        a leak grows) and ``file`` (pages of mapped files, such as SQLite's
        memory-mapped database, shared with the page cache and let go by
        the kernel when it likes)."""
        sizes = {"own": [], "file": []}
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            for key, field in (("own", "RssAnon"), ("file", "RssFile")):
                sizes[key].append(int(re.search(rf"{field}:\s+(\d+)", status).group(1)))
        return sizes


def http_get(path: str, *, port: int = PORT) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", quote(path, safe="/?=&%"))
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(path: str, *, seconds: int = SECONDS, port: int = PORT) -> dict:
    url = f"http://127.0.0.1:{port}{quote(path, safe='/?=&%')}"
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    latency = {
        percent: float(value) * UNITS[unit]
        for percent, value, unit in re.findall(
            r"\s(50|99)%\s+([\d.]+)(us|ms|s)\b", output
        )
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "requests": total,
        "errors": int(errors.group(1)) if errors else 0,
    }


def summary(runs: list[dict]) -> dict:
    return {
        "rps": statistics.median(run["rps"] for run in runs),
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p99_ms": statistics.median(run["p99_ms"] for run in runs),
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
    }


def paired_runs(path: str, static_runs: list[dict]) -> dict:
    """``RUNS`` runs of ``path``, each right after a run of the static file.

    The machine's speed drifts by a third within minutes, so a page is
    compared with the static file measured beside it: its ratio is the
    median of the ratios of each pair. The static runs are kept for the
    baseline.
    """
    runs, ratios = [], []
    for _ in range(RUNS):
        static = wrk(STATIC_PATH)
        run = wrk(path)
        static_runs.append(static)
        runs.append(run)
        ratios.append(run["rps"] / static["rps"])
    return {**summary(runs), "ratio": statistics.median(ratios)}


def measure_mode(env: dict, urls: dict, *, memory: bool) -> dict:
    with Server(env) as server:
        for path in [*urls.values(), STATIC_PATH]:
            # Long enough that every worker has served every page once, so
            # what follows measures steady state, not the first imports.
            wrk(path, seconds=WARM_UP_SECONDS)
        memory_before = server.worker_memory_kib()
        results, static_runs = {}, []
        for name, path in urls.items():
            results[name] = paired_runs(path, static_runs)
            print(
                f"  {name:8} {results[name]['rps']:8.0f} req/s "
                f"({results[name]['ratio']:.1%} of static)",
                flush=True,
            )
        results["static"] = summary(static_runs)
        if memory:
            served = sum(results[name]["requests"] for name in urls)
            while served < MEMORY_REQUESTS:
                for path in urls.values():
                    served += wrk(path, seconds=2)["requests"]
            results["memory"] = {
                "kib_before": memory_before,
                "kib_after": server.worker_memory_kib(),
                "requests": served,
            }
    return results


def search_latency(env: dict, urls: dict) -> dict | None:
    if "search" not in urls:
        return None
    timings = []
    with Server(env):
        # Every worker renders search pages (concurrent requests reach both)
        # before timing starts, so the timings are of searching, not of a
        # fresh worker loading templates and connecting to the database.
        wrk(urls["search"].split("?")[0] + "?q=" + quote(WARM_UP_QUERY), seconds=1)
        for _ in range(3):
            for query in SEARCH_QUERIES:
                path = urls["search"].split("?")[0] + "?q=" + quote(query)
                started = time.perf_counter()
                status, _body = http_get(path)
                timings.append((time.perf_counter() - started) * 1000)
                assert status == 200, (path, status)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "samples": len(timings),
    }


def optional_benchmark(module: str, *args):
    """bench/images.py and bench/lighthouse.py, when present."""
    path = ROOT / "bench" / f"{module}.py"
    if not path.exists():
        return None
    result = subprocess.run(
        [PYTHON, str(path), *args], cwd=ROOT, capture_output=True, text=True
    )
    print(result.stdout[-3000:])
    match = re.search(r"^JSON (.*)$", result.stdout, re.MULTILINE)
    if match is None:
        print(f"{module} gave no result:\n{result.stderr[-1500:]}")
    return (
        json.loads(match.group(1))
        if match
        else {"output": result.stdout[-2000:], "error": result.stderr[-2000:]}
    )


def cached_target(cached: dict, urls: dict) -> dict:
    """Each cached page's rate against ``CACHED_VS_STATIC`` of the static file's."""
    pages = {
        name: {
            "ratio": cached[name]["ratio"],
            "pass": cached[name]["ratio"] >= CACHED_VS_STATIC,
        }
        for name in urls
    }
    return {
        "limit": CACHED_VS_STATIC,
        "pages": pages,
        "pass": all(page["pass"] for page in pages.values()),
    }


def print_table(report: dict) -> None:
    cached, uncached = report["cached"], report["uncached"]
    static = statistics.median([cached["static"]["rps"], uncached["static"]["rps"]])
    print(
        f"\nNewsroom bench — {report['stories']} stories on {report['database']}, "
        f"{report['date']}, {report['machine']}"
    )
    print(
        f"Static baseline (same story HTML via gunicorn + whitenoise): {static:.0f} req/s\n"
    )
    target = report["cached_target"]
    header = (
        f"{'page':9} {'queries':>7} | {'cached r/s':>10} {'ratio':>6} "
        f"{'≥' + format(target['limit'], '.0%'):>5} {'p50':>7} {'p99':>7}"
        f" | {'uncached r/s':>12} {'ratio':>6} {'p50':>7} {'p99':>7}"
    )
    print(header)
    print("-" * len(header))
    for name in report["urls"]:
        c, u = cached[name], uncached[name]
        verdict = "PASS" if target["pages"][name]["pass"] else "FAIL"
        print(
            f"{name:9} {report['queries'].get(name, '-'):>7} | {c['rps']:10.0f} "
            f"{c['ratio']:6.0%} {verdict:>5} {c['p50_ms']:6.1f}ms "
            f"{c['p99_ms']:6.1f}ms | "
            f"{u['rps']:12.0f} {u['ratio']:6.0%} {u['p50_ms']:6.1f}ms "
            f"{u['p99_ms']:6.1f}ms"
        )
    failed = [name for name, page in target["pages"].items() if not page["pass"]]
    print(
        f"  {'PASS' if target['pass'] else 'FAIL'} cached pages ≥ "
        f"{target['limit']:.0%} of the static file's requests/s through the same "
        "stack (ratio: median of each page's runs against the static run beside it)"
        + (f"; below it: {', '.join(failed)}" if failed else "")
    )
    memory = uncached.get("memory")
    if memory:
        before, after = memory["kib_before"], memory["kib_after"]
        growth = [
            later / earlier - 1
            for earlier, later in zip(before["own"], after["own"], strict=False)
        ]
        print(
            f"\nWorker memory across {memory['requests']} uncached requests: "
            f"own {before['own']} → {after['own']} KiB (max growth {max(growth):+.1%}); "
            f"mapped files {before['file']} → {after['file']} KiB"
        )
    if report.get("seeding"):
        seeding = report["seeding"]
        print(
            f"Seeding {seeding['stories']} stories (bylines, tags, photos, revisions, "
            f"search index): {seeding['seconds']:.0f} s"
        )
    if report.get("search"):
        search = report["search"]
        print(
            f"Search (single client, {search['samples']} queries): median "
            f"{search['median_ms']:.1f} ms, p95 {search['p95_ms']:.1f} ms"
        )


def main() -> None:
    # Imported here: bench/desk_day.py and bench/cpu.py import this module's
    # helpers, and run alone it is __main__, so a module-level import here
    # would be circular.
    import cpu
    import desk_day

    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    database_url = bench_database_url()
    uncached_env = server_env(database_url, page_cache_seconds=0)
    cached_env = server_env(database_url, page_cache_seconds=600)
    seeding = prepare(uncached_env)
    shutil.rmtree(RESULTS / "cache", ignore_errors=True)
    info = probe(uncached_env)
    write_static_story(info)
    urls = info["urls"]
    print("Uncached (NEWSROOM_PAGE_CACHE_SECONDS=0):", flush=True)
    uncached = measure_mode(uncached_env, urls, memory=True)
    print("Cached:", flush=True)
    cached = measure_mode(cached_env, urls, memory=False)
    report = {
        **report_header(database_url),
        "seeding": seeding,
        "urls": urls,
        "queries": info["queries"],
        "sizes": info["sizes"],
        "cached": cached,
        "uncached": uncached,
        "cached_target": cached_target(cached, urls),
        "cpu": cpu.measure(database_url, urls),
        "search": search_latency(uncached_env, urls),
        "desk_day": desk_day.measure(cached_env),
        "images": optional_benchmark("images"),
    }
    with Server(cached_env):
        report["lighthouse"] = optional_benchmark(
            "lighthouse", f"http://127.0.0.1:{PORT}"
        )
    print_table(report)
    cpu.print_summary(report["cpu"])
    desk_day.print_summary(report["desk_day"])
    write_report("bench", report)


def report_header(database_url: str) -> dict:
    """What every bench report starts with: when, where, how much, on what."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs, {os.uname().sysname} {os.uname().release}",
        "stories": STORIES,
        "database": database_url.split(":", 1)[0],
    }


def write_report(name: str, report: dict) -> None:
    """``report`` as JSON under bench/results, named by ``name`` and the time."""
    out = RESULTS / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nWritten {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
