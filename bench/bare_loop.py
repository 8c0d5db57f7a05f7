"""The Kafka client's ceiling: a bare kafka-python consume -> produce -> flush -> commit loop, no coopstream.

Each consumed record's value is published unchanged to the output topic (keyed as it came); the offsets of a
batch are committed once its outputs are acknowledged, as the worker does at least once. ``--no-crc32c`` hides
the ``crc32c`` package, so that kafka-python checksums record batches in pure Python, as it does without it.

    python bench/bare_loop.py BOOTSTRAP INPUT OUTPUT GROUP COUNT [--no-crc32c]

Prints the CPU seconds it used (after the consumer joined) as JSON on the last line.
"""

from __future__ import annotations

import json
import sys
import time


def main(argv: list[str]) -> int:
    if "--no-crc32c" in argv:
        sys.modules["crc32c"] = None  # type: ignore[assignment]  # an import of it now fails
        argv = [a for a in argv if a != "--no-crc32c"]
    bootstrap, source, target, group, count = argv[0], argv[1], argv[2], argv[3], int(argv[4])
    from kafka import KafkaConsumer, KafkaProducer
    from kafka.record import util

    consumer = KafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=200,
    )
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=100, batch_size=1 << 20)
    done = 0
    cpu_start: float | None = None
    while done < count:
        batches = consumer.poll(timeout_ms=500)
        if cpu_start is None:
            cpu_start = time.process_time()
        for records in batches.values():
            for record in records:
                producer.send(target, key=record.key, value=record.value)
                done += 1
        producer.flush()
        if batches:
            consumer.commit()
    cpu = time.process_time() - (cpu_start or 0.0)
    producer.close()
    consumer.close()
    print(json.dumps({"cpu_s": cpu, "records": done, "crc32c_c": util.crc32c_c is not None}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
