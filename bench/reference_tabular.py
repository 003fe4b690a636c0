"""Python references of the tabular rows of `npm run bench` (pandas + scikit-learn), driven by bench/tabular.ts.

Modes (SPEC is a JSON object {target, numeric: [...], categorical: [...], test_size, seed}: the columns the
engine kept, so both sides prepare the same features):
  reference_tabular.py prepare CSV SPEC
      pandas.read_csv, train_test_split(stratify, random_state=seed), ColumnTransformer(SimpleImputer(median) +
      StandardScaler for numbers, SimpleImputer(most_frequent) + OneHotEncoder(drop='first',
      handle_unknown='ignore') for text) fitted on the training rows, both splits as one dense float32 matrix each.
      Prints {seconds, read_seconds, prepare_seconds, peak_bytes, matrix_bytes, n, m_train, m_test}
      (peak = ru_maxrss - RSS before reading, after the imports).
  reference_tabular.py script CSV SPEC SOLVER TOL
      The whole script a user would write: read, prepare (as above), split, fit LogisticRegression(penalty=None,
      solver=SOLVER, tol=TOL), evaluate (accuracy and log loss on both splits). Prints the seconds of each part.
  reference_tabular.py serve
      JSON commands on stdin, one JSON answer per line:
      {"cmd": "load", "x": F, "y": G, "m": m, "n": n, "k": k, "l2": lam}   X (float32 m×n row-major) and y (int32)
                                                  from the benchmark's own prepared training split; kept as float64
      {"cmd": "fit", "solver": S, "tol": t, "max_iter": N}   LogisticRegression(C = 1/(l2·m)) fit: seconds,
                                                  n_iter and the cost J of the result
      {"cmd": "cost", "W": [...], "b": [...]}    J = mean log loss + (l2/2)·||W||^2 of given parameters
      {"cmd": "quit"}
    J is computed here for every side in float64 with one definition (softplus / log-sum-exp).
"""
import json
import resource
import sys
import time
import warnings

import numpy as np


def rss_bytes():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def peak_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def pipeline(numeric, categorical):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    return ColumnTransformer(
        [
            ('num', make_pipeline(SimpleImputer(strategy='median'), StandardScaler()), numeric),
            ('cat', make_pipeline(SimpleImputer(strategy='most_frequent'),
                                  OneHotEncoder(drop='first', handle_unknown='ignore', sparse_output=False)),
             categorical),
        ],
        sparse_threshold=0,
    )


def read_and_prepare(path, spec, dtype):
    import pandas as pd
    from sklearn.model_selection import train_test_split

    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t1 = time.perf_counter()
    target = spec['target']
    y = df[target].to_numpy()
    tr, te, y_tr, y_te = train_test_split(df, y, test_size=spec['test_size'], stratify=y,
                                          random_state=spec['seed'])
    del df
    ct = pipeline(spec['numeric'], spec['categorical'])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # unknown levels in the test rows (handle_unknown='ignore')
        X_tr = ct.fit_transform(tr).astype(dtype, copy=False)
        X_te = ct.transform(te).astype(dtype, copy=False)
    del tr, te
    t2 = time.perf_counter()
    return X_tr, X_te, y_tr, y_te, t1 - t0, t2 - t1


def prepare_mode(path, spec):
    import pandas  # noqa: F401  (imports before the baseline, as the node side's modules are loaded)
    import sklearn.compose  # noqa: F401

    before = rss_bytes()
    t0 = time.perf_counter()
    X_tr, X_te, y_tr, y_te, read_s, prep_s = read_and_prepare(path, spec, np.float32)
    seconds = time.perf_counter() - t0
    m = X_tr.shape[0] + X_te.shape[0]
    print(json.dumps({
        'seconds': seconds, 'read_seconds': read_s, 'prepare_seconds': prep_s,
        'peak_bytes': peak_bytes() - before, 'peak_abs_bytes': peak_bytes(), 'rss_before': before,
        'matrix_bytes': X_tr.nbytes + X_te.nbytes + 4 * m,
        'n': int(X_tr.shape[1]), 'm_train': int(X_tr.shape[0]), 'm_test': int(X_te.shape[0]),
    }))


def script_mode(path, spec, solver, tol):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, log_loss

    t0 = time.perf_counter()
    X_tr, X_te, y_tr, y_te, read_s, prep_s = read_and_prepare(path, spec, np.float64)
    t1 = time.perf_counter()
    clf = LogisticRegression(penalty=None, solver=solver, tol=tol, max_iter=10000)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        clf.fit(X_tr, y_tr)
    t2 = time.perf_counter()
    p_tr = clf.predict_proba(X_tr)
    p_te = clf.predict_proba(X_te)
    res = {
        'train_accuracy': float(accuracy_score(y_tr, clf.classes_[p_tr.argmax(axis=1)])),
        'test_accuracy': float(accuracy_score(y_te, clf.classes_[p_te.argmax(axis=1)])),
        'train_loss': float(log_loss(y_tr, p_tr, labels=clf.classes_)),
        'test_loss': float(log_loss(y_te, p_te, labels=clf.classes_)),
    }
    t3 = time.perf_counter()
    res.update({'seconds': t3 - t0, 'read_seconds': read_s, 'prepare_seconds': prep_s, 'fit_seconds': t2 - t1,
                'evaluate_seconds': t3 - t2, 'n_iter': int(np.max(clf.n_iter_)), 'n': int(X_tr.shape[1])})
    print(json.dumps(res))


class Fits:
    def load(self, x, y, m, n, k, l2):
        self.X = np.fromfile(x, dtype=np.float32).reshape(m, n).astype(np.float64)
        self.y = np.fromfile(y, dtype=np.int32).astype(np.int64)
        self.m, self.n, self.k, self.l2 = m, n, k, l2
        return {'m': m, 'n': n}

    def cost(self, W, b):
        W = np.asarray(W, dtype=np.float64).reshape(self.k, self.n)
        b = np.asarray(b, dtype=np.float64).reshape(self.k)
        Z = self.X @ W.T + b
        if self.k == 1:
            z = Z[:, 0]
            loss = np.mean(np.logaddexp(0.0, z) - self.y * z)
        else:
            zmax = Z.max(axis=1)
            lse = zmax + np.log(np.exp(Z - zmax[:, None]).sum(axis=1))
            loss = np.mean(lse - Z[np.arange(self.m), self.y])
        return float(loss + 0.5 * self.l2 * np.sum(W * W))

    def fit(self, solver, tol, max_iter):
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(penalty='l2', C=1.0 / (self.l2 * self.m), solver=solver, tol=tol,
                                 max_iter=max_iter)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            t0 = time.perf_counter()
            clf.fit(self.X, self.y)
            seconds = time.perf_counter() - t0
        return {'seconds': seconds, 'n_iter': int(np.max(clf.n_iter_)),
                'cost': self.cost(clf.coef_, clf.intercept_)}


def serve():
    f = Fits()
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req['cmd']
        try:
            if cmd == 'quit':
                break
            if cmd == 'load':
                res = f.load(req['x'], req['y'], int(req['m']), int(req['n']), int(req['k']), float(req['l2']))
            elif cmd == 'fit':
                res = f.fit(req['solver'], float(req['tol']), int(req.get('max_iter', 10000)))
            elif cmd == 'cost':
                res = {'cost': f.cost(req['W'], req['b'])}
            else:
                res = {'error': 'unknown command ' + cmd}
        except Exception as e:  # reported to the bench, which prints it
            res = {'error': repr(e)}
        sys.stdout.write(json.dumps(res) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    if len(sys.argv) >= 4 and sys.argv[1] == 'prepare':
        prepare_mode(sys.argv[2], json.loads(sys.argv[3]))
    elif len(sys.argv) >= 6 and sys.argv[1] == 'script':
        script_mode(sys.argv[2], json.loads(sys.argv[3]), sys.argv[4], float(sys.argv[5]))
    elif len(sys.argv) >= 2 and sys.argv[1] == 'serve':
        serve()
    else:
        sys.exit('usage: reference_tabular.py prepare CSV SPEC | script CSV SPEC SOLVER TOL | serve')
