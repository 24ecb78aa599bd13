"""CPU instructions per uncached reader page, counted by valgrind's callgrind.

Requests per second on a shared VM drift by a third within minutes, so a
change of a few percent cannot be seen in ``make bench``. Instruction counts
can: the same code, data and Python give the same count, whatever else the
machine is doing. Each page is served in-process (Django's WSGI handler, the
production middleware, the page cache off) from the bench database that
``make bench`` built, after a warm-up, and only the timed requests are
counted.

    .venv/bin/python bench/instructions.py [page ...]

Pages are those of ``make bench`` (home, story, section, tag, author, search,
rss, sitemap, api, floor); the default is all of them. Environment: BENCH_STORIES
and DATABASE_URL choose the database as for ``make bench``; BENCH_REQUESTS
(default 5) is how many requests of each page are counted.
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402 (bench/run.py, beside this file)

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "5"))
WARM_UP_REQUESTS = 3
# Collection is switched on only inside this C function of the interpreter:
# the child runs its counted requests as the key function of ``sorted()``.
COUNTED_FUNCTION = "builtin_sorted"


def serve(application, path: str) -> int:
    """One GET of ``path`` through the WSGI application; its status code."""
    path_info, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(run.PORT),
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    statuses = []
    body = application(environ, lambda status, headers, *_: statuses.append(status))
    b"".join(body)
    return int(statuses[0].split()[0])


def count_child(path: str) -> None:
    """Runs under callgrind: warm up, then serve ``path`` REQUESTS times, counted."""
    sys.path.insert(0, str(run.ROOT))
    import django
    from django.core.handlers.wsgi import WSGIHandler

    django.setup()
    application = WSGIHandler()
    for _ in range(WARM_UP_REQUESTS):
        status = serve(application, path)
        if status != 200:
            sys.exit(f"{path} answered {status}")
    sorted(range(REQUESTS), key=lambda index: serve(application, path))


def instructions(env: dict, path: str) -> int:
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            f"--toggle-collect={COUNTED_FUNCTION}",
            "--callgrind-out-file=/dev/null",
            run.PYTHON,
            __file__,
            "--child",
            path,
        ],
        cwd=run.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"counting {path} failed:\n{result.stderr[-2000:]}")
    collected = int(re.search(r"Collected : (\d+)", result.stderr).group(1))
    if not collected:
        sys.exit(
            f"callgrind never entered {COUNTED_FUNCTION}: this Python has no symbols"
        )
    return collected // REQUESTS


def main(pages: list[str]) -> None:
    if not shutil.which("valgrind"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "valgrind"], check=True)
    env = run.server_env(run.bench_database_url(), page_cache_seconds=0)
    run.prepare(env)
    urls = run.probe(env)["urls"]
    pages = pages or list(urls)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = dict(
            zip(
                pages,
                pool.map(lambda page: instructions(env, urls[page]), pages),
                strict=True,
            )
        )
    print(
        f"Instructions per uncached request ({REQUESTS} counted after {WARM_UP_REQUESTS}):"
    )
    for page, count in counts.items():
        print(f"  {page:9} {count / 1e6:7.1f} M")
    print("JSON " + json.dumps(counts))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        count_child(sys.argv[2])
    else:
        main(sys.argv[1:])
