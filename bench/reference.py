"""Python anchors for `npm run bench` (numpy / pandas / scikit-learn), driven by bench/run.ts.

Two modes:
  reference.py csv PATH   one CSV -> float32 matrix with pandas in this fresh process; prints JSON
                          {seconds, read_seconds, peak_bytes, matrix_bytes} (peak = ru_maxrss - RSS before reading).
  reference.py serve      reads JSON commands from stdin, one per line, answers one JSON line each:
      {"cmd": "load", "train": P, "test": Q}    pandas.read_csv both, X = pixels/255 as float32 (row-major)
      {"cmd": "binary_epoch"}                   full-batch gradient step, footwear (5, 7, 9) vs rest
      {"cmd": "softmax_epoch"}                  full-batch gradient step, 10 classes
      {"cmd": "mb_binary_epoch"} / {"cmd": "mb_softmax_epoch"}   one epoch of 256-row mini-batch SGD
      (epoch commands with "warm": 1 first run one untimed epoch)
      {"cmd": "lbfgs", "max_iter": N}           scikit-learn LogisticRegression(lbfgs) fit: seconds, test accuracy
      {"cmd": "quit"}
    Every epoch computes the same quantities as the TypeScript side: z = Xw + b, a = sigma(z) or softmax(z),
    the mean loss, the gradient X^T (a - y) / m (and the bias), and a plain SGD update. All float32.
"""
import json
import resource
import sys
import time

import numpy as np

FOOTWEAR = (5, 7, 9)
LR = 0.1
BATCH = 256


def rss_bytes():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def csv_mode(path):
    import pandas as pd

    before = rss_bytes()
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t1 = time.perf_counter()
    X = df.iloc[:, 1:].to_numpy(dtype=np.float32)
    y = df.iloc[:, 0].to_numpy()
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    print(json.dumps({'seconds': t2 - t0, 'read_seconds': t1 - t0, 'peak_bytes': peak,
                      'matrix_bytes': X.nbytes + y.nbytes}))


class Anchors:
    def __init__(self):
        self.X = None

    def load(self, train, test):
        import pandas as pd

        t0 = time.perf_counter()
        tr = pd.read_csv(train)
        te = pd.read_csv(test)
        self.X = np.ascontiguousarray(tr.iloc[:, 1:].to_numpy(dtype=np.float32) / np.float32(255))
        self.y = tr.iloc[:, 0].to_numpy().astype(np.int64)
        self.Xt = np.ascontiguousarray(te.iloc[:, 1:].to_numpy(dtype=np.float32) / np.float32(255))
        self.yt = te.iloc[:, 0].to_numpy().astype(np.int64)
        del tr, te
        m, n = self.X.shape
        self.m, self.n = m, n
        self.yb = np.isin(self.y, FOOTWEAR).astype(np.float32)
        self.Y = np.eye(10, dtype=np.float32)[self.y]
        self.w = np.zeros(n, dtype=np.float32)
        self.b = np.float32(0)
        self.W = np.zeros((10, n), dtype=np.float32)
        self.B = np.zeros(10, dtype=np.float32)
        self.rng = np.random.default_rng(42)
        return {'seconds': time.perf_counter() - t0, 'm': m, 'n': n}

    def binary_step(self, X, y):
        m = X.shape[0]
        z = X @ self.w + self.b
        with np.errstate(over='ignore'):
            a = np.float32(1) / (np.float32(1) + np.exp(-z))
        loss = np.sum(np.logaddexp(np.float32(0), z) - y * z) / m
        r = a - y
        g = (X.T @ r) / np.float32(m)
        self.w -= np.float32(LR) * g
        self.b -= np.float32(LR) * (r.sum() / np.float32(m))
        return float(loss)

    def softmax_step(self, X, y, Y):
        m = X.shape[0]
        Z = X @ self.W.T + self.B
        Z -= Z.max(axis=1, keepdims=True)
        E = np.exp(Z)
        S = E.sum(axis=1)
        P = E / S[:, None]
        loss = np.sum(np.log(S) - Z[np.arange(m), y]) / m
        R = P - Y
        G = (R.T @ X) / np.float32(m)
        self.W -= np.float32(LR) * G
        self.B -= np.float32(LR) * (R.sum(axis=0) / np.float32(m))
        return float(loss)

    def timed(self, fn):
        t0 = time.perf_counter()
        loss = fn()
        return {'seconds': time.perf_counter() - t0, 'loss': loss}

    def binary_epoch(self):
        return self.timed(lambda: self.binary_step(self.X, self.yb))

    def softmax_epoch(self):
        return self.timed(lambda: self.softmax_step(self.X, self.y, self.Y))

    def mb_epoch(self, softmax):
        def run():
            perm = self.rng.permutation(self.m)
            loss = 0.0
            for s in range(0, self.m, BATCH):
                idx = perm[s:s + BATCH]
                Xb = self.X[idx]
                if softmax:
                    loss = self.softmax_step(Xb, self.y[idx], self.Y[idx])
                else:
                    loss = self.binary_step(Xb, self.yb[idx])
            return loss
        return self.timed(run)

    def lbfgs(self, max_iter):
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(max_iter=max_iter)
        t0 = time.perf_counter()
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            clf.fit(self.X, self.y)
        seconds = time.perf_counter() - t0
        acc = float((clf.predict(self.Xt) == self.yt).mean())
        return {'seconds': seconds, 'accuracy': acc, 'n_iter': int(np.max(clf.n_iter_))}


def serve():
    a = Anchors()
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req['cmd']
        try:
            if cmd == 'quit':
                break
            if req.get('warm') and cmd.endswith('epoch'):
                getattr(a, cmd)() if cmd in ('binary_epoch', 'softmax_epoch') else a.mb_epoch(cmd == 'mb_softmax_epoch')
            if cmd == 'load':
                res = a.load(req['train'], req['test'])
            elif cmd == 'binary_epoch':
                res = a.binary_epoch()
            elif cmd == 'softmax_epoch':
                res = a.softmax_epoch()
            elif cmd == 'mb_binary_epoch':
                res = a.mb_epoch(False)
            elif cmd == 'mb_softmax_epoch':
                res = a.mb_epoch(True)
            elif cmd == 'lbfgs':
                res = a.lbfgs(int(req.get('max_iter', 1000)))
            else:
                res = {'error': 'unknown command ' + cmd}
        except Exception as e:  # reported to the bench, which prints it
            res = {'error': repr(e)}
        sys.stdout.write(json.dumps(res) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'csv':
        csv_mode(sys.argv[2])
    elif len(sys.argv) >= 2 and sys.argv[1] == 'serve':
        serve()
    else:
        sys.exit('usage: reference.py csv PATH | reference.py serve')
