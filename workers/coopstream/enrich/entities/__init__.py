"""The entity pass: finders by kind (people, organizations, operations, vessels, places), each
returning candidates; one rule settling their overlaps; grouping into entities (``find.py``)."""
