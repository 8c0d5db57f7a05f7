"""schemas/asyncapi.yaml: parsed by @asyncapi/parser; its topics, keys and headers are the ones the
worker uses; its examples are valid against the generated JSON Schemas."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from coopstream.schemas import EnrichedEvent
from coopstream.schemas.generate import MODELS
from coopstream.step import RecordStep, Topics, event_messages
from coopstream.stream.ports import Record
from support.deploy import SCHEMAS, dump_yaml, load_yaml, missing, node_script, output, run, settings_defaults

pytestmark = pytest.mark.deploy

ASYNCAPI = SCHEMAS / "asyncapi.yaml"
CHANNELS = {  # channel id -> (setting of its topic, message id, JSON Schema file)
    "rawArticles": ("input_topic", "rawArticle", "raw-article.schema.json"),
    "enrichedEvents": ("output_topic", "enrichedEvent", "enriched-event.schema.json"),
    "engagements": ("engagements_topic", "engagementRecord", "engagement-record.schema.json"),
    "deadLetters": ("dlq_topic", "deadLetter", "dead-letter.schema.json"),
}


def document() -> dict[str, Any]:
    data = load_yaml(ASYNCAPI)
    assert isinstance(data, dict)
    return data


def parse(path: Path) -> Any:
    """The parser's verdict; warnings count as failures too (--strict)."""
    return run([*node_script("validate-asyncapi.mjs"), "--strict", str(path)])


def jsonschema_lib() -> Any:
    try:
        import jsonschema
    except ImportError:
        missing("jsonschema (it comes with check-jsonschema)")
    return jsonschema


def example_problems(doc: dict[str, Any]) -> list[str]:
    """Every way an example message disagrees with its payload's JSON Schema or its headers' schema."""
    jsonschema = jsonschema_lib()
    problems = []
    messages = doc["components"]["messages"]
    for message_id, message in messages.items():
        schema = json.loads((SCHEMAS / Path(message["payload"]["$ref"]).name).read_text(encoding="utf-8"))
        payload = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        headers = jsonschema.Draft202012Validator(message["headers"]) if "headers" in message else None
        if not message.get("examples"):
            problems.append(f"{message_id}: no example")
        for example in message.get("examples", []):
            where = f"{message_id}/{example['name']}"
            errors = payload.iter_errors(example["payload"])
            problems += [f"{where}: payload {e.json_path}: {e.message}" for e in errors]
            if headers is not None:
                problems += [
                    f"{where}: headers {e.json_path}: {e.message}"
                    for e in headers.iter_errors(example.get("headers", {}))
                ]
    return problems


def test_asyncapi_parser_accepts_the_document() -> None:
    proc = parse(ASYNCAPI)
    assert proc.returncode == 0, output(proc)
    assert "valid AsyncAPI 3.0.0" in proc.stdout
    assert not [line for line in proc.stdout.splitlines() if line.startswith("FAIL")]


def test_channels_are_the_topics_of_the_settings() -> None:
    doc = document()
    defaults = settings_defaults()
    assert doc["asyncapi"].startswith("3.0")
    assert set(doc["channels"]) == set(CHANNELS)
    for channel_id, (setting, message_id, schema_file) in CHANNELS.items():
        channel = doc["channels"][channel_id]
        assert channel["address"] == defaults[setting] == channel["bindings"]["kafka"]["topic"]
        assert channel["messages"][message_id]["$ref"] == f"#/components/messages/{message_id}"
        message = doc["components"]["messages"][message_id]
        assert message["payload"] == {"$ref": f"./{schema_file}"} and schema_file in MODELS
        assert "key" in message["bindings"]["kafka"]
        assert channel["bindings"]["kafka"]["partitions"] == defaults["topic_partitions"]
    actions = {op["channel"]["$ref"].rsplit("/", 1)[1]: op["action"] for op in doc["operations"].values()}
    assert actions == {"rawArticles": "receive", "enrichedEvents": "send", "engagements": "send", "deadLetters": "send"}
    (consume,) = [op for op in doc["operations"].values() if op["action"] == "receive"]
    assert consume["bindings"]["kafka"]["groupId"]["default"] == defaults["group_id"]


def test_headers_are_the_ones_the_worker_sends() -> None:
    doc = document()
    messages = doc["components"]["messages"]
    example = messages["enrichedEvent"]["examples"][0]
    event = EnrichedEvent.model_validate(example["payload"])
    topics = Topics("out", "engagements", "dlq")
    sent = {m.kind.value: m for m in event_messages(event.model_dump(mode="json"), topics)}
    letter = RecordStep(lambda *_: event, topics, 1024).handle(Record("in", 0, 7, b"k", b"not json"))
    sent["dead_letter"] = letter.messages[0]
    pairs = (("event", "enrichedEvent"), ("engagement", "engagementRecord"), ("dead_letter", "deadLetter"))
    for kind, message_id in pairs:
        declared = messages[message_id]["headers"]
        names = [name for name, _ in sent[kind].headers]
        assert set(names) == set(declared["properties"]) == set(declared["required"]), message_id
    assert dict(sent["event"].headers)["themes"].decode() == example["headers"]["themes"]
    assert set(messages["enrichedEvent"]["headers"]["required"]) == {"schema_version", "content-type", "themes"}


def test_examples_are_valid_against_the_json_schemas() -> None:
    assert example_problems(document()) == []


def test_example_event_belongs_to_the_example_article() -> None:
    messages = document()["components"]["messages"]
    article = messages["rawArticle"]["examples"][0]["payload"]
    event = messages["enrichedEvent"]["examples"][0]["payload"]
    text = article["text"]
    assert event["article_id"] == article["id"]
    spans = [m for e in event["entities"] for m in e["mentions"]] + [s for t in event["themes"] for s in t["evidence"]]
    assert spans and all(text[s["start"] : s["end"]] == s["text"] for s in spans)
    record = messages["engagementRecord"]["examples"][0]["payload"]
    assert record["event_id"] == event["event_id"] and record["engagement"] == event["engagements"][record["index"]]


# ---------------------------------------------------------------------- broken input fails


def _copy(folder: Path, text: str) -> Path:
    folder.mkdir()
    for schema in MODELS:
        shutil.copy(SCHEMAS / schema, folder / schema)
    path = folder / "asyncapi.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_broken_documents_fail_the_parser(tmp_path: Path) -> None:
    text = ASYNCAPI.read_text(encoding="utf-8")
    breakages = {  # name: (old, new, what the parser says)
        "action": (
            "    action: send\n",
            "    action: publish\n",  # AsyncAPI 2 vocabulary
            '"action" property must be equal to one of the allowed values',
        ),
        "schema-file": (
            "$ref: './dead-letter.schema.json'",
            "$ref: './dead-letters.schema.json'",
            "dead-letters.schema.json",
        ),
        "address": ("    address: articles.dlq\n", "    address: [articles.dlq]\n", '"address" property type must be'),
    }
    paths = {}
    for name, (old, new, _) in breakages.items():
        assert old in text
        paths[name] = _copy(tmp_path / name, text.replace(old, new, 1))
    proc = run([*node_script("validate-asyncapi.mjs"), *map(str, paths.values())])
    assert proc.returncode != 0, output(proc)
    for name, (_, _, expected) in breakages.items():
        assert f"{paths[name]}: not a valid AsyncAPI document" in proc.stdout, output(proc)
        assert expected in proc.stdout, f"{name}: {expected!r} not reported\n{output(proc)}"


def test_broken_example_fails_the_schema_check() -> None:
    doc = document()
    example = doc["components"]["messages"]["engagementRecord"]["examples"][0]
    example["payload"]["index"] = "zero"
    del doc["components"]["messages"]["enrichedEvent"]["examples"][0]["headers"]["themes"]
    problems = "\n".join(example_problems(load_yaml_text(dump_yaml(doc))))
    assert "engagementRecord/firstEngagement: payload $.index: 'zero' is not of type 'integer'" in problems
    assert "enrichedEvent/event: headers $: 'themes' is a required property" in problems


def load_yaml_text(text: str) -> Any:
    from support.deploy import yaml_lib

    return yaml_lib().safe_load(text)
