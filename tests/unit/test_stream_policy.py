"""The error policy, the exit codes, batch pacing and the stop flag."""

from __future__ import annotations

import os
import re
import signal

import pytest

from coopstream import exits
from coopstream.errors import (
    CommitFailed,
    ConfigError,
    DeadLetterUnavailable,
    DecodeError,
    EnrichmentFailed,
    InstanceFenced,
    ProducerFenced,
    PublishFailed,
    StreamError,
    TransactionFailed,
)
from coopstream.policy import Action, on_error
from coopstream.stream.pacing import Pacer
from coopstream.stream.ports import Record
from coopstream.stream.shutdown import StopFlag

RECORD = Record("raw", 0, 7, b"k", b"v")


@pytest.mark.parametrize(
    ("exc", "record", "action"),
    [
        (DecodeError("x"), RECORD, Action.DEAD_LETTER),
        (EnrichmentFailed("x"), RECORD, Action.DEAD_LETTER),
        (KeyError("a bug"), RECORD, Action.DEAD_LETTER),
        (DeadLetterUnavailable("x"), None, Action.STOP),
        (PublishFailed("x"), None, Action.STOP),
        (TransactionFailed("x"), None, Action.RETRY),
        (ProducerFenced("x"), None, Action.RECREATE_PRODUCER),
        (CommitFailed("x"), None, Action.CONTINUE),
        (InstanceFenced("x"), None, Action.STOP),
        (KeyError("a bug"), None, Action.STOP),
    ],
)
def test_policy(exc: BaseException, record: Record | None, action: Action) -> None:
    assert on_error(exc, record) is action


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (DeadLetterUnavailable("x"), 5),
        (PublishFailed("x"), 6),
        (ProducerFenced("x"), 7),
        (InstanceFenced("x"), 7),
        (ConfigError("x"), 3),
        (StreamError("x"), 4),
        (RuntimeError("x"), 1),
    ],
)
def test_exit_codes(exc: BaseException, code: int) -> None:
    assert exits.exit_code_for(exc) == code
    assert re.search(rf"^\s*{code}\s", exits.__doc__ or "", re.MULTILINE), code  # every code is documented


def test_pacer_sizes_batches_from_measured_time() -> None:
    pacer = Pacer.for_settings(batch_size=500, max_poll_interval_ms=10_000, stale_after_s=60)
    assert pacer.budget_s == 5.0
    assert pacer.size() == 500  # nothing measured yet
    pacer.observe(100, 1.0)  # 10 ms per record: 2.5 s (half the budget) fits 250
    assert pacer.size() == 250
    pacer.observe(1, 30.0)  # one very slow record pulls the average up
    assert 1 <= pacer.size() < 250
    pacer.observe(0, 5.0)  # an empty batch teaches nothing
    with pytest.raises(ValueError):
        Pacer(0, 1.0)


def test_first_signal_flips_the_flag_and_is_restored() -> None:
    flag = StopFlag().install((signal.SIGUSR1,))
    try:
        assert not flag.requested
        os.kill(os.getpid(), signal.SIGUSR1)
        assert flag.requested and flag.reason == "SIGUSR1" and flag.requested_at is not None
    finally:
        flag.restore()
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL


def test_a_second_signal_exits_at_once_with_128_plus_its_number() -> None:
    import subprocess
    import sys

    script = (
        "import os, signal, time\n"
        "from coopstream.stream.shutdown import StopFlag\n"
        "flag = StopFlag().install()\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "assert flag.requested\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "time.sleep(5)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 128 + signal.SIGTERM
    assert "second signal SIGTERM: exiting at once" in done.stderr
