"""Going back, and replaying answers through a changed pack.

Answers the person confirmed from their story are answers like any other when a pack changes
(they replay), but Back never stops on them: it goes to the last question the person was
actually *asked* — which, right after the story, is "Here is what I understood" again.
"""

from __future__ import annotations

from typing import Any

from flows.pack import Pack
from flows.render import option_labels
from flows.schema import QUESTION_KINDS
from flows.state import State


def previous_question(pack: Pack, state: State) -> int | None:
    """Index in the path of the last question asked before the current node, if any."""
    for index in range(len(state.path) - 2, -1, -1):
        node_id = state.path[index]
        if pack.nodes[node_id].node.kind in QUESTION_KINDS and \
                state.origins.get(node_id) != "story":
            return index
    return None


def fitting_answers(pack: Pack, answers: dict[str, Any]) -> dict[str, Any]:
    """The saved answers a changed pack can still take (options that still exist, a "none
    of these" still alone, a tally's people still listed)."""
    kept = {k: v for k, v in answers.items() if k in pack.nodes}
    for node_id, value in list(kept.items()):
        options = option_labels(pack, node_id)
        if not options or value is None:
            continue
        kind = pack.nodes[node_id].node.kind
        if kind == "tally":
            if not isinstance(value, dict) or not all(v in options for v in value):
                del kept[node_id]
            continue
        values = value if isinstance(value, list) else [value]
        exclusive = pack.nodes[node_id].exclusive
        if not all(isinstance(v, str) and v in options for v in values) or (
                len(values) > 1 and exclusive.intersection(values)):
            del kept[node_id]
    return kept
