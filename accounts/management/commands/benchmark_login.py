import logging
import secrets
import statistics
import threading
import time

from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

# Addresses inside this machine's loopback range, so that the lockout of real people is not
# touched; nothing is sent over the network: every request goes through the WSGI stack here.
ATTACKER = "127.0.0.66"
READER = "127.0.0.67"


class Command(BaseCommand):
    help = (
        "Measure staff sign-in under password guessing, in this process through the whole "
        "WSGI stack with the real password hasher: attempts until lockout, the CPU a failed "
        "and a locked-out attempt cost, and home-page requests per second with and without "
        "guessers. Creates one throwaway account and removes it, with its lockout records."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=5.0, help="length of each phase")
        parser.add_argument("--guessers", type=int, default=4, help="concurrent guessing threads")
        parser.add_argument(
            "--pace",
            type=float,
            default=1.0,
            help="attempts per second of each paced guesser (the other rows guess flat out)",
        )
        parser.add_argument(
            "--locked-attempts", type=int, default=50, help="locked-out attempts to time"
        )

    def handle(self, *args, seconds, guessers, pace, locked_attempts, **options):
        if not 0.5 <= seconds <= 60:
            raise CommandError("--seconds must be between 0.5 and 60.")
        if not 1 <= guessers <= 16:
            raise CommandError("--guessers must be between 1 and 16.")
        if not 0.1 <= pace <= 100:
            raise CommandError("--pace must be between 0.1 and 100 attempts per second.")
        self.pace = pace
        if not 1 <= locked_attempts <= 10_000:
            raise CommandError("--locked-attempts must be between 1 and 10000.")
        self.seconds = seconds
        self.host = "testserver" if "testserver" in settings.ALLOWED_HOSTS else "localhost"
        if "*" not in settings.ALLOWED_HOSTS and self.host not in settings.ALLOWED_HOSTS:
            self.host = settings.ALLOWED_HOSTS[0].lstrip(".")
        self.login_url = reverse("admin:login")
        self.username = f"benchmark-login-{secrets.token_hex(4)}"
        self.password = secrets.token_urlsafe(24)
        self.user = get_user_model().objects.create_user(
            self.username, password=self.password, is_staff=True
        )
        # Each refused attempt is logged as a warning; thousands of them would hide the tables.
        quiet = [logging.getLogger(name) for name in ("django.request", "axes")]
        levels = [logger.level for logger in quiet]
        for logger in quiet:
            logger.setLevel(logging.ERROR)
        try:
            self.report_lockout(locked_attempts)
            self.report_throughput(guessers)
        finally:
            for logger, level in zip(quiet, levels, strict=True):
                logger.setLevel(level)
            self.user.delete()
            AccessAttempt.objects.filter(username=self.username).delete()
            AccessAttempt.objects.filter(ip_address__in=[ATTACKER, READER]).delete()
            AccessLog.objects.filter(username=self.username).delete()

    def client(self):
        return Client(HTTP_HOST=self.host)

    def attempt(self, client, password="not the password"):
        """One sign-in attempt; its status and the CPU seconds this thread spent on it."""
        started = time.thread_time()
        response = client.post(
            self.login_url,
            {"username": self.username, "password": password, "next": "/admin/"},
            REMOTE_ADDR=ATTACKER,
        )
        return response.status_code, time.thread_time() - started

    def report_lockout(self, locked_attempts):
        client = self.client()
        failed = []
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            status, cpu = self.attempt(client)
            failed.append(cpu)
            if status == 429:
                break
        else:
            raise CommandError("No lockout: is django-axes enabled (AXES_ENABLED)?")
        locked = [self.attempt(client)[1] for _ in range(locked_attempts)]
        right_status, _ = self.attempt(client, self.password)
        hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1]
        self.stdout.write(f"Sign-in lockout (password hasher: {hasher})")
        self.table(
            ["", "value"],
            [
                ["failed attempts until lockout", len(failed)],
                ["CPU per failed attempt (hashed)", ms(statistics.median(failed[:-1]))],
                ["CPU per locked-out attempt", ms(statistics.median(locked))],
                ["the right password while locked out", f"refused ({right_status})"],
                ["lockout lasts", f"{settings.AXES_COOLOFF_TIME}"],
            ],
        )

    def report_throughput(self, guessers):
        cached = settings.PAGE_CACHE_ENABLED
        paced = f"{guessers} guessing at {self.pace:g}/s each"
        scenarios = [
            ("nobody guessing", 0, True, None),
            (f"{guessers} guessing flat out, locked out", guessers, True, None),
            (f"{guessers} guessing flat out, no lockout (before)", guessers, False, None),
            (f"{paced}, locked out", guessers, True, self.pace),
            (f"{paced}, no lockout (before)", guessers, False, self.pace),
        ]
        rows = []
        for name, count, lockout, pace in scenarios:
            row = [name]
            for page_cache in (True, False) if cached else (False,):
                home, guesses = self.measure(count, lockout, page_cache, pace)
                row.append(f"{home:.1f}")
            row.append(f"{guesses:.1f}" if count else "-")
            rows.append(row)
        columns = (
            ["", "home req/s, page cache", "home req/s, uncached"]
            if cached
            else ["", "home req/s"]
        )
        self.stdout.write(f"\nHome page while guessing ({self.seconds:g} s each)")
        self.table([*columns, "sign-in attempts/s"], rows)

    def measure(self, guessers, lockout, page_cache, pace=None):
        stop = threading.Event()
        guesses = [0] * guessers

        def guess(slot):
            client, due = self.client(), time.perf_counter()
            try:
                while not stop.is_set():
                    self.attempt(client)
                    guesses[slot] += 1
                    if pace:
                        due += 1 / pace
                        stop.wait(max(0.0, due - time.perf_counter()))
            finally:
                connection.close()

        with override_settings(AXES_ENABLED=lockout, PAGE_CACHE_ENABLED=page_cache):
            threads = [threading.Thread(target=guess, args=(n,)) for n in range(guessers)]
            for thread in threads:
                thread.start()
            reader = self.client()
            reader.get("/", REMOTE_ADDR=READER)
            served, started = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - started) < self.seconds:
                if reader.get("/", REMOTE_ADDR=READER).status_code != 200:
                    raise CommandError("The home page did not answer 200: run migrate first.")
                served += 1
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
        return served / elapsed, sum(guesses) / elapsed

    def table(self, header, rows):
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)
        ]
        for line in [header, ["-" * width for width in widths], *rows]:
            cells = [str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)]
            self.stdout.write("  ".join(cells).rstrip())


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"
