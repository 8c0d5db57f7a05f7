"""The pure enrichment core: raw article in, enriched event out."""

from coopstream.enrich.knowledge import Knowledge, load_knowledge
from coopstream.enrich.pipeline import Enricher

__all__ = ["Enricher", "Knowledge", "load_knowledge"]
