"""requirements.lock, the input of the dependency audit (make audit): the runtime dependencies only,
all of them, each pinned to one version within the ranges pyproject.toml allows.

That the pins are exactly the installed versions is checked by make audit (security/lock.py
--check) rather than here: a fresh set-up may resolve newer versions, and the lock is then
regenerated and audited again."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from support.paths import ROOT

pytestmark = pytest.mark.security

LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([a-z0-9][a-z0-9-]*)==([0-9][0-9A-Za-z.+!-]*)$")


def lock_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("security_lock", ROOT / "security" / "lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pins() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"not a name==version pin of a canonical name: {line!r}"
        assert match.group(1) not in found, f"pinned twice: {match.group(1)}"
        found[match.group(1)] = match.group(2)
    return found


def project() -> dict[str, object]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert isinstance(data, dict)
    return data


def test_the_lock_pins_every_runtime_dependency_within_its_range() -> None:
    pinned = pins()
    assert list(pinned) == sorted(pinned)
    for text in project()["dependencies"]:  # type: ignore[attr-defined]
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is a dependency of coopstream but not in requirements.lock"
        assert requirement.specifier.contains(Version(pinned[name]), prereleases=True), (name, pinned[name])


def test_the_lock_holds_the_runtime_closure_and_no_tool() -> None:
    closure = lock_module().runtime_closure()
    assert set(pins()) == set(closure), "requirements.lock is out of date: run make lock (and make audit)"
    tools = {
        canonicalize_name(Requirement(t).name) for group in project()["optional-dependencies"].values() for t in group
    }  # type: ignore[attr-defined]
    assert tools and not tools & set(pins())


def test_the_lock_is_what_the_generator_writes() -> None:
    module = lock_module()
    text = module.render(pins())
    assert text == LOCK.read_text(encoding="utf-8"), "requirements.lock was edited by hand: run make lock"
