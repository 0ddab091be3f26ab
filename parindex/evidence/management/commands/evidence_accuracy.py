"""Build a corpus of state documents (or reuse one) and print how well they are read.

python manage.py evidence_accuracy                      # 20 text PDFs, 8 scans, in a temp dir
python manage.py evidence_accuracy --text 100 --scans 40 --keep var/corpus
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from parindex.evidence import corpus


class Command(BaseCommand):
    help = "Measure how well the kind, number and date of state documents are read."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--text", type=int, default=20, help="text PDFs (and Word files)")
        parser.add_argument("--scans", type=int, default=8, help="scans (PNG and scanned PDF)")
        parser.add_argument("--signed", type=int, default=4, help="text PDFs signed")
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--keep", default="", help="build into this folder and keep it")
        parser.add_argument("--misses", action="store_true", help="list every miss")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["keep"]) if options["keep"] else Path(tempfile.mkdtemp())
        try:
            self.stdout.write(f"Building the corpus in {folder} …")
            samples = corpus.build(
                folder,
                text=options["text"],
                scans=options["scans"],
                signed=options["signed"],
                seed=options["seed"],
            )
            scores = corpus.measure(samples)
        finally:
            if not options["keep"]:
                shutil.rmtree(folder, ignore_errors=True)
        self.stdout.write(
            f"{'group':<10} {'files':>5}  " + "  ".join(f"{f:>7}" for f in corpus.FIELDS)
        )
        for score in scores.values():
            rates = "  ".join(f"{score.rate(f) * 100:6.1f}%" for f in corpus.FIELDS)
            self.stdout.write(f"{score.group:<10} {score.count:>5}  {rates}")
        if options["misses"]:
            for score in scores.values():
                for miss in score.misses:
                    self.stdout.write(f"  {score.group}: {miss}")
