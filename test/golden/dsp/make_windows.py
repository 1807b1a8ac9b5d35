"""Golden values for the window functions (test/dsp/windows.test.ts). Run from the repository root:

    python3 test/golden/dsp/make_windows.py

writes test/golden/dsp/windows.json. Made with SciPy 1.17 / NumPy 2.4.

"windows": scipy.signal.get_window(spec, n, fftbins=not sym) for every window getWindow offers, as
its spec in the TypeScript API (a name, or ["kaiser", beta] / ["tukey", alpha]); sym true is the
symmetric window, false the periodic one. "i0": scipy.special.i0 at the listed x.
"""
import json
import os

import numpy as np
import scipy
from scipy import signal, special

specs = [
    "hann", "hamming", "blackman", "boxcar", "bartlett",
    ["kaiser", 0.0], ["kaiser", 0.5], ["kaiser", 5.0], ["kaiser", 8.6], ["kaiser", 14.0], ["kaiser", 30.0],
    ["tukey", 0.0], ["tukey", 0.1], ["tukey", 0.25], ["tukey", 0.5], ["tukey", 0.8], ["tukey", 1.0], ["tukey", 1.5],
]
lengths = [1, 2, 3, 4, 7, 8, 16, 51, 64]

cases = []
for spec in specs:
    py_spec = tuple(spec) if isinstance(spec, list) else spec
    for n in lengths:
        for sym in (True, False):
            w = signal.get_window(py_spec, n, fftbins=not sym)
            cases.append({"spec": spec, "n": n, "sym": sym, "expected": [float(v) for v in w]})

xs = [0.0, 1e-8, 0.25, 1.0, 2.5, 5.0, 8.6, 14.0, 30.0, 50.0, 100.0]
out = {
    "scipy": scipy.__version__, "numpy": np.__version__,
    "windows": cases,
    "i0": {"x": xs, "expected": [float(special.i0(x)) for x in xs]},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "windows.json")
with open(path, "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
print(f"wrote {path} ({os.path.getsize(path) // 1024} KiB, {len(cases)} windows)")
