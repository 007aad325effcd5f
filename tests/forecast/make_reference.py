#!/usr/bin/env python3
"""Peer reference values for tests/forecast/test_linear.cpp and test_metrics.cpp, generated once
with scikit-learn (printed as C++ initialisers; paste into the tests). Run:
    .venv/bin/python tests/forecast/make_reference.py
"""
import numpy as np
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_pinball_loss

# A fixed design (no random generator: the values are written out in the test too).
X = np.array([[0.5, 1.0, -2.0], [1.5, -0.5, 0.0], [2.0, 2.5, 1.0], [-1.0, 0.0, 3.0], [3.0, -1.5, -1.0],
              [0.0, 0.5, 2.0], [2.5, 1.5, -0.5], [-2.0, -1.0, 1.5]])
y = np.array([3.1, 0.2, 7.9, -1.4, 2.2, 1.0, 6.3, -4.0])
m = Ridge(alpha=2.0, fit_intercept=True).fit(X, y)
print("sklearn Ridge(alpha=2): coef", repr(m.coef_.tolist()), "intercept", repr(float(m.intercept_)))

yt = np.array([10.0, 12.0, 9.0, 15.0, 11.0])
yp = np.array([11.0, 11.5, 10.0, 13.0, 11.0])
for a in (0.1, 0.5, 0.9):
    print(f"mean_pinball_loss alpha={a}:", repr(float(mean_pinball_loss(yt, yp, alpha=a))))
