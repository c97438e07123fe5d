"""The spotter on the story fixture: what it finds, and the words each fact came from."""

from __future__ import annotations

import datetime as dt

from flows.proposals import propose
from flows.spotter import find
from tests.flows.storykit import NOW, story_pack


def found(text: str, now: dt.datetime = NOW) -> dict[str, list[object]]:
    pack = story_pack()
    hits = find(pack.spotter, text, now)
    result: dict[str, list[object]] = {}
    for hit in hits:
        result.setdefault(hit.node, []).append(hit.value)
    return result


def words(text: str) -> dict[tuple[str, str], str]:
    """(node, value) -> the words it came from."""
    pack = story_pack()
    out = {}
    for item in propose(pack, text, find(pack.spotter, text, NOW), set()):
        out[(item["node"], repr(item["value"]))] = text[item["span"][0]:item["span"][1]]
    return out


def test_negation() -> None:
    assert "said" not in found("他们没有威胁要打死我。")
    assert found("他们威胁要打死我。")["said"] == ["violence"]
    assert "said" not in found("They never threatened to kill me.")
    assert found("他说如果不还钱就找人来收拾你。")["said"] == ["violence"]  # 不 is no denial here
    assert found("他们没有上门。").get("did") is None
    assert found("He hasn't paid, they said.").get("paid") is None


def test_negated_yes_no_proposes_no() -> None:
    assert set(found("我已经还清了。")["paid"]) == {"yes"}
    assert set(found("I haven't already paid it.")["paid"]) == {"no"}


def test_except_words_are_not_negations() -> None:
    assert found("他们不停地骂我。")["said"] == ["insults"]  # 不停 is not "not"


def test_speaker() -> None:
    assert found("我已经跟他们说了4次不要再打了。")["asked_stop"] == [4]
    assert "asked_stop" not in found("他们说不要再打了也没用。")  # their words, not mine
    assert found("I have told them 4 times to stop calling.")["asked_stop"] == [4]


def test_quantities() -> None:
    assert found("从下午1点开始一直在打，数不清。")["contacts_today"] == [{"at_least": 10}]
    assert found("They call me every hour.")["contacts_today"] == [{"at_least": 8}]
    assert found("They called me a dozen times.")["contacts_today"] == [12]
    others = found("他们给我妈打了三十多次电话，给十几个同事发了短信。")["others"]
    assert {"family": {"at_least": 30}} in others and {"colleagues": {"at_least": 10}} in others


def test_calls_to_others_are_not_calls_to_me() -> None:
    assert "contacts_today" not in found("他们给我妈打了三十多次电话。")


def test_people_and_channels() -> None:
    result = found("They called my mother, my boss and my coworkers. They emailed strangers.")
    people = {key for value in result["others"] for key in value}
    assert people == {"family", "employer", "colleagues", "strangers"}
    assert set(result["others_how"]) == {"call", "email"}
    assert "neighbours" in {k for v in found("他们联系了我的邻居和微信好友。")["others"] for k in v}


def test_a_count_belongs_to_the_nearest_person() -> None:
    others = found("They called my mother 30 times yesterday and told my boss.")["others"]
    assert {"family": 30} in others and {"employer": None} in others


def test_times_amounts_and_names() -> None:
    result = found("我在闪电借上借了3000元。昨天晚上十点多他们又打来了。")
    assert result["contact_time"][0] == "2026-11-27T22:00:00+08:00"
    assert result["amount"] == [{"amount": 3000, "currency": "CNY"}]
    assert result["lender_name"] == ["闪电借"]
    english = found("I borrowed NT$20萬 from Happy Loan Co last week. They called last "
                    "Tuesday evening.")
    assert english["amount"] == [{"amount": 200000, "currency": "TWD"}]
    assert english["lender_name"] == ["Happy Loan Co"]
    assert english["contact_time"] == ["2026-11-24 evening"]


def test_each_fact_carries_the_words_it_came_from() -> None:
    text = "我在闪电借上借了3000元。他们还给我妈打了三十多次电话，骂我是老赖。"
    quotes = words(text)
    assert quotes[("said", "'insults'")] == "骂"
    assert quotes[("lender_name", "'闪电借'")] == "在闪电借上借"
    assert "我妈" in quotes[("others", "{'family': {'at_least': 30}}")]
    assert "三十多次" in quotes[("others", "{'family': {'at_least': 30}}")]


def test_the_same_text_gives_the_same_facts() -> None:
    text = ("我在闪电借上借了3000元。昨天晚上十点多他们又打来了，从下午1点开始一直在打，数不清。"
            "They called my mother 30 times yesterday and told my boss I am a thief.")
    pack = story_pack()
    first = find(pack.spotter, text, NOW)
    for _ in range(3):
        assert find(pack.spotter, text, NOW) == first
    assert propose(pack, text, first, set()) == propose(pack, text, list(first), set())


def test_long_pasted_chats_with_odd_characters() -> None:
    text = ("【催收】\r\n你好\t老赖！！\n" + "再不还钱就曝光你。\u3000" * 100)[:4096]
    result = found(text)
    assert set(result["said"]) >= {"insults", "expose"}
    odd = "Straße ﬁnance called my mother 3 times."  # folding changes lengths
    assert words(odd)[("others", "{'family': 3}")].endswith("3 times")


def test_a_wrapped_line_does_not_end_the_sentence() -> None:
    """Pasted or wrapped English text breaks lines inside sentences: the clause (and so a
    negation or a speaker) carries on; a line after a full stop, or Chinese lines, still cut."""
    from flows.matcher import Lexicon, Scan
    lexicon = Lexicon()
    lexicon.finish()
    wrapped = Scan("the lender (not a\ncollection agency) calls. Then\nThey called", lexicon)
    assert wrapped.clause_of(wrapped.folded.index("collection"))[0] == 0
    assert wrapped.folded.index("collection") == wrapped.text.index("collection")
    chinese = Scan("他们打电话\n没有威胁我", lexicon)
    assert chinese.clause_of(chinese.folded.index("没有"))[0] > 0
