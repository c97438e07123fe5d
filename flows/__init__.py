"""The CallShield guidance engine: flow packs (data) and a pure state machine over them.

Imports neither Telegram nor storage; channels in ``bot/`` turn its plain replies into
messages and persist its JSON state.
"""

from flows import events
from flows.engine import Step, advance, start
from flows.facts import plain as plain_facts
from flows.issues import PackInvalid, PackIssue
from flows.loader import available_packs, inspect_pack, load_pack, packs_dir, resolve_pack
from flows.pack import Pack
from flows.replies import (
    Choice,
    CitationView,
    FindingView,
    Message,
    NamedText,
    Question,
    Reply,
    Result,
)
from flows.state import State
from flows.textchecks import callback_payload

__all__ = [
    "Choice",
    "CitationView",
    "FindingView",
    "Message",
    "NamedText",
    "Pack",
    "PackInvalid",
    "PackIssue",
    "Question",
    "Reply",
    "Result",
    "State",
    "Step",
    "advance",
    "available_packs",
    "callback_payload",
    "events",
    "inspect_pack",
    "load_pack",
    "packs_dir",
    "plain_facts",
    "resolve_pack",
    "start",
]
