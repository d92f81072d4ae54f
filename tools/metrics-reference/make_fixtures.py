#!/usr/bin/python3
"""Reference values for src/main/engine/metrics, computed with scikit-learn and numpy.

Run with Debian's Python (it has sklearn/numpy):  /usr/bin/python3 tools/metrics-reference/make_fixtures.py
Writes test/fixtures/metrics/<case>.json (committed). Conventions follow docs/attacks.md:
ROC = sklearn roc_curve(drop_intermediate=False) with a +inf first threshold (sklearn >= 1.3; written as
null in JSON), AUC = roc_auc_score, TPR@FPR f = max TPR over points with FPR <= f (null when
n_nonmembers < 1/f), oracle balanced accuracy = max (TPR + (1 - FPR)) / 2 (first argmax), advantage =
max(TPR - FPR), calibrated threshold = numpy.quantile(reference, 1 - alpha) with "member iff score > tau".
"""
import json
import os

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'metrics')
TARGETS = [0.001, 0.01, 0.05]
ALPHAS = [0.01, 0.05, 0.2]


def floats(a):
    return [float(x) for x in a]


def expected(scores, labels, reference):
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=False)
    thr = thr.astype(np.float64)
    thr[0] = np.inf  # sklearn 1.2 writes max + 1 here; >= 1.3 (and the spec) use +inf
    n0 = int((labels == 0).sum())
    tpr_at = {}
    for f in TARGETS:
        resolvable = n0 >= 1 / f
        best = float(tpr[fpr <= f].max())
        tpr_at[str(f)] = {'tpr': best if resolvable else None, 'resolvable': bool(resolvable), 'bestAvailableTpr': best}
    ba = (tpr + (1 - fpr)) / 2
    k = int(np.argmax(ba))
    members, nonmembers = scores[labels == 1], scores[labels == 0]
    calibrated = {}
    for alpha in ALPHAS:
        tau = float(np.quantile(reference, 1 - alpha))
        t, f = float((members > tau).mean()), float((nonmembers > tau).mean())
        calibrated[str(alpha)] = {'threshold': tau, 'tpr': t, 'fpr': f, 'balancedAccuracy': (t + (1 - f)) / 2,
                                  'referenceFpr': float((np.asarray(reference) > tau).mean())}
    return {
        'n': {'members': int(len(members)), 'nonmembers': n0},
        'roc': {'fpr': floats(fpr), 'tpr': floats(tpr), 'thresholds': [None] + floats(thr[1:])},
        'auc': float(roc_auc_score(labels, scores)),
        'tprAtFpr': tpr_at,
        'balancedAccuracy': float(ba[k]),
        'balancedAccuracyThreshold': None if np.isinf(thr[k]) else float(thr[k]),
        'advantage': float(np.max(tpr - fpr)),
        'scoreGap': float(members.mean() - nonmembers.mean()),
        'calibrated': calibrated,
    }


def cases(rng):
    n = 40
    yield 'ties', rng.integers(0, 5, n) / 4.0, np.r_[np.ones(n // 2), np.zeros(n // 2)]
    yield 'all-equal', np.full(12, 0.5), np.r_[np.ones(5), np.zeros(7)]
    yield 'tiny', np.array([0.9, 0.1]), np.array([1, 0])
    yield 'tiny-tied', np.array([0.3, 0.3]), np.array([0, 1])
    yield 'imbalanced-few-members', np.round(np.r_[rng.normal(1, 1, 5), rng.normal(0, 1, 2000)], 4), np.r_[np.ones(5), np.zeros(2000)]
    yield 'imbalanced-few-nonmembers', np.round(np.r_[rng.normal(1, 1, 1000), rng.normal(0, 1, 15)], 4), np.r_[np.ones(1000), np.zeros(15)]
    yield 'separated', np.r_[rng.uniform(2, 3, 30), rng.uniform(0, 1, 50)], np.r_[np.ones(30), np.zeros(50)]
    yield 'inverted', np.r_[rng.uniform(0, 1, 30), rng.uniform(2, 3, 50)], np.r_[np.ones(30), np.zeros(50)]
    yield 'negative-and-zero', np.array([-0.0, 0.0, -1.5, -1.5, 2.0, -3.25, 0.0, 1e-300]), np.array([1, 0, 1, 0, 1, 0, 0, 1])
    m = rng.normal(0.35, 1, 1500)
    nm = rng.normal(0, 1, 1500)
    yield 'random-large', np.round(np.r_[m, nm], 2), np.r_[np.ones(1500), np.zeros(1500)]


def main():
    rng = np.random.default_rng(20240611)
    os.makedirs(OUT, exist_ok=True)
    for name, scores, labels in cases(rng):
        order = rng.permutation(len(scores))  # interleave classes: the input order must not matter
        scores, labels = np.asarray(scores, dtype=np.float64)[order], np.asarray(labels, dtype=np.int64)[order]
        reference = np.round(rng.normal(0, 1, 37 if len(scores) < 100 else 400), 3)
        case = {'name': name, 'scores': floats(scores), 'labels': [int(x) for x in labels],
                'reference': floats(reference), 'expected': expected(scores, labels, reference)}
        with open(os.path.join(OUT, name + '.json'), 'w') as fh:
            json.dump(case, fh, allow_nan=False, separators=(',', ':'))
            fh.write('\n')
        print(name, len(scores), 'auc', case['expected']['auc'])


if __name__ == '__main__':
    main()
