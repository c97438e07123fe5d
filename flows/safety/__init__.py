"""Crisis and danger recognition: pure, data-driven, in front of everything a person types.

``safety_data()`` loads the shared lexicon, lines and responses (flows/safety/data/);
``Lexicon.check(text)`` gives a :class:`Verdict`; ``respond`` turns it into what to say for
the user's region and language. No I/O besides reading the data files once; channels (bot/)
log, audit and add buttons.
"""

from flows.safety.lexicon import DATA_DIR, Lexicon, SafetyData, inspect_safety, safety_data
from flows.safety.recognise import NOTHING, Verdict
from flows.safety.respond import language_of, regions_for, response, results_preface, talk

__all__ = ["DATA_DIR", "NOTHING", "Lexicon", "SafetyData", "Verdict", "inspect_safety", "language_of",
           "regions_for", "response", "results_preface", "safety_data", "talk"]
