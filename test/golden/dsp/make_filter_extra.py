"""Edge-case golden vectors for the filtering kernels (test/dsp/*.test.ts read filter_extra.json).

Run from any folder other than scipy's own: python3 test/golden/dsp/make_filter_extra.py
Each case is {"fn", "name", "args", "input", "expected"}; "fn" names the SciPy call that made it.
"""
import json
from pathlib import Path

import numpy as np
import scipy
from scipy import signal

rng = np.random.default_rng(20240611)
cases = []


def sig(n, drift=True):
    x = rng.standard_normal(n)
    if drift:
        x += 3.0 + 0.01 * np.arange(n)
    return x


def add(fn, name, args, x, expected):
    cases.append({
        "fn": fn,
        "name": name,
        "args": args,
        "input": None if x is None else np.asarray(x, float).tolist(),
        "expected": expected,
    })


def tolist(v):
    return np.asarray(v, float).tolist()


# sosfiltfilt: short signals near padlen, every padtype, explicit padlen, odd orders (first-order
# section with b2 = a2 = 0 shortens SciPy's default padlen).
designs = {
    "bp4": signal.butter(4, [0.5, 40], btype="bandpass", fs=360, output="sos"),
    "lp3": signal.butter(3, 0.2, output="sos"),
    "hp5": signal.butter(5, 0.05, btype="highpass", output="sos"),
    "bs2": signal.butter(2, [0.2, 0.3], btype="bandstop", output="sos"),
    "lp12": signal.butter(12, 0.3, output="sos"),
}
for key, sos in designs.items():
    nsec = sos.shape[0]
    ntaps = 2 * nsec + 1 - min((sos[:, 2] == 0).sum(), (sos[:, 5] == 0).sum())
    padlen = 3 * ntaps
    for n in (padlen + 1, padlen + 2, 200):
        x = sig(n)
        for padtype in ("odd", "even", "constant", None):
            add("sosfiltfilt", f"{key}_n{n}_{padtype}", {"sos": sos.tolist(), "padtype": padtype}, x,
                tolist(signal.sosfiltfilt(sos, x, padtype=padtype)))
    x = sig(150)
    add("sosfiltfilt", f"{key}_padlen10", {"sos": sos.tolist(), "padlen": 10}, x,
        tolist(signal.sosfiltfilt(sos, x, padlen=10)))
    add("sosfiltfilt", f"{key}_padlen0", {"sos": sos.tolist(), "padlen": 0}, x,
        tolist(signal.sosfiltfilt(sos, x, padlen=0)))
    # sosfilt from a state, and sosfilt_zi.
    zi = rng.standard_normal((nsec, 2))
    y, zf = signal.sosfilt(sos, x, zi=zi)
    add("sosfilt", f"{key}_zi", {"sos": sos.tolist(), "zi": zi.tolist()}, x,
        {"y": tolist(y), "zf": tolist(zf.ravel())})
    add("sosfilt_zi", f"{key}_zi0", {"sos": sos.tolist()}, None, tolist(signal.sosfilt_zi(sos).ravel()))

# lfilter / filtfilt with multi-section (single polynomial) filters and a state.
for key, (b, a) in {
    "lp6": signal.butter(6, 0.25),
    "bp3": signal.butter(3, [0.1, 0.4], btype="bandpass"),
    "cheb4": signal.cheby1(4, 1, 0.3),
    "fir": (signal.firwin(9, 0.3), np.array([1.0])),
    "a0": (np.array([2.0, 1.0]), np.array([4.0, -1.0, 0.5])),
}.items():
    x = sig(120)
    k = max(len(a), len(b)) - 1
    zi = rng.standard_normal(k)
    y, zf = signal.lfilter(b, a, x, zi=zi)
    add("lfilter", f"{key}_zi", {"b": tolist(b), "a": tolist(a), "zi": tolist(zi)}, x, {"y": tolist(y), "zf": tolist(zf)})
    add("lfilter_zi", f"{key}_lzi", {"b": tolist(b), "a": tolist(a)}, None, tolist(signal.lfilter_zi(b, a)))
    padlen = 3 * max(len(a), len(b))
    for n in (padlen + 1, 120):
        xs = x[:n]
        for padtype in ("odd", "even", "constant", None):
            add("filtfilt", f"{key}_n{n}_{padtype}", {"b": tolist(b), "a": tolist(a), "padtype": padtype}, xs,
                tolist(signal.filtfilt(b, a, xs, padtype=padtype)))

# firwin: every filter type, windows, fs, no scaling.
for numtaps, cutoff, kw in [
    (31, 0.3, {}),
    (32, 0.3, {}),
    (31, 0.3, {"pass_zero": False}),
    (31, 0.3, {"pass_zero": "highpass", "window": "hann"}),
    (41, [0.2, 0.4], {"pass_zero": False}),
    (40, [0.2, 0.4], {"pass_zero": "bandpass", "window": "blackman"}),
    (41, [0.2, 0.4], {"pass_zero": "bandstop"}),
    (51, [0.1, 0.3, 0.5, 0.7], {"pass_zero": True, "window": ("kaiser", 8.0)}),
    (51, [0.1, 0.3, 0.5], {"pass_zero": False, "window": "boxcar"}),
    (25, 30.0, {"fs": 250.0, "scale": False}),
    (25, [5.0, 30.0], {"fs": 250.0, "pass_zero": False, "scale": False, "window": ("tukey", 0.5)}),
    (1, 0.5, {}),
]:
    h = signal.firwin(numtaps, cutoff, **kw)
    args = {"numtaps": numtaps, "cutoff": cutoff, **{k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}}
    add("firwin", f"firwin_{numtaps}_{len(cases)}", args, None, tolist(h))

# iirnotch / iirpeak.
for w0, q, fs in [(50.0, 30.0, 500.0), (60.0, 10.0, 360.0), (0.3, 5.0, 2.0)]:
    b, a = signal.iirnotch(w0, q, fs)
    add("iirnotch", f"notch_{w0}", {"w0": w0, "Q": q, "fs": fs}, None, {"b": tolist(b), "a": tolist(a)})
    b, a = signal.iirpeak(w0, q, fs)
    add("iirpeak", f"peak_{w0}", {"w0": w0, "Q": q, "fs": fs}, None, {"b": tolist(b), "a": tolist(a)})

# savgol_filter: odd/even windows, derivatives with delta, every mode, window = signal length.
x = sig(80)
for wl, po, kw in [
    (11, 3, {}),
    (12, 3, {}),
    (10, 2, {"mode": "mirror"}),
    (11, 4, {"deriv": 1, "delta": 0.004}),
    (12, 4, {"deriv": 2, "delta": 0.5}),
    (15, 2, {"deriv": 3}),
    (9, 2, {"mode": "nearest"}),
    (9, 2, {"mode": "constant", "cval": 1.5}),
    (9, 3, {"mode": "wrap", "deriv": 1}),
    (7, 0, {}),
    (51, 6, {"deriv": 1}),
    (80, 5, {}),
]:
    add("savgol_filter", f"savgol_{wl}_{po}_{kw.get('mode', 'interp')}_{kw.get('deriv', 0)}",
        {"windowLength": wl, "polyorder": po, **kw}, x, tolist(signal.savgol_filter(x, wl, po, **kw)))
add("savgol_filter", "savgol_mirror_short", {"windowLength": 9, "polyorder": 2, "mode": "mirror"}, x[:4],
    tolist(signal.savgol_filter(x[:4], 9, 2, mode="mirror")))

# medfilt: kernel 1, kernel longer than the signal, ties.
for n, k in [(50, 1), (50, 7), (5, 9), (40, 3)]:
    xs = np.round(sig(n, drift=False), 1) if k == 3 else sig(n, drift=False)
    add("medfilt", f"medfilt_{n}_{k}", {"kernelSize": k}, xs, tolist(signal.medfilt(xs, k)))

# resample_poly: factors with common divisors, downsampling, other windows, custom FIR, short input.
for n, up, down, kw in [
    (101, 6, 4, {}),
    (101, 10, 15, {}),
    (97, 1, 3, {}),
    (64, 3, 1, {"window": "hamming"}),
    (64, 2, 3, {"window": ("kaiser", 8.0)}),
    (5, 7, 3, {}),
    (64, 4, 4, {}),
    (60, 3, 2, {"window": signal.firwin(31, 1 / 3, window="hann").tolist()}),
]:
    xs = sig(n)
    win = kw.get("window", ("kaiser", 5.0))
    args = {"up": up, "down": down}
    if "window" in kw:
        args["window"] = list(win) if isinstance(win, tuple) else win
    add("resample_poly", f"resample_{n}_{up}_{down}", args, xs, tolist(signal.resample_poly(xs, up, down, window=win)))

# upfirdn.
for up, down in [(1, 1), (3, 1), (1, 4), (5, 3)]:
    h = rng.standard_normal(7)
    xs = sig(33)
    add("upfirdn", f"upfirdn_{up}_{down}", {"h": tolist(h), "up": up, "down": down}, xs, tolist(signal.upfirdn(h, xs, up, down)))

# detrend with a large offset, constant type, 2 samples.
for n, typ, offset in [(100, "linear", 1e4), (100, "constant", 5.0), (2, "linear", 0.0), (1, "linear", 2.0)]:
    xs = sig(n) + offset
    add("detrend", f"detrend_{typ}_{n}", {"type": typ}, xs, tolist(signal.detrend(xs, type=typ)))

out = Path(__file__).with_name("filter_extra.json")
out.write_text(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "cases": cases}))
print(f"{len(cases)} cases -> {out}")
