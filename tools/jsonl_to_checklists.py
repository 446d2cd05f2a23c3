#!/usr/bin/env python3
"""Turn the feature rows of a design-corpus file (prompts/training/design/*.jsonl) into
checklist fixtures (the format of tests/fixtures/checklists.toml), so the checklist test can
measure a validation split:

    python3 tools/jsonl_to_checklists.py prompts/training/design/validation4.jsonl > /tmp/v4.toml
    CHECKLISTS_FIXTURES=/tmp/v4.toml cargo test --test checklists standard -- --nocapture

Each fixture holds the messages from the row's `feature_from`, without authors; `packs` are
the row's first two packs, `not_packs` and `questions` (`must_questions`) as labelled. The
floors the test asserts are for the shipped fixtures; read the printed report."""
import json
import sys


def fixture(row):
    start = row.get("feature_from", 0)
    messages = [m.split(": ", 1)[-1] for m in row["messages"][start:]]
    if len(messages) < 2:
        messages = [m.split(": ", 1)[-1] for m in row["messages"]]
    lines = [
        "[[fixture]]",
        "name = %s" % json.dumps(row["id"]),
        "source = %s" % json.dumps(row["id"]),
        "packs = %s" % json.dumps(row.get("packs", [])[:2]),
        "not_packs = %s" % json.dumps(row.get("not_packs", [])),
        "questions = %s" % json.dumps(row.get("must_questions", [])),
        "messages = [",
    ]
    lines += ["  %s," % json.dumps(m, ensure_ascii=False) for m in messages]
    lines.append("]")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: jsonl_to_checklists.py FILE.jsonl")
    with open(sys.argv[1], encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    print("\n".join(fixture(r) for r in rows if r.get("label") == "feature"))


if __name__ == "__main__":
    main()
