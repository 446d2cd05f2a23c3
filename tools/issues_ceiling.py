"""How far does a plain text classifier get on the GitHub issues, alone? An offline check,
not part of CI: TF-IDF word 1-2 grams and a logistic regression trained on
`issues_train.jsonl` itself, scored with folds grouped by repository (each project scored
by a model that never saw it), across probability thresholds.

Run (Python 3.11, from the repository root):

  pip install scikit-learn numpy
  python3 tools/issues_ceiling.py ../shared/corpus/issues_train.jsonl

Quoted in the README ("Limits of detection").
"""

import json
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support


def main(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    texts = [r["text"] for r in rows]
    labels = np.array([r["label"] == "feature" for r in rows])
    groups = [r["group"] for r in rows]
    scores = np.zeros(len(rows))
    for held in sorted(set(groups)):
        train = [i for i, g in enumerate(groups) if g != held]
        test = [i for i, g in enumerate(groups) if g == held]
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        x = vec.fit_transform([texts[i] for i in train])
        model = LogisticRegression(C=4, max_iter=2000, class_weight="balanced")
        model.fit(x, labels[train])
        scores[test] = model.predict_proba(vec.transform([texts[i] for i in test]))[:, 1]
    print("threshold precision recall f1")
    for t in (0.3, 0.4, 0.5, 0.6):
        p, r, f, _ = precision_recall_fscore_support(labels, scores > t, average="binary")
        print(f"{t:9.1f} {p:9.3f} {r:6.3f} {f:5.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/issues_train.jsonl")
