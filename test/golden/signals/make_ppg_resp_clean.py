"""Golden vectors for cleanPpg and cleanResp (test/signals/ppg.test.ts and resp.test.ts read ppg_resp_clean.json).

Run: python3 test/golden/signals/make_ppg_resp_clean.py
Each case is {"fn", "fs", "band", "input", "expected"}: expected is
scipy.signal.sosfiltfilt(scipy.signal.butter(2, band, btype='bandpass', fs=fs, output='sos'), input).
"""
import json
from pathlib import Path

import numpy as np
import scipy
from scipy import signal

rng = np.random.default_rng(20250107)
cases = []
for fn, fs, band, seconds in [
    ("cleanPpg", 100.0, [0.5, 8.0], 8),
    ("cleanPpg", 50.0, [0.5, 8.0], 8),
    ("cleanPpg", 12.0, [0.5, 5.4], 20),  # the default 8 Hz edge lowered to 0.45 fs
    ("cleanResp", 10.0, [0.05, 1.0], 60),
    ("cleanResp", 4.0, [0.05, 1.0], 60),
]:
    n = int(seconds * fs)
    t = np.arange(n) / fs
    x = np.sin(2 * np.pi * 1.2 * t) + 0.5 * np.sin(2 * np.pi * 0.3 * t) + 0.3 * rng.standard_normal(n) + 2.0 + 0.05 * t
    sos = signal.butter(2, band, btype="bandpass", fs=fs, output="sos")
    cases.append({"fn": fn, "fs": fs, "band": band, "input": x.tolist(), "expected": signal.sosfiltfilt(sos, x).tolist()})

out = Path(__file__).with_name("ppg_resp_clean.json")
out.write_text(json.dumps({"scipy": scipy.__version__, "cases": cases}))
print(f"wrote {len(cases)} cases to {out}")
