"""Golden values for the FFT, convolution, Hilbert, Welch/periodogram, Lomb-Scargle, find_peaks and
stats tests (test/dsp/*.test.ts). Run from the repository root:

    python3 test/golden/dsp/make_spectral_extra.py

writes test/golden/dsp/spectral_extra.json. Made with SciPy 1.17 / NumPy 2.4. Inputs are rounded to
6 decimals so that the file stays small; expected values are full precision. Option names in "args"
are the camelCase names of the TypeScript API.
"""
import json
import os
import warnings

import numpy as np
import scipy
from scipy import signal, stats

rng = np.random.default_rng(20240601)


def vec(n, scale=1.0):
    return np.round(rng.standard_normal(n) * scale, 6)


def lst(a):
    return [float(v) for v in np.asarray(a).ravel()]


def ilst(a):
    return [int(v) for v in np.asarray(a).ravel()]


def test_signal(n, fs=250.0):
    """Noise plus two tones: gives spectra with structure and peaks of all sizes."""
    t = np.arange(n) / fs
    x = np.sin(2 * np.pi * 7.3 * t) + 0.5 * np.sin(2 * np.pi * 31.0 * t + 0.4) + 0.8 * rng.standard_normal(n)
    return np.round(x, 6)


out = {"scipy": scipy.__version__, "numpy": np.__version__}

# --- FFT: prime, odd, mixed-radix and power-of-two lengths -------------------------------------
fft_cases = []
for n in [1, 2, 3, 5, 6, 7, 9, 11, 13, 15, 17, 31, 49, 97, 100, 121, 127, 128, 243, 250, 257, 462, 1009]:
    re, im = vec(n), vec(n)
    X = np.fft.fft(re + 1j * im)
    fft_cases.append({"n": n, "re": lst(re), "im": lst(im), "expectedRe": lst(X.real), "expectedIm": lst(X.imag)})
out["fft"] = fft_cases

rfft_cases = []
for length, n in [(1, 1), (2, 2), (7, 7), (10, 10), (10, 16), (20, 15), (101, 101), (256, 256), (300, 250), (211, 211)]:
    x = vec(length)
    R = np.fft.rfft(x, n)
    back = np.fft.irfft(R, n)
    rfft_cases.append({"x": lst(x), "n": n, "expectedRe": lst(R.real), "expectedIm": lst(R.imag), "irfft": lst(back)})
out["rfft"] = rfft_cases

# --- Hilbert: analytic signal of odd, prime, even lengths, with padding and truncation ---------
hilbert_cases = []
for length, n in [(1, None), (2, None), (101, None), (257, None), (199, None), (200, None), (150, 256), (150, 97)]:
    x = vec(length)
    h = signal.hilbert(x) if n is None else signal.hilbert(x, N=n)
    hilbert_cases.append({"x": lst(x), "n": n, "expectedRe": lst(h.real), "expectedIm": lst(h.imag)})
out["hilbert"] = hilbert_cases

# --- Welch and periodogram ---------------------------------------------------------------------
def py_window(w):
    return tuple(w) if isinstance(w, list) else w


welch_args = [
    {"fs": 250.0, "nperseg": 100},
    {"fs": 250.0, "nperseg": 333, "noverlap": 100, "window": "hamming", "nfft": 500},
    {"fs": 100.0, "nperseg": 128, "average": "median"},
    {"fs": 100.0, "nperseg": 150, "noverlap": 0, "average": "median"},
    {"fs": 360.0, "nperseg": 200, "scaling": "spectrum"},
    {"fs": 500.0, "nperseg": 256, "detrend": "linear"},
    {"fs": 500.0, "nperseg": 256, "detrend": False, "window": "blackman"},
    {"fs": 64.0, "nperseg": 64, "nfft": 101, "returnOnesided": False},
    {"fs": 64.0, "nperseg": 99},
    {"fs": 128.0, "nperseg": 120, "window": ["kaiser", 8.0]},
    {"fs": 128.0, "nperseg": 120, "window": ["tukey", 0.25], "noverlap": 90},
    {"fs": 10.0},
]
welch_cases = []
for i, args in enumerate(welch_args):
    n = 150 if i == len(welch_args) - 1 else int(rng.integers(700, 1400))
    x = test_signal(n, args["fs"])
    kw = {
        "fs": args["fs"], "nperseg": args.get("nperseg"), "noverlap": args.get("noverlap"), "nfft": args.get("nfft"),
        "window": py_window(args.get("window", "hann")), "detrend": args.get("detrend", "constant"),
        "return_onesided": args.get("returnOnesided", True), "scaling": args.get("scaling", "density"),
        "average": args.get("average", "mean"),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nperseg > len(x) warns
        f, p = signal.welch(x, **kw)
    welch_cases.append({"args": args, "x": lst(x), "expectedF": lst(f), "expectedP": lst(p)})
out["welch"] = welch_cases

periodogram_args = [
    {"fs": 250.0},
    {"fs": 250.0, "nfft": 200},
    {"fs": 250.0, "nfft": 700},
    {"fs": 100.0, "window": "hann", "scaling": "spectrum"},
    {"fs": 100.0, "returnOnesided": False},
    {"fs": 30.0, "detrend": "linear", "window": "hamming"},
    {"fs": 30.0, "detrend": False},
]
periodogram_cases = []
for args in periodogram_args:
    x = test_signal(int(rng.integers(300, 500)) | 1, args["fs"])  # odd lengths
    kw = {
        "fs": args["fs"], "nfft": args.get("nfft"), "window": py_window(args.get("window", "boxcar")),
        "detrend": args.get("detrend", "constant"), "return_onesided": args.get("returnOnesided", True),
        "scaling": args.get("scaling", "density"),
    }
    f, p = signal.periodogram(x, **kw)
    periodogram_cases.append({"args": args, "x": lst(x), "expectedF": lst(f), "expectedP": lst(p)})
out["periodogram"] = periodogram_cases

# --- Convolution: scipy.signal.convolve semantics ------------------------------------------------
conv_cases = []
for na, nb in [(1, 1), (50, 7), (7, 50), (6, 6), (120, 121), (400, 65), (64, 1)]:
    a, b = vec(na), vec(nb)
    for mode in ["full", "same", "valid"]:
        conv_cases.append({"a": lst(a), "b": lst(b), "mode": mode, "expected": lst(signal.convolve(a, b, mode=mode, method="direct"))})
out["convolve"] = conv_cases

# --- find_peaks: threshold, width, plateau_size, wlen, flat peaks --------------------------------
def py_cond(v):
    if isinstance(v, list) and len(v) == 2:
        return tuple(None if e is None else (np.asarray(e) if isinstance(e, list) else e) for e in v)
    return np.asarray(v) if isinstance(v, list) else v


SNAKE = {"relHeight": "rel_height", "plateauSize": "plateau_size"}
CAMEL = {
    "peak_heights": "peakHeights", "left_thresholds": "leftThresholds", "right_thresholds": "rightThresholds",
    "prominences": "prominences", "left_bases": "leftBases", "right_bases": "rightBases", "widths": "widths",
    "width_heights": "widthHeights", "left_ips": "leftIps", "right_ips": "rightIps",
    "plateau_sizes": "plateauSizes", "left_edges": "leftEdges", "right_edges": "rightEdges",
}

smooth = np.round(np.convolve(rng.standard_normal(900), np.hanning(9) / 4, mode="same"), 6)
quantized = np.round(smooth * 4) / 4  # many flat peaks and equal heights
# Flat runs of random length at distinct heights. The distance filter visits peaks in the order of
# np.argsort(heights), which is not stable (SIMD sort): equal heights would make SciPy's own result
# depend on the CPU, so distance is checked on distinct heights only.
staircase = np.round(np.repeat(rng.standard_normal(300), rng.integers(1, 5, 300)), 6)
peak_args = [
    ("smooth", {"threshold": 0.02}),
    ("smooth", {"threshold": [0.01, 0.3]}),
    ("smooth", {"width": 4}),
    ("smooth", {"width": [3, 12], "relHeight": 0.8}),
    ("smooth", {"prominence": 0.3, "wlen": 21}),
    ("smooth", {"prominence": [0.2, 1.5], "width": 2, "wlen": 40.5}),
    ("smooth", {"height": [None, 0.5]}),
    ("smooth", {"height": "ramp"}),
    ("smooth", {"height": 0.0, "threshold": 0.001, "distance": 12, "prominence": 0.1, "width": 1, "relHeight": 1.0}),
    ("quantized", {"plateauSize": 1}),
    ("quantized", {"plateauSize": [2, 4]}),
    ("quantized", {"prominence": 0.2}),
    ("staircase", {"distance": 10}),
    ("staircase", {"distance": 4, "plateauSize": 2}),
    ("quantized", {"width": 2, "relHeight": 0.5, "plateauSize": [1, 3]}),
]
peak_cases = []
for name, args in peak_args:
    x = {"smooth": smooth, "quantized": quantized, "staircase": staircase}[name]
    args = dict(args)
    if args.get("height") == "ramp":
        args["height"] = lst(np.round(np.linspace(-0.5, 0.5, len(x)), 6))
    kw = {SNAKE.get(k, k): py_cond(v) for k, v in args.items()}
    peaks, props = signal.find_peaks(x, **kw)
    expected = {"peaks": ilst(peaks)}
    for k, v in props.items():
        expected[CAMEL[k]] = ilst(v) if np.asarray(v).dtype.kind == "i" else lst(v)
    peak_cases.append({"signal": name, "args": args, "expected": expected})
out["findPeaksSignals"] = {"smooth": lst(smooth), "quantized": lst(quantized), "staircase": lst(staircase)}
out["findPeaks"] = peak_cases

prom_cases = []
for name, wlen, rel in [("smooth", None, 0.5), ("smooth", 15, 0.25), ("quantized", None, 1.0), ("quantized", 9.2, 0.5)]:
    x = smooth if name == "smooth" else quantized
    peaks, _ = signal.find_peaks(x)
    pr = signal.peak_prominences(x, peaks, wlen=wlen)
    wd = signal.peak_widths(x, peaks, rel_height=rel, wlen=wlen)
    prom_cases.append({
        "signal": name, "peaks": ilst(peaks), "wlen": wlen, "relHeight": rel,
        "prominences": lst(pr[0]), "leftBases": ilst(pr[1]), "rightBases": ilst(pr[2]),
        "widths": lst(wd[0]), "widthHeights": lst(wd[1]), "leftIps": lst(wd[2]), "rightIps": lst(wd[3]),
    })
out["peakProperties"] = prom_cases

# --- Lomb-Scargle: angular frequencies, normalize variants, floating mean, weights --------------
ls_cases = []
t = np.round(np.sort(rng.uniform(0, 30, 240)), 6)
y = np.round(1.5 * np.cos(2.1 * t + 0.3) + 0.7 + 0.4 * rng.standard_normal(t.size), 6)
w = np.round(rng.uniform(0.2, 2.0, t.size), 6)
freqs = np.round(np.linspace(0.05, 6.0, 300), 6)
for args in [
    {}, {"normalize": True}, {"normalize": "amplitude"}, {"floatingMean": True},
    {"floatingMean": True, "normalize": "normalize"}, {"floatingMean": True, "normalize": "amplitude"},
    {"weights": True, "floatingMean": True}, {"weights": True, "normalize": "power"},
]:
    kw = {"normalize": args.get("normalize", False), "floating_mean": args.get("floatingMean", False)}
    if args.get("weights"):
        kw["weights"] = w
    pg = signal.lombscargle(t, y, freqs, **kw)
    case = {"args": args}
    if np.iscomplexobj(pg):
        case["expectedRe"], case["expectedIm"] = lst(pg.real), lst(pg.imag)
        case["expected"] = lst(np.abs(pg))
    else:
        case["expected"] = lst(pg)
    ls_cases.append(case)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # precenter is deprecated
    pg = signal.lombscargle(t, y, freqs, precenter=True)
ls_cases.append({"args": {"precenter": True}, "expected": lst(pg)})
out["lombscargle"] = {"x": lst(t), "y": lst(y), "weights": lst(w), "freqs": lst(freqs), "cases": ls_cases}

# --- stats ----------------------------------------------------------------------------------------
qs = [0, 1, 5, 10, 25, 33.3, 50, 66.7, 75, 90, 95, 99, 100]
stat_cases = []
for x in [
    vec(1), vec(2), vec(7), vec(100), vec(301) ** 3, np.round(rng.exponential(2.0, 500), 6),
    np.concatenate([vec(200), [25.0, -40.0]]), np.round(rng.integers(0, 5, 60).astype(float), 6),
]:
    stat_cases.append({
        "x": lst(x), "mean": float(np.mean(x)), "var": float(np.var(x)), "var1": float(np.var(x, ddof=1)) if x.size > 1 else None,
        "std": float(np.std(x)), "skew": float(stats.skew(x)) if x.size > 1 else None,
        "kurtosis": float(stats.kurtosis(x)) if x.size > 1 else None,
        "q": qs, "percentile": lst(np.percentile(x, qs)), "median": float(np.median(x)), "rms": float(np.sqrt(np.mean(x * x))),
    })
out["stats"] = stat_cases

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spectral_extra.json")
with open(path, "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
print(f"wrote {path} ({os.path.getsize(path) // 1024} KiB)")
