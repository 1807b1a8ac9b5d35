"""Golden values for the FFT kernels (test/dsp/fft-pow2.test.ts and test/dsp/fft-mixed.test.ts). Run from
the repository root:

    python3 test/golden/dsp/make_fft_kernels.py

writes test/golden/dsp/fft_kernels.json. Made with NumPy 2.4.

Inputs are not stored: they come from a 32-bit linear congruential generator that the tests repeat
exactly (s = (1664525 s + 1013904223) mod 2^32, value = (s >> 8) / 2^23 - 1, a 24-bit fraction, so
the same doubles in Python and JavaScript). A complex case draws its n real parts, then its n
imaginary parts; a real case draws n values. "head" holds the first values drawn so the tests can check
that they generate the same input. Expected values are numpy.fft.fft of the input, full for n <= 1024;
for larger n only at the listed "bins", with "norm", the L2 norm of the whole output.
"""
import json
import os

import numpy as np

FULL_MAX = 1024


def lcg(seed, count):
    s = seed
    out = np.empty(count)
    for i in range(count):
        s = (1664525 * s + 1013904223) & 0xFFFFFFFF
        out[i] = (s >> 8) / 2.0**23 - 1.0
    return out


def lst(a):
    return [float(v) for v in np.asarray(a).ravel()]


def sampled_bins(n):
    """Both ends, around Nyquist, and a scattered stride: a wrong permutation or twiddle shows in any of them."""
    bins = set(range(16)) | set(range(n - 16, n)) | set(range(n // 2 - 8, n // 2 + 8))
    bins |= {(k * 7919) % n for k in range(200)}
    return sorted(bins)


def case(n, kind, seed):
    if kind == "complex":
        v = lcg(seed, 2 * n)
        z = v[:n] + 1j * v[n:]
    else:
        v = lcg(seed, n)
        z = v.astype(complex)
    X = np.fft.fft(z)
    c = {"n": n, "kind": kind, "seed": seed, "head": lst(v[:4]), "norm": float(np.linalg.norm(X))}
    if n > FULL_MAX:
        bins = sampled_bins(n)
        c["bins"] = bins
        X = X[bins]
    c["re"], c["im"] = lst(X.real), lst(X.imag)
    return c


out = {"numpy": np.__version__}

# Powers of two: n = 1, the radix-2 case, radix-4 first passes (log2 n even) and radix-8 ones (odd),
# up to the bit-reversal table size 4096, then the tiled in-place path above it.
out["pow2"] = [case(1 << k, kind, 1000 + 2 * k + (kind == "real")) for k in range(17) for kind in ("complex", "real")]

# Non powers of two: lengths made of 2, 3, 4, 5 and 7 (one to five stages), lengths with a larger
# prime factor, primes (small and large), and lengths only a chirp-z transform handles well.
mixed_sizes = [3, 5, 6, 7, 9, 10, 11, 12, 13, 15, 25, 27, 35, 49, 60, 77, 97, 101, 120, 143, 210, 360, 1001, 1009, 1155, 4099]
out["mixed"] = [case(n, kind, 5000 + 2 * i + (kind == "real")) for i, n in enumerate(mixed_sizes) for kind in ("complex", "real")]

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fft_kernels.json")
with open(path, "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
print(f"wrote {path} ({os.path.getsize(path) // 1024} KiB)")
