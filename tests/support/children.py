"""A record step for enrichment-process tests: the fake enrichment of ``support.loop``, plus texts that make
the child misbehave on purpose ("SLEEP 1.5" sleeps that long, "EXIT" kills the process, "EXIT ONCE <path>"
kills it only the first time, when the marker file at <path> does not exist yet)."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from coopstream.processing import StepRecipe
from coopstream.schemas import EnrichedEvent, RawArticle
from coopstream.step import RecordStep
from support.loop import TOPICS, fake_enrich


def misbehaving_enrich(article: RawArticle, processed_at: str) -> EnrichedEvent:
    text = article.text
    if sleep := re.search(r"SLEEP ([0-9.]+)", text):
        time.sleep(float(sleep.group(1)))
    if once := re.search(r"EXIT ONCE (\S+)", text):
        marker = Path(once.group(1))
        if not marker.exists():
            marker.write_text(str(os.getpid()), encoding="utf-8")
            os._exit(9)
    elif "EXIT" in text:
        os._exit(9)
    return fake_enrich(article, processed_at)


@dataclass(frozen=True)
class MisbehavingRecipe(StepRecipe):
    def build(self) -> RecordStep:
        return RecordStep(misbehaving_enrich, self.topics, self.max_record_bytes, clock=lambda: "2026-01-01T00:00:00Z")


def recipe() -> MisbehavingRecipe:
    return MisbehavingRecipe(TOPICS, 1 << 20)
