"""Going back to the last question asked.

Answers the person confirmed from their story are answers like any other when a pack changes
(they replay, flows/replay.py), but Back never stops on them: it goes to the last question the
person was actually *asked* — which, right after the story, is "Here is what I understood"
again.
"""

from __future__ import annotations

from flows.pack import Pack
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
