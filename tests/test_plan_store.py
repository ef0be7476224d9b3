"""Hidden plans kept on the grader's disk (autograder.plan_store): planned from the reference
once per version of an exercise, read back equal by every later process, planned again when
anything they depend on changes, private to the grader and hidden from the sandbox."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import plan as plan_module
from autograder.course import Course
from autograder.isolate.backends import Sandbox, SandboxLimits
from autograder.plan import hidden_plans, plan_from_reference
from autograder.plan_store import PLAN_CACHE_ENV, plan_cache_dir, plans_key, stored_plans

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "plans"
    monkeypatch.setenv(PLAN_CACHE_ENV, str(folder))
    plan_module._hidden_plans_cached.cache_clear()
    yield folder
    plan_module._hidden_plans_cached.cache_clear()


def _json(plans) -> str:
    return json.dumps([p.to_json() for p in plans], sort_keys=True)


def _never():
    raise AssertionError("planned again: the stored plans were not used")


def test_a_new_process_reads_the_plans_back_instead_of_running_the_reference(store, monkeypatch):
    exercise = Course(ROOT).exercise("ex01_sigmoid")
    planned = hidden_plans(exercise)  # runs the reference, stores the plans
    assert [p.name for p in planned] and list(store.glob("ex01_sigmoid-*.json"))
    plan_module._hidden_plans_cached.cache_clear()  # as a new process
    monkeypatch.setattr(plan_module, "open_student", lambda *a, **k: _never())
    assert _json(hidden_plans(exercise)) == _json(planned)


def test_plans_read_back_are_bound_to_their_exercise_as_planned_ones(store):
    """A model check read back has its data task and the released network (ex10's base model)."""
    course = Course(ROOT)
    for name in ("ex05_mlp", "ex10_fine_tuning"):
        exercise = course.exercise(name)
        planned = stored_plans(exercise, lambda e=exercise: plan_from_reference(e, hidden=True))
        read = stored_plans(exercise, _never)
        assert _json(read) == _json(planned)
        for made, back in zip(planned, read, strict=True):
            assert back.task is not None and back.task.name == made.task.name
            assert back.base_file == made.base_file
            assert back.relabel is not None and back.relabel == made.relabel  # the learning check's secret
            assert back.training.learning == made.training.learning


def test_a_changed_checks_file_or_solution_is_planned_again(store, tmp_path):
    course_root = tmp_path / "course"
    for part in ("exercises", "solutions"):
        shutil.copytree(ROOT / part, course_root / part)
    exercise = Course(course_root).exercise("ex01_sigmoid")
    before = plans_key(exercise)
    stored_plans(exercise, lambda: plan_from_reference(exercise, hidden=True))
    assert plans_key(Course(ROOT).exercise("ex01_sigmoid")) == before  # the key is the content, not the path
    checks = exercise.source_dir / "checks.py"
    checks.write_text(checks.read_text() + "\n# a new version\n")
    assert plans_key(exercise) != before
    again = []
    stored_plans(exercise, lambda: again.append(1) or plan_from_reference(exercise, hidden=True))
    assert again == [1]
    notebook = exercise.solution_notebook
    notebook.write_text(notebook.read_text().replace("def ", "def  ", 1))
    assert plans_key(exercise) not in {before, plans_key(Course(ROOT).exercise("ex01_sigmoid"))}


def test_off_or_an_unwritable_folder_plans_in_every_process(tmp_path, monkeypatch):
    exercise = Course(ROOT).exercise("ex01_sigmoid")
    made = []

    def make():
        made.append(1)
        return plan_from_reference(exercise, hidden=True)

    monkeypatch.setenv(PLAN_CACHE_ENV, "off")
    assert plan_cache_dir() is None
    stored_plans(exercise, make), stored_plans(exercise, make)
    assert made == [1, 1]
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(PLAN_CACHE_ENV, str(blocked / "plans"))
    stored_plans(exercise, make), stored_plans(exercise, make)
    assert made == [1, 1, 1, 1]


PLAN_ONCE = """
import sys, time
from pathlib import Path
from autograder.course import Course
from autograder.plan import plan_from_reference
from autograder.plan_store import stored_plans

exercise = Course(sys.argv[1]).exercise("ex01_sigmoid")

def make():
    with open(sys.argv[2], "a") as log:
        log.write("planned\\n")
    time.sleep(1)  # the other process asks meanwhile
    return plan_from_reference(exercise, hidden=True)

print(len(stored_plans(exercise, make)))
"""


def test_processes_that_ask_at_once_plan_once_and_get_the_same_plans(store):
    log = store.parent / "planned.log"
    env = {**os.environ, PLAN_CACHE_ENV: str(store)}
    procs = [subprocess.Popen([sys.executable, "-c", PLAN_ONCE, str(ROOT), str(log)], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outputs]
    assert log.read_text() == "planned\n"
    assert len({out for out, _ in outputs}) == 1


def test_the_store_is_private_and_hidden_from_the_sandbox(store):
    stored_plans(Course(ROOT).exercise("ex01_sigmoid"),
                 lambda: plan_from_reference(Course(ROOT).exercise("ex01_sigmoid"), hidden=True))
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    (stored,) = store.glob("ex01_sigmoid-*.json")
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert store in Sandbox("unshare", ()).hidden_paths()


def test_no_sandbox_shows_the_store_not_even_inside_the_data_it_shows(tmp_path, monkeypatch):
    """``--data visible`` shows the data folders read-only: the default store is outside the
    user's data cache, and a store named inside a shown folder is covered (bwrap) or hidden (unshare)."""
    from autograder.isolate.backends import available, data_dirs, detect

    monkeypatch.delenv(PLAN_CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "cache" / "deepgrade").mkdir(parents=True)
    assert not any(plan_cache_dir().is_relative_to(folder) for folder in data_dirs())
    data = tmp_path / "data"
    store = data / "plans"
    store.mkdir(parents=True)
    monkeypatch.setenv("DEEPGRADE_DATA", str(data))
    monkeypatch.setenv(PLAN_CACHE_ENV, str(store))
    if available("bwrap").works:
        args = detect("bwrap", show_data=True).wrap(tmp_path, 0, SandboxLimits())
        assert ["--ro-bind", str(data), str(data)] == args[args.index(str(data)) - 1:args.index(str(data)) + 2]
        assert args[args.index(str(store)) - 1] == "--tmpfs"
    assert store in Sandbox("unshare", (), show_data=True).hidden_paths()
