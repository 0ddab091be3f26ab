from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from parindex.core.bench import runner
from parindex.core.bench.sizes import SIZES


class Command(BaseCommand):
    help = (
        "Create the benchmark's data set (national: 34 provinces, 3,321 communes; province: "
        "about 100 communes; small: a few communes) in its own database, never the main one: "
        "--database-url, else BENCH_DATABASE_URL, else var/bench-<size>.sqlite3. The database is "
        "emptied first. The same seed gives the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--database-url", default=None)
        parser.add_argument("--json", default=None, help="write the counts and times here")

    def handle(self, *args: Any, **options: Any) -> None:
        url = runner.database_url(options["size"], options["database_url"])
        if not runner.is_child():
            argv = ["gen_bench_data", "--size", options["size"], "--seed", str(options["seed"])]
            argv += ["--database-url", url]
            if options["json"]:
                argv += ["--json", options["json"]]
            self.stdout.write(f"Benchmark database: {_shown(url)}")
            runner.reset_database(url)
            code = runner.rerun(argv, url)
            if code:
                raise CommandError(f"generation failed (exit code {code})")
            return
        from parindex.core.bench.generator import generate

        started = time.perf_counter()
        self.stdout.write(f"Migrating ({connection.vendor}) …")
        call_command("migrate", verbosity=0, interactive=False)
        migrated = time.perf_counter() - started
        self.stdout.write(f"Generating the {options['size']} data set, seed {options['seed']} …")
        result = generate(SIZES[options["size"]], seed=options["seed"], log=self.stdout.write)
        result["seconds"] = {"migrate": round(migrated, 2), **result["seconds"]}
        result["total seconds"] = round(time.perf_counter() - started, 1)
        result["database"] = connection.vendor
        self.stdout.write(f"Done in {result['total seconds']:.0f} s.")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(result, indent=2, ensure_ascii=False))


def _shown(url: str) -> str:
    """The URL without a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url
