"""Lighthouse scores of the reader site in production mode, on this machine.

    make lighthouse                     # or: .venv/bin/python scripts/lighthouse.py
    .venv/bin/python scripts/lighthouse.py --min 90 --preset mobile --page /corrections/

Builds a throwaway site in a temporary folder (SQLite database, media and static files):
migrates, loads the demo coverage (its pictures' renditions cut at once), collects the static
files and starts gunicorn with ``DEBUG=0`` on 127.0.0.1, as ``make serve`` does. Then runs the
pinned Lighthouse (``make lighthouse`` installs it into .tools/lighthouse) with Debian's
Chromium, headless, against the home page, a story, a tag, a person and the corrections page,
with the mobile and the desktop presets; prints the four category scores of each and, for a
score below ``--min`` (100 unless given), the audits that cost it points. With ``--runs N`` each
is measured N times and the median counts (Lighthouse's own advice against a busy machine's
noise). Exits 1 if any score is below ``--min`` or the site or Lighthouse could not be run.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LIGHTHOUSE = ROOT / ".tools" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PRESETS = ("mobile", "desktop")
# The demo story, tag and person each kind of page is measured on.
DEMO_PAGES = """
from stories.models import Person, Story, Tag
story = Story.objects.public().get(slug="irs-commissioner-melanie-krause-resigns")
print(story.get_absolute_url())
print(Tag.objects.get(slug="irs").get_absolute_url())
print(Person.objects.get(slug="elena-marsh").get_absolute_url())
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(folder, port):
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SOURCE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "STATIC_ROOT": str(folder / "static"),
        # Renditions are cut as the demo loads, so pages show them as they would in production.
        "TASKS_BACKEND": "immediate",
        "FRONTEND_CACHE_BACKEND": "none",
        "PORT": str(port),
    }


def manage(env, *args):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"lighthouse: manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def wait_for(url, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("lighthouse: gunicorn stopped before it answered (see its output above).")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"lighthouse: {url} did not answer within {seconds} seconds.")


def run_lighthouse(url, preset, folder):
    report = folder / "report.json"
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--quiet",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    # A busy machine now and then loses the trace of a load (NO_NAVSTART): up to three tries.
    for _ in range(3):
        result = subprocess.run(
            command,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode == 0 and report.exists():
            break
    else:
        sys.exit(f"lighthouse: Lighthouse failed on {url} ({preset}):\n{result.stderr[-2000:]}")
    data = json.loads(report.read_text())
    report.unlink()
    return data


def score(category):
    return None if category["score"] is None else round(category["score"] * 100)


def median_score(scores):
    known = [s for s in scores if s is not None]
    return round(statistics.median(known)) if known else None


def losses(data):
    """The audits of each category that scored below 1, by title, with what they found."""
    lost = []
    for name in CATEGORIES:
        category = data["categories"][name]
        for ref in category["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                detail = audit.get("displayValue") or ""
                lost.append(f"{name}: {audit['title']} {detail}".rstrip())
    return lost


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min", type=int, default=100, help="lowest acceptable score (100)")
    parser.add_argument("--preset", choices=PRESETS, action="append", help="mobile, desktop")
    parser.add_argument("--page", action="append", help="a path to measure instead of the five")
    parser.add_argument("--port", type=int, help="the server's port (a free one)")
    parser.add_argument(
        "--runs", type=int, default=1, help="runs of each page and preset; the median counts"
    )
    parser.add_argument("--reports", type=Path, help="a folder to keep each JSON report in")
    options = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        sys.exit("lighthouse: Lighthouse is not installed; run `make lighthouse-tools`.")
    if not Path(CHROMIUM).exists():
        sys.exit(f"lighthouse: no Chromium at {CHROMIUM}; set CHROME_PATH.")

    folder = Path(tempfile.mkdtemp(prefix="newsroom-lighthouse-"))
    port = options.port or free_port()
    env = site_environment(folder, port)
    server = None
    try:
        print("Building the demo site in production mode...", file=sys.stderr)
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput")
        story, tag, person = manage(env, "shell", "--no-imports", "-c", DEMO_PAGES).split()
        pages = options.page or ["/", story, tag, person, "/corrections/"]
        server = subprocess.Popen(
            [
                GUNICORN,
                "--config",
                "gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
                "newsroom.wsgi",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        origin = f"http://127.0.0.1:{port}"
        wait_for(origin + "/", server)
        rows, failures = [], []
        for path in pages:
            for preset in options.preset or PRESETS:
                runs = []
                for run in range(1, max(options.runs, 1) + 1):
                    data = run_lighthouse(origin + path, preset, folder)
                    runs.append(data)
                    if options.reports:
                        options.reports.mkdir(parents=True, exist_ok=True)
                        name = path.strip("/").replace("/", "_") or "home"
                        report = options.reports / f"{name}-{preset}-{run}.json"
                        report.write_text(json.dumps(data))
                scores = [
                    median_score([score(data["categories"][name]) for data in runs])
                    for name in CATEGORIES
                ]
                rows.append((path, preset, scores))
                print(f"  {preset:8} {path}: {scores}", file=sys.stderr)
                if any(s is None or s < options.min for s in scores):
                    failures.append((path, preset, sorted({x for d in runs for x in losses(d)})))
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)

    width = max(len(path) for path, _, _ in rows)
    print(f"{'page':{width}}  {'preset':8}" + "".join(f"{name:>16}" for name in CATEGORIES))
    for path, preset, scores in rows:
        cells = "".join(f"{'-' if s is None else s:>16}" for s in scores)
        print(f"{path:{width}}  {preset:8}{cells}")
    for path, preset, lost in failures:
        print(f"\nBelow {options.min} on {path} ({preset}):")
        for line in lost:
            print(f"  - {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
