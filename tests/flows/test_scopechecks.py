"""The validator's scope rules: a law cited only where the rule decides whom it covers, every
place of a known jurisdiction offered with its zone and its own office, and no text naming a
place to people who live elsewhere."""

from __future__ import annotations

from pathlib import Path

from flows.conditions import parse_condition
from flows.scopechecks import US_STATES, conjuncts, pinned
from tests.flows.packkit import END, clean_pack, issues_of, write_pack

NODES = """\
who:
  kind: choice
  text: Who called?
  help: Different laws cover different callers.
  reprompt: Please tap a button.
  options:
    - {id: collector, label: A debt collector}
    - {id: lender, label: The lender}
  next: done
""" + END

SCOPED = """\
conditions:
  scope_fed:
    fact: who
    equals: collector
  covered:
    all:
      - {use: scope_fed}
rules:
  - id: threat
    when: $when
    severity: high
    title: A threat
    explanation: They threatened you.
    citations: [fed_threats]
citations:
  fed_threats:
    law: A federal act
    kind: statute
    article: § 1
    effective: 1978-03-20
    url: https://www.ecfr.gov/x
    confidence: verified-from-source
"""


def _scope_errors(tmp_path: Path, when: str) -> list[str]:
    folder = write_pack(tmp_path / "p", NODES, start="who",
                        extra=SCOPED.replace("$when", when))
    return [i.message for i in issues_of(folder) if i.check == "scope"]


def test_a_rule_that_requires_the_scope_passes(tmp_path: Path) -> None:
    assert _scope_errors(tmp_path, "{use: scope_fed}") == []
    assert _scope_errors(tmp_path, "{all: [{use: covered}, {fact: who, known: true}]}") == []


def test_a_rule_citing_the_law_without_its_scope_is_refused(tmp_path: Path) -> None:
    errors = _scope_errors(tmp_path, "{fact: who, equals: lender}")
    assert len(errors) == 1 and "requires" not in errors[0]
    assert "does not require scope_fed" in errors[0] and "{use: scope_fed}" in errors[0]
    # Only in one branch of an "any" is not enough: the other branch would cite it too.
    assert _scope_errors(tmp_path, "{any: [{use: scope_fed}, {fact: who, equals: lender}]}")
    # Negated scope is the opposite of requiring it.
    assert _scope_errors(tmp_path, "{not: {use: scope_fed}}")


def test_conjuncts_and_pins_read_through_named_conditions() -> None:
    named = {"a": parse_condition({"all": [{"use": "b"}, {"fact": "x", "equals": 1}]}),
             "b": parse_condition({"fact": "state", "in": ["tx", "ok"]}),
             "loop": parse_condition({"use": "loop"})}
    assert conjuncts(parse_condition({"use": "a"}), named) == {"a", "b"}
    assert conjuncts(parse_condition({"use": "loop"}), named) == {"loop"}
    assert pinned(parse_condition({"use": "a"}), "state", named) == {"tx", "ok"}
    both = parse_condition({"all": [{"use": "a"}, {"fact": "state", "equals": "tx"}]})
    assert pinned(both, "state", named) == {"tx"}
    either = parse_condition({"any": [{"use": "b"}, {"fact": "x", "equals": 2}]})
    assert pinned(either, "state", named) is None
    assert pinned(parse_condition({"not": {"use": "b"}}), "state", named) is None


# --- places ----------------------------------------------------------------------------------------

def _us_pack(folder: Path, *, drop: str = "", office_text: str = "Online.",
             zone: bool = True, channel_text: str = "A federal regulator.") -> Path:
    options = "\n".join(
        f"    - {{id: {code}, label: {name}" + (", timezone: America/New_York}" if zone else "}")
        for code, name in US_STATES.items() if code != drop)
    nodes = f"""\
state:
  kind: choice
  text: Which state do you live in?
  help: Where to complain depends on it.
  reprompt: Please tap a button.
  options:
{options}
  next: done
""" + END
    rules = "\n".join(f"""\
  - id: office_rule_{code}
    when: {{fact: state, equals: {code}}}
    severity: low
    title: Where to complain in {name}
    explanation: You live in {name}.
    channels: [office_{code}, federal]""" for code, name in US_STATES.items())
    channels = "\n".join(f"""\
  office_{code}:
    name: The {name} office
    contact: {office_text}
    url: https://www.ecfr.gov/{code}""" for code, name in US_STATES.items())
    extra = (f"rules:\n{rules}\nchannels:\n{channels}\n  federal:\n    name: Regulator\n"
             f"    contact: {channel_text}\n    url: https://www.consumerfinance.gov/x\n")
    folder = write_pack(folder, nodes, start="state", extra=extra)
    pack_file = folder / "pack.yaml"
    pack_file.write_text(pack_file.read_text().replace("jurisdiction: TEST", "jurisdiction: US"))
    return folder


def _place_errors(folder: Path) -> list[str]:
    return [i.message for i in issues_of(folder) if i.check == "place"]


def test_a_complete_us_pack_passes(tmp_path: Path) -> None:
    assert _place_errors(_us_pack(tmp_path / "ok")) == []


def test_a_missing_state_and_a_missing_zone_are_named(tmp_path: Path) -> None:
    errors = _place_errors(_us_pack(tmp_path / "drop", drop="ok"))
    assert any("do not offer Oklahoma (ok)" in e for e in errors), errors
    errors = _place_errors(_us_pack(tmp_path / "zone", zone=False))
    assert sum("needs the timezone" in e for e in errors) == 51


def test_a_state_named_to_everyone_is_refused(tmp_path: Path) -> None:
    folder = _us_pack(tmp_path / "named", channel_text="In California, call the office.")
    errors = _place_errors(folder)
    assert len(errors) == 1 and "names California, but it can be shown to people in 51" in errors[0]
    # "West Virginia" is one place, not also "Virginia"; and a state's own rule may name it.
    ok = _us_pack(tmp_path / "west", channel_text="Help for everyone.")
    assert _place_errors(ok) == []


def test_a_state_named_to_another_state_is_refused(tmp_path: Path) -> None:
    folder = _us_pack(tmp_path / "other")
    rules = (folder / "more.yaml").read_text().replace(
        "explanation: You live in Texas.", "explanation: You live in Texas, like California.")
    (folder / "more.yaml").write_text(rules)
    errors = _place_errors(folder)
    assert len(errors) == 1 and "names California" in errors[0]
    assert "shown to people in Texas" in errors[0]


def test_every_state_needs_its_own_office(tmp_path: Path) -> None:
    folder = _us_pack(tmp_path / "office")
    rules = (folder / "more.yaml").read_text().replace(
        "    channels: [office_tx, federal]", "    channels: [federal]")
    (folder / "more.yaml").write_text(rules)
    errors = _place_errors(folder)
    assert any("shown only to people in: Texas" in e for e in errors), errors


def test_packs_of_other_jurisdictions_are_not_asked_for_places(tmp_path: Path) -> None:
    clean_pack(tmp_path / "kit", NODES, start="who")
