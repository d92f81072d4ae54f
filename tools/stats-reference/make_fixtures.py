"""Reference values for the workbench's exact-binomial and set-level statistics (issue 20), from SciPy.

Writes test/main/engine/metrics/fixtures/binomial-scipy.json: Clopper-Pearson intervals via
scipy.stats.beta.ppf, one-sided upper bounds, and the epsilon lower bound of docs/attacks.md
("Low-FPR evidence") computed from those SciPy quantiles; and test/.../set-tests-scipy.json: Welch's
t-test and Mann-Whitney U (one-sided, asymptotic with tie correction and continuity correction).
Run with any Python that has NumPy and SciPy: python3 tools/stats-reference/make_fixtures.py
"""
import json
import math
import os

import numpy as np
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'main', 'engine', 'metrics', 'fixtures')


def cp(k, n, conf):
    a = 1 - conf
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def cp_upper(k, n, conf):
    return 1.0 if k == n else float(stats.beta.ppf(conf, k + 1, n - k))


def eps(tp, n_p, fp, n_n, conf, delta):
    each = 1 - (1 - conf) / 2
    fpr_hi = cp_upper(fp, n_n, each)
    fnr_hi = cp_upper(n_p - tp, n_p, each)

    def ratio(num, den):
        return 0.0 if num <= 0 else math.log(num / den)

    return max(0.0, ratio(1 - delta - fpr_hi, fnr_hi), ratio(1 - delta - fnr_hi, fpr_hi))


def binomial_cases():
    cases = []
    for n in (1, 2, 7, 50, 180, 1000, 1793):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            if 0 <= k <= n:
                for conf in (0.9, 0.95, 0.99):
                    lo, hi = cp(k, n, conf)
                    cases.append({'k': k, 'n': n, 'confidence': conf, 'lo': lo, 'hi': hi, 'upper': cp_upper(k, n, conf)})
    eps_cases = []
    for tp, n_p, fp, n_n, conf, delta in [(50, 1000, 0, 1000, 0.95, 0), (300, 1793, 2, 1792, 0.95, 0), (900, 1000, 100, 1000, 0.95, 1e-5),
                                          (10, 100, 10, 100, 0.95, 0), (0, 100, 0, 100, 0.95, 0), (1000, 1000, 0, 1000, 0.99, 0), (400, 1793, 17, 1792, 0.9, 0)]:
        eps_cases.append({'tp': tp, 'nP': n_p, 'fp': fp, 'nN': n_n, 'confidence': conf, 'delta': delta, 'epsilon': eps(tp, n_p, fp, n_n, conf, delta)})
    return {'source': 'scipy.stats.beta.ppf ' + __import__('scipy').__version__, 'clopperPearson': cases, 'epsilon': eps_cases}


def set_cases():
    rng = np.random.default_rng(20)
    cases = []
    for n_a, n_b, shift, ties in [(100, 180, 0.3, False), (30, 40, 0.0, False), (200, 150, -0.1, False), (25, 25, 0.5, True), (12, 300, 1.0, False)]:
        a = rng.normal(shift, 1, n_a)
        b = rng.normal(0, 1.3, n_b)
        if ties:
            a = np.round(a, 1)
            b = np.round(b, 1)
        t = stats.ttest_ind(a, b, equal_var=False, alternative='greater')
        u = stats.mannwhitneyu(a, b, alternative='greater', method='asymptotic', use_continuity=True)
        cases.append({'suspect': a.tolist(), 'reference': b.tolist(), 'welch': {'t': float(t.statistic), 'df': float(t.df), 'pValue': float(t.pvalue)},
                      'mannWhitney': {'u': float(u.statistic), 'pValue': float(u.pvalue)}})
    return {'source': 'scipy.stats ttest_ind(equal_var=False) and mannwhitneyu(asymptotic) ' + __import__('scipy').__version__, 'cases': cases}


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for name, data in [('binomial-scipy.json', binomial_cases()), ('set-tests-scipy.json', set_cases())]:
        with open(os.path.join(OUT, name), 'w') as f:
            json.dump(data, f, indent=1)
            f.write('\n')
