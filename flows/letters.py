"""Letter templates: where they are and that they exist (rendering comes with the letters)."""

from __future__ import annotations

from pathlib import Path

from flows.issues import PackIssue
from flows.schema import PackData
from flows.yamlsource import SourceMap


def check_letter_templates(data: PackData, places: SourceMap, root: Path) -> list[PackIssue]:
    """Every letter's template file exists under the templates folder."""
    issues = []
    for letter_id, letter in data.letters.items():
        path = root / letter.template
        if not path.is_file():
            issues.append(PackIssue(*places.find(("letters", letter_id, "template")),
                                    f"template '{letter.template}' not found under {root}; "
                                    "check the path (relative to templates/)", "error",
                                    "reference"))
    return issues
