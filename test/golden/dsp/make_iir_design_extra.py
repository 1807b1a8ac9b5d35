"""Writes iir_design_extra.json: SciPy reference designs for test/dsp/iir-design.test.ts.

Run from this folder:  python3 make_iir_design_extra.py   (SciPy 1.17 / NumPy 2.4)

Every case is scipy.signal.<kind>(..., output='sos') for the arguments stored in "args", and
"magnitude" is abs(scipy.signal.sosfreqz(sos, worN=freqHz, fs=fs or 2)[1]). The frequencies are a
coarse uniform grid plus the critical frequencies and the band centre, so that the passband gain of
narrow designs is checked too. Analog cases store no magnitude.
"""
import json

import numpy as np
import scipy
from scipy import signal

KINDS = ["butter", "cheby1", "cheby2", "ellip", "bessel"]
BTYPES = ["lowpass", "highpass", "bandpass", "bandstop"]
FS_CHOICES = [100.0, 125.0, 250.0, 256.0, 360.0, 500.0, 1000.0]
RP_CHOICES = [0.1, 0.5, 1.0, 3.0]
RS_CHOICES = [20.0, 40.0, 60.0, 80.0]
NORMS = ["phase", "delay", "mag"]

rng = np.random.default_rng(20240617)


def design(args):
    kind, order, wn = args["kind"], args["order"], args["wn"]
    w = wn[0] if len(wn) == 1 else wn
    kw = dict(btype=args["btype"], analog=args.get("analog", False), output="sos")
    if args.get("fs") is not None:
        kw["fs"] = args["fs"]
    if kind == "butter":
        return signal.butter(order, w, **kw)
    if kind == "cheby1":
        return signal.cheby1(order, args["rp"], w, **kw)
    if kind == "cheby2":
        return signal.cheby2(order, args["rs"], w, **kw)
    if kind == "ellip":
        return signal.ellip(order, args["rp"], args["rs"], w, **kw)
    return signal.bessel(order, w, norm=args["norm"], **kw)


def make_args(kind, btype, order, rel_wn, fs, i, analog=False):
    nyq = 1.0 if fs is None else fs / 2
    args = {"kind": kind, "order": order, "btype": btype,
            "wn": [float(v * nyq) for v in rel_wn], "fs": fs}
    if analog:
        args["analog"] = True
        args["fs"] = None
        args["wn"] = [float(v) for v in rel_wn]
    if kind in ("cheby1", "ellip"):
        args["rp"] = RP_CHOICES[i % len(RP_CHOICES)]
    if kind in ("cheby2", "ellip"):
        args["rs"] = RS_CHOICES[(i // 2) % len(RS_CHOICES)]
    if kind == "bessel":
        args["norm"] = NORMS[i % len(NORMS)]
    return args


def random_wn(btype):
    if btype in ("lowpass", "highpass"):
        return [rng.uniform(0.02, 0.98)]
    lo, hi = np.sort(rng.uniform(0.02, 0.98, 2))
    if hi - lo < 0.02:
        hi = min(lo + 0.05, 0.99)
    return [lo, hi]


def add_case(cases, name, args):
    sos = design(args)
    case = {"name": name, "args": args, "expected": {"sos": sos.tolist()}}
    if not args.get("analog"):
        fs = args["fs"]
        nyq = 1.0 if fs is None else fs / 2
        pts = list(np.linspace(0, nyq, 12, endpoint=False)) + list(args["wn"])
        if len(args["wn"]) == 2:
            pts.append(float(np.sqrt(args["wn"][0] * args["wn"][1])))
        freqs = np.array(sorted(pts))
        _, h = signal.sosfreqz(sos, worN=freqs, fs=2.0 if fs is None else fs)
        case["expected"]["freqHz"] = freqs.tolist()
        case["expected"]["magnitude"] = np.abs(h).tolist()
    cases.append(case)


def main():
    cases = []
    i = 0
    # Every order 1..10 for every kind and btype, sampling rate given or not.
    for kind in KINDS:
        for btype in BTYPES:
            for order in range(1, 11):
                fs = None if i % 3 == 0 else FS_CHOICES[int(rng.integers(len(FS_CHOICES)))]
                add_case(cases, f"{kind}_{btype}_o{order}", make_args(kind, btype, order, random_wn(btype), fs, i))
                i += 1
    # Edges: cutoffs near 0 and near Nyquist, narrow and wide bands, odd and even orders.
    edges = {
        "near0": {"lowpass": [0.002], "highpass": [0.003], "bandpass": [0.002, 0.004], "bandstop": [0.001, 0.003]},
        "nearNyq": {"lowpass": [0.995], "highpass": [0.99], "bandpass": [0.97, 0.995], "bandstop": [0.96, 0.99]},
        "narrow": {"lowpass": [0.31], "highpass": [0.67], "bandpass": [0.40, 0.404], "bandstop": [0.61, 0.615]},
        "wide": {"lowpass": [0.9], "highpass": [0.05], "bandpass": [0.003, 0.993], "bandstop": [0.004, 0.99]},
    }
    for label, by_btype in edges.items():
        for kind in KINDS:
            for btype, rel in by_btype.items():
                for order in (3, 8):
                    fs = None if i % 2 == 0 else 500.0
                    add_case(cases, f"{kind}_{btype}_o{order}_{label}", make_args(kind, btype, order, rel, fs, i))
                    i += 1
    # A few analog designs (sections from zpk2sos(..., analog=True), 'minimal' pairing).
    for kind in KINDS:
        for btype, rel in (("lowpass", [2.5]), ("bandstop", [10.0, 30.0])):
            for order in (3, 4):
                add_case(cases, f"{kind}_{btype}_o{order}_analog", make_args(kind, btype, order, rel, None, i, analog=True))
                i += 1
    out = {"scipy": scipy.__version__, "numpy": np.__version__,
           "generator": "test/golden/dsp/make_iir_design_extra.py", "cases": cases}
    with open("iir_design_extra.json", "w") as f:
        json.dump(out, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
