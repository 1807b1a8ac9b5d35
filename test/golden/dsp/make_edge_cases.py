"""Edge-case golden vectors across the dsp kernels (test/dsp/*.test.ts read edge_cases.json).

Short signals and extreme parameters the other goldens do not reach: lengths 1-3 and just above
padlen, nperseg above len(x), noverlap = nperseg - 1, odd/even nfft and the autocorrelation path of
welch, median averaging, two-sided spectra, flat and edge peaks with wlen and rel_height, savgol
with even windows and every mode, medfilt with kernels longer than x, resample_poly of 1-3 samples.

Run from any folder other than scipy's own: python3 test/golden/dsp/make_edge_cases.py
Each section is a list of {"name", "args", "expected"}; non-finite floats are the strings
"inf", "-inf", "nan".
"""
import json
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import interpolate, signal

warnings.simplefilter('ignore')
rng = np.random.default_rng(20250107)
out = {'scipy': scipy.__version__, 'numpy': np.__version__}


def enc(v):
    if isinstance(v, np.ndarray):
        return [enc(t) for t in v.tolist()]
    if isinstance(v, dict):
        return {k: enc(t) for k, t in v.items()}
    if isinstance(v, (list, tuple)):
        return [enc(t) for t in v]
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return v if np.isfinite(v) else str(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def add(section, name, args, expected):
    if callable(expected):
        try:
            expected = expected()
        except ValueError:  # SciPy rejects these arguments (x not longer than padlen): not a case
            return
    out.setdefault(section, []).append({'name': name, 'args': enc(args), 'expected': enc(expected)})


# ---- spectral: scipy.signal.welch / periodogram
xs = rng.standard_normal(37)
xl = rng.standard_normal(400) + np.linspace(0, 3, 400)
welch_cases = [
    ('nperseg above len(x) is clipped', xs, dict(nperseg=64)),
    ('nperseg equal to len(x)', xs, dict(nperseg=37)),
    ('noverlap nperseg-1', xs, dict(nperseg=10, noverlap=9)),
    ('odd nfft above nperseg', xs, dict(nperseg=10, nfft=11)),
    ('two-sided, odd nfft', xs, dict(nperseg=10, nfft=15, return_onesided=False)),
    ('two-sided, even nfft above odd nperseg', xs, dict(nperseg=11, nfft=12, return_onesided=False)),
    ('linear detrend, spectrum scaling', xs, dict(nperseg=8, detrend='linear', scaling='spectrum')),
    ('median of an even number of segments', xs, dict(nperseg=8, average='median')),
    ('median without overlap', xs, dict(nperseg=8, noverlap=0, average='median')),
    ('median, two-sided', xs, dict(nperseg=12, noverlap=6, average='median', return_onesided=False)),
    ('nperseg 1', xs, dict(nperseg=1, noverlap=0)),
    ('nperseg 2, boxcar, linear detrend', xs, dict(nperseg=2, window='boxcar', detrend='linear')),
    ('tukey window', xs, dict(nperseg=9, window=('tukey', 0.3))),
    ('kaiser window, no detrend', xs, dict(nperseg=9, window=('kaiser', 8.0), detrend=False)),
    ('hamming, nfft 33, linear detrend', xs, dict(nperseg=16, window='hamming', nfft=33, detrend='linear')),
    ('many short segments, nfft 128 (autocorrelation path)', xl, dict(nperseg=20, nfft=128)),
    ('many segments, odd nfft, linear detrend', xl, dict(nperseg=20, nfft=129, detrend='linear')),
    ('noverlap nperseg-1, two-sided, nfft 4x', xl, dict(nperseg=15, noverlap=14, nfft=64, return_onesided=False)),
    ('blackman, spectrum scaling, nfft 3x', xl, dict(nperseg=20, nfft=64, scaling='spectrum', window='blackman')),
    ('one sample', np.array([1.5]), {}),
    ('two samples', np.array([1.0, 2.0]), {}),
    ('constant input', np.full(6, 2.0), dict(detrend=False)),
]
for name, x, o in welch_cases:
    f, p = signal.welch(x, **o)
    add('welch', name, {'x': x, 'opts': o}, {'f': f, 'p': p})
pg_cases = [
    ('defaults', xs, {}),
    ('nfft below len(x) truncates', xs, dict(nfft=20)),
    ('even nfft above len(x)', xs, dict(nfft=40)),
    ('odd nfft above len(x), hann', xs, dict(nfft=41, window='hann')),
    ('two-sided', xs, dict(return_onesided=False)),
    ('linear detrend, spectrum scaling', xs, dict(detrend='linear', scaling='spectrum')),
    ('truncated, no detrend, two-sided', xs, dict(nfft=8, detrend=False, return_onesided=False)),
    ('tukey, zero-padded', xs, dict(window=('tukey', 0.5), nfft=50)),
    ('one sample', np.array([1.5]), {}),
    ('two samples', np.array([1.0, 2.0]), {}),
]
for name, x, o in pg_cases:
    f, p = signal.periodogram(x, **o)
    add('periodogram', name, {'x': x, 'opts': o}, {'f': f, 'p': p})

# ---- peaks: scipy.signal.find_peaks / peak_prominences / peak_widths
sigs = {
    'plateaus at both edges': np.array([1., 1., 0., 2., 2., 0., 3., 3.]),
    'plateaus of 3 and 2': np.array([0., 2., 2., 2., 0., 2., 2., 0., 1., 0.]),
    'three samples': np.array([0., 1., 0.]),
    'two samples': np.array([0., 1.]),
    'random': rng.standard_normal(40).round(2),
}
for sname, x in sigs.items():
    for wlen in [None, 3, 4, 5.5]:
        r = signal.find_peaks(x, prominence=0, width=0, wlen=wlen, plateau_size=1, threshold=0)
        add('findPeaks', f'{sname}, every property, wlen {wlen}', {'x': x, 'opts': {'prominence': 0, 'width': 0, 'wlen': wlen, 'plateauSize': 1, 'threshold': 0}}, {'peaks': r[0], **r[1]})
    for rh in [0., 1., 2.]:
        r = signal.find_peaks(x, width=(None, None), rel_height=rh)
        add('findPeaks', f'{sname}, rel_height {rh}', {'x': x, 'opts': {'width': [None, None], 'relHeight': rh}}, {'peaks': r[0], **r[1]})
x = sigs['random']
for d in [1, 1.5, 3, 7.2, 100]:
    r = signal.find_peaks(x, distance=d, height=(0, 1.5))
    add('findPeaks', f'distance {d} after a height band', {'x': x, 'opts': {'distance': d, 'height': [0, 1.5]}}, {'peaks': r[0], **r[1]})
r = signal.find_peaks(x, threshold=(0.1, 1.0))
add('findPeaks', 'threshold band', {'x': x, 'opts': {'threshold': [0.1, 1.0]}}, {'peaks': r[0], **r[1]})
xi = np.array([0., np.inf, 0., 1., 0.])
r = signal.find_peaks(xi, height=0.5)
add('findPeaks', 'an infinite peak', {'x': xi, 'opts': {'height': 0.5}}, {'peaks': r[0], **r[1]})
xe = np.array([3., 1., 2., 1., 4., 0., 0., 2.])
for pk in [[0], [7], [0, 2, 4, 7], [5]]:
    for wlen in [None, 3, 4]:
        args = {'x': xe, 'peaks': pk, 'wlen': wlen}
        add('peakProminences', f'peaks {pk}, wlen {wlen}', args, dict(zip(['prominences', 'left_bases', 'right_bases'], signal.peak_prominences(xe, pk, wlen=wlen))))
        add('peakWidths', f'peaks {pk}, wlen {wlen}', args, dict(zip(['widths', 'width_heights', 'left_ips', 'right_ips'], signal.peak_widths(xe, pk, rel_height=0.5, wlen=wlen))))

# ---- filtfilt: sosfiltfilt / filtfilt / lfilter at lengths around padlen
sos = signal.butter(4, [0.1, 0.4], 'bandpass', output='sos')
xf = rng.standard_normal(40)
for n in [27, 28]:  # default padlen 27
    for pt in ['odd', 'even', 'constant', None]:
        for pl in [None, 0, 1, n - 1]:
            add('sosfiltfilt', f'{n} samples, padtype {pt}, padlen {pl}', {'sos': sos, 'x': xf[:n], 'padtype': pt, 'padlen': pl},
                lambda: signal.sosfiltfilt(sos, xf[:n], padtype=pt, padlen=pl))
tfs = [('butter 3', *signal.butter(3, 0.3)), ('FIR', [1., 2., 1.], [1.]), ('gain only', [0.5], [2., -0.5]), ('a longer than b, a0 2', [1., -1.], [2., -1.9, 0.95, 0., 0.])]
for tname, b, a in tfs:
    for n in [1, 2, 3, 12, 13]:
        for pt in ['odd', 'even', 'constant', None]:
            for pl in [None, 0, n - 1]:
                add('filtfilt', f'{tname}, {n} samples, padtype {pt}, padlen {pl}', {'b': b, 'a': a, 'x': xf[:n], 'padtype': pt, 'padlen': pl},
                    lambda: signal.filtfilt(b, a, xf[:n], padtype=pt, padlen=pl))

# ---- savgol_filter
xsg = rng.standard_normal(15).cumsum()
for w, p, kw in [(4, 2, {}), (6, 3, {'mode': 'mirror'}), (6, 3, {'mode': 'nearest'}), (6, 2, {'mode': 'wrap'}),
                 (4, 1, {'mode': 'constant', 'cval': 2.5}), (15, 4, {}), (5, 2, {'deriv': 1, 'delta': 0.5}),
                 (6, 3, {'deriv': 2, 'delta': 0.1}), (7, 2, {'deriv': 3}), (1, 0, {}), (2, 1, {}), (2, 0, {'mode': 'nearest'}),
                 (21, 3, {'mode': 'mirror'}), (21, 3, {'mode': 'wrap'}), (20, 2, {'mode': 'nearest', 'deriv': 1}), (8, 3, {'deriv': 1, 'delta': 2.})]:
    add('savgol', f'window {w}, order {p}, {kw}', {'x': xsg, 'w': w, 'p': p, 'opts': kw}, signal.savgol_filter(xsg, w, p, **kw))

# ---- medfilt: kernels longer than the signal
for n in [1, 2, 3, 7]:
    for k in [1, 3, 5, 9]:
        x = (rng.standard_normal(n) + 1).round(1)
        add('medfilt', f'{n} samples, kernel {k}', {'x': x, 'k': k}, signal.medfilt(x, k))
x = np.array([1., 1., 1., 2., 2., -1., -1., 0., 0., 3.])
add('medfilt', 'ties and zeros', {'x': x, 'k': 5}, signal.medfilt(x, 5))

# ---- resample_poly / upfirdn of very short signals
for n in [1, 2, 3]:
    x = rng.standard_normal(n)
    for up, down in [(1, 3), (3, 1), (2, 3), (7, 5), (6, 4)]:
        add('resamplePoly', f'{n} samples, {up}/{down}', {'x': x, 'up': up, 'down': down, 'opts': {}}, signal.resample_poly(x, up, down))
    add('resamplePoly', f'{n} samples, 3/2, even-length filter', {'x': x, 'up': 3, 'down': 2, 'opts': {'window': [0.25, 0.5, 0.25, 0.1]}},
        signal.resample_poly(x, 3, 2, window=[0.25, 0.5, 0.25, 0.1]))
    for h in [[1.], [1., 2., 3., 4., 5., 6., 7.]]:
        for up, down in [(3, 2), (1, 4)]:
            add('upfirdn', f'{n} samples, {len(h)} taps, {up}/{down}', {'h': h, 'x': x, 'up': up, 'down': down}, signal.upfirdn(h, x, up, down))

# ---- hilbert: N truncating or padding, lengths 1..4
for n in [1, 2, 3, 4]:
    x = rng.standard_normal(n)
    for N in [None, 1, 2, 5, 8]:
        z = signal.hilbert(x, N)
        add('hilbert', f'{n} samples, N {N}', {'x': x, 'N': N}, {'re': z.real, 'im': z.imag})

# ---- CubicSpline (not-a-knot) with 4-5 uneven knots, extrapolating
for xk in [[0., 1., 3., 3.5], [0., 0.1, 0.5, 2., 2.2]]:
    xk = np.array(xk)
    yk = rng.standard_normal(len(xk))
    xq = np.linspace(xk[0] - 1, xk[-1] + 1, 13)
    add('cubicSpline', f'{len(xk)} knots', {'x': xk, 'y': yk, 'xq': xq}, interpolate.CubicSpline(xk, yk)(xq))

Path(__file__).with_name('edge_cases.json').write_text(json.dumps(out))
