"""Per-option time zones: a choice (e.g. the user's state) sets the conversation's clock."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from flows import Pack, State, advance, events, start
from flows.engine import Step
from tests.flows.packkit import (
    END,
    clean_pack,
    issues_of,
    load,
    notices,
    question,
    result,
    run,
    write_pack,
)

UTC = dt.UTC

NODES = """\
where:
  kind: choice
  text: Which state do you live in?
  help: Times are read on your local clock.
  reprompt: Tap a button.
  options:
    - {id: california, label: California, timezone: America/Los_Angeles}
    - {id: new_york, label: New York, timezone: America/New_York}
    - {id: other, label: Another state}
  next: when
when:
  kind: datetime
  text: When did they call?
  help: Calls at night matter.
  reprompt: Give a date and time.
  next: done
""" + END

RULES = """\
rules:
  - id: night
    when:
      any:
        - {fact: when.hour, gte: 21}
        - {fact: when.hour, lt: 8}
    severity: medium
    title: A call at night
    explanation: They called at {when}, your local time.
"""


@pytest.fixture
def pack(tmp_path: Path) -> Pack:
    return clean_pack(tmp_path / "zones", NODES, start="where", extra=RULES)


def findings(step: Step) -> list[str]:
    return [f.rule for f in result(step).findings]


def test_picking_a_state_sets_the_conversation_zone(pack: Pack) -> None:
    now = dt.datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    step = run(pack, now)
    assert step.state.timezone == "America/New_York" == step.state.home_timezone
    step = advance(pack, step.state, events.Pick("where", "california"), now=now)
    assert step.state.timezone == "America/Los_Angeles"
    assert step.state.home_timezone == "America/New_York"


def test_the_same_moment_is_night_in_new_york_not_in_california(pack: Pack) -> None:
    now = dt.datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # 23:00 in New York, 20:00 in California
    ny = run(pack, now, events.Pick("where", "new_york"), events.Say("just now"))
    ca = run(pack, now, events.Pick("where", "california"), events.Say("just now"))
    assert findings(ny) == ["night"]
    assert findings(ca) == []
    assert ny.state.answers["when"] == "2026-11-27T23:00:00-05:00"
    assert ca.state.answers["when"] == "2026-11-27T20:00:00-08:00"
    assert "2026-11-27 23:00" in result(ny).findings[0].explanation


def test_today_and_yesterday_follow_the_local_date(pack: Pack) -> None:
    now = dt.datetime(2026, 11, 28, 6, 0, tzinfo=UTC)  # NY: 01:00 on the 28th; CA: 22:00, 27th
    ny = run(pack, now, events.Pick("where", "new_york"), events.Say("yesterday 9pm"))
    ca = run(pack, now, events.Pick("where", "california"), events.Say("yesterday 9pm"))
    assert ny.state.answers["when"] == "2026-11-27T21:00:00-05:00"
    assert ca.state.answers["when"] == "2026-11-26T21:00:00-08:00"


def test_the_future_check_uses_the_local_clock(pack: Pack) -> None:
    now = dt.datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # 23:00 in NY, 20:00 in CA
    ny = run(pack, now, events.Pick("where", "new_york"), events.Say("2026-11-27 22:30"))
    assert ny.state.status == "done"
    ca = run(pack, now, events.Pick("where", "california"), events.Say("2026-11-27 22:30"))
    assert question(ca).node == "when" and "when" not in ca.state.answers
    assert any("future" in text for text in notices(ca))


def test_back_undoes_the_zone_change(pack: Pack) -> None:
    now = dt.datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    step = run(pack, now, events.Pick("where", "california"))
    assert step.state.timezone == "America/Los_Angeles"
    step = advance(pack, step.state, events.Back(), now=now)
    assert question(step).node == "where"
    assert step.state.timezone == "America/New_York"
    step = advance(pack, step.state, events.Pick("where", "other"), now=now)
    assert step.state.timezone == "America/New_York"  # an option without a zone keeps home
    step = advance(pack, step.state, events.Back(), now=now)
    step = advance(pack, step.state, events.Pick("where", "california"), now=now)
    step = advance(pack, step.state, events.Say("just now"), now=now)
    assert findings(step) == []


def test_the_home_zone_comes_from_start_and_restart_returns_to_it(pack: Pack) -> None:
    now = dt.datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    step = start(pack, "en", now=now, timezone="America/Chicago")
    step = advance(pack, step.state, events.Pick("where", "other"), now=now)
    assert step.state.timezone == "America/Chicago"
    step = advance(pack, step.state, events.Back(), now=now)
    step = advance(pack, step.state, events.Pick("where", "california"), now=now)
    step = advance(pack, step.state, events.Restart(), now=now)
    assert step.state.timezone == "America/Chicago" == step.state.home_timezone


def test_saved_states_keep_the_zone_and_old_states_still_load(pack: Pack) -> None:
    now = dt.datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    step = run(pack, now, events.Pick("where", "california"))
    again = State.from_json(step.state.to_json())
    assert again == step.state
    old = json.loads(step.state.to_json())
    del old["home_timezone"]
    old["timezone"] = "America/New_York"
    old["path"], old["answers"] = ["where"], {}
    loaded = State.from_json(json.dumps(old))
    step = advance(pack, loaded, events.Pick("where", "california"), now=now)
    assert step.state.timezone == "America/Los_Angeles"
    step = advance(pack, step.state, events.Back(), now=now)
    assert step.state.timezone == "America/New_York"


def test_a_changed_pack_replays_the_zone(pack: Pack, tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    step = run(pack, now, events.Pick("where", "california"))
    folder = write_pack(tmp_path / "v2", NODES, start="where", extra=RULES)
    text = (folder / "pack.yaml").read_text(encoding="utf-8").replace('version: "1"',
                                                                       'version: "2"')
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    newer, _ = load(folder)
    step = advance(newer, step.state, events.Repeat(), now=now)
    assert step.state.pack_version == newer.version != pack.version
    assert step.state.timezone == "America/Los_Angeles"


def test_an_unknown_zone_name_is_an_error_at_its_line(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "bad", NODES.replace("America/Los_Angeles",
                                                        "America/Hollywood"), start="where")
    issues = [i for i in issues_of(folder) if i.level == "error"]
    assert len(issues) == 1
    assert issues[0].file.endswith("nodes.yaml") and issues[0].line == 8  # the California option
    assert "'America/Hollywood' is not an IANA time zone" in issues[0].message


def test_a_zone_on_a_multi_option_is_refused(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "multi", NODES.replace("kind: choice", "kind: multi"),
                        start="where")
    errors = [i.message for i in issues_of(folder) if i.level == "error"]
    assert any("timezone applies to options of choice questions only" in m for m in errors)


def test_a_time_question_before_the_zone_question_is_a_warning(tmp_path: Path) -> None:
    swapped = """\
when:
  kind: datetime
  text: When did they call?
  help: Calls at night matter.
  reprompt: Give a date and time.
  next: where
where:
  kind: choice
  text: Which state?
  help: Local clock.
  reprompt: Tap a button.
  options:
    - {id: california, label: California, timezone: America/Los_Angeles}
    - {id: other, label: Another state}
  next: done
""" + END
    folder = write_pack(tmp_path / "order", swapped, start="when")
    warnings = [i for i in issues_of(folder) if i.level == "warning"]
    assert [w.check for w in warnings] == ["timezone"]
    assert "ask 'where' first" in warnings[0].message and warnings[0].line == 2
