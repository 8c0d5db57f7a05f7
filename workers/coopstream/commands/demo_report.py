"""The readable part of ``coopstream demo``: one paragraph per enriched article, and the metrics line."""

from __future__ import annotations

from typing import Any

EXCERPT_METRICS = (
    ("coopstream_records_consumed_total", "records"),
    ("coopstream_events_published_total", "events"),
    ("coopstream_engagements_published_total", "engagements"),
    ("coopstream_dead_letters_total", "dead letters"),
    ("coopstream_commits_total", "commits"),
)


def person(entity: dict[str, Any]) -> str:
    attrs = entity.get("attributes") or {}
    name = str(entity.get("name", "?"))
    rank, title = attrs.get("rank"), attrs.get("title")
    label = f"{rank} {name}" if rank else name
    details = [str(x) for x in (attrs.get("grade"), attrs.get("service"), attrs.get("affiliation")) if x]
    if title and not rank:
        label = f"{title} {name}"
    elif title:
        details.insert(0, str(title))
    return f"{label} ({', '.join(details)})" if details else label


def engagement(item: dict[str, Any]) -> str:
    where = ", ".join(x for x in (item.get("location"), item.get("country")) if x)
    start, end = item.get("start_date"), item.get("end_date")
    when = f"{start}..{end}" if start and end and start != end else (start or "")
    who = ", ".join(item.get("actors") or [])
    with_whom = ", ".join(item.get("counterparts") or [])
    parts = [str(item.get("type", "?"))]
    if who:
        parts.append(f"by {who}")
    if with_whom:
        parts.append(f"with {with_whom}")
    if where:
        parts.append(f"in {where}")
    if when:
        parts.append(when)
    return " ".join(parts)


def article_summary(event: dict[str, Any], top_themes: int = 3) -> str:
    people = [person(e) for e in event.get("entities", []) if e.get("type") == "person"]
    countries = [f"{c['name']} ({c['code']}, {c['mentions']}x)" for c in event.get("countries", [])]
    themes = [f"{t['label']} {t['score']:.2f}" for t in event.get("themes", [])[:top_themes]]
    engagements = [engagement(e) for e in event.get("engagements", [])]
    lines = [f"{event.get('article_id')}: {event.get('title') or '(no title)'}"]
    lines.append(f"  people:      {'; '.join(people) or '-'}")
    lines.append(f"  countries:   {', '.join(countries) or '-'}")
    lines.append(f"  top themes:  {', '.join(themes) or '-'}")
    if engagements:
        lines.append(f"  engagements: {engagements[0]}")
        lines.extend(f"               {text}" for text in engagements[1:])
    else:
        lines.append("  engagements: -")
    return "\n".join(lines)


def dead_letter_summary(letter: dict[str, Any]) -> str:
    error = letter.get("error") or {}
    record = letter.get("record") or {}
    where = f"{record.get('topic')}[{record.get('partition')}]@{record.get('offset')}"
    return f"dead letter from {where}: {error.get('kind')}: {str(error.get('message', ''))[:120]}"


def metrics_excerpt(text: str) -> str:
    """``records=10, events=10, ...`` from a Prometheus text exposition (labelled series summed)."""
    totals = metric_totals(text)
    return ", ".join(f"{label}={totals.get(name, 0.0):g}" for name, label in EXCERPT_METRICS)


def metric_totals(text: str) -> dict[str, float]:
    """Each sample name's value, summed over its labels."""
    totals: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_part, _, value = line.rpartition(" ")
        name = name_part.split("{", 1)[0]
        try:
            totals[name] = totals.get(name, 0.0) + float(value)
        except ValueError:
            continue
    return totals
