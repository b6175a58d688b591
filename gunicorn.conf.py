"""gunicorn's settings, read from the environment (gunicorn loads this file from the
project folder; ``make serve`` names it). See the README's "Running in production"."""

import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# Without REDIS_URL the page cache lives in each process's memory, where a purge reaches only
# the process that made it: one process then, its threads sharing that one cache.
workers = int(os.environ.get("WEB_CONCURRENCY", "2")) if os.environ.get("REDIS_URL") else 1
accesslog = "-"
# The readers' forms promise to keep no address: their lines are logged without it.
logger_class = "feedback.access_log.AccessLogger"
