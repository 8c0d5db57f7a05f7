"""The pure enrichment core: raw article in, enriched event out."""

from coopstream.enrich.pipeline import Enricher, Knowledge, load_knowledge

__all__ = ["Enricher", "Knowledge", "load_knowledge"]
