"""Golden FLAC streams made by the reference encoder, and WFDB records in FLAC formats 508/516/524.

Run: python3 test/golden/io/flac/make.py   (needs numpy and the `flac`/`metaflac` 1.4.2 CLI tools)

For each case <case>:
  <case>.flac  the stream written by `flac` from raw little-endian signed PCM;
  <case>.i32   the exact samples that went in: little-endian int32, channel-interleaved
               (sample 0 of channel 0, sample 0 of channel 1, ..., sample 1 of channel 0, ...);
  <case>.json  {"channels", "bitsPerSample", "sampleRate", "totalSamples", "blockSize",
               "interleaved": "<case>.i32", "flacArgs", "md5", "streamInfo", "metadataBlocks",
               "seekPoints", "analyze"}: "analyze" summarises `flac --analyze` of the file.
Every stream is decoded again with `flac -d` and compared with its input byte for byte, and the
script fails unless CONSTANT, VERBATIM, FIXED and LPC subframes, wasted bits > 0 and the channel
assignments INDEPENDENT, LEFT_SIDE, RIGHT_SIDE and MID_SIDE each occur in some case.

WFDB records (signal files in FLAC formats, each with a format 16/24 reference of the same samples):
  flac516 (+ flac516_ref), flac_multi (+ flac_multi_ref), flac_spf (+ flac_spf_ref).
A FLAC signal file is one FLAC stream whose channel s holds the samples of the file's signal s
(header order), spf samples per frame in order; the FLAC sample rate is frame rate x spf.
"""
import atexit
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent
TMP = Path(tempfile.mkdtemp(prefix="flac-golden-"))  # .raw and .ana files live here only
atexit.register(shutil.rmtree, TMP, True)
rng = np.random.default_rng(20250311)


def run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"command failed ({r.returncode}): {' '.join(map(str, args))}\n{r.stderr}")
    return r.stdout


def raw_bytes(x, bps):
    """x: (n, channels) ints -> raw little-endian signed PCM, channel-interleaved."""
    x = np.asarray(x, dtype=np.int64)
    lo, hi = -(1 << (bps - 1)), (1 << (bps - 1)) - 1
    assert x.min() >= lo and x.max() <= hi, (x.min(), x.max(), bps)
    flat = x.reshape(-1)
    if bps == 8:
        return flat.astype("<i1").tobytes()
    if bps == 16:
        return flat.astype("<i2").tobytes()
    if bps == 24:
        return flat.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    raise ValueError(bps)


def flac_encode(raw_path, out_path, channels, bps, rate, opts):
    args = ["flac", "-s", "-f", "--force-raw-format", "--endian=little", "--sign=signed",
            f"--channels={channels}", f"--bps={bps}", f"--sample-rate={rate}", *opts]
    run([*args, "-o", str(out_path), str(raw_path)])
    return args[2:]


def flac_decode_check(flac_path, raw):
    dec = TMP / (flac_path.stem + ".dec.raw")
    run(["flac", "-s", "-f", "-d", "--force-raw-format", "--endian=little", "--sign=signed",
         "-o", str(dec), str(flac_path)])
    got = dec.read_bytes()
    dec.unlink()
    if got != raw:
        sys.exit(f"{flac_path.name}: decoded samples differ from the input")


def analyze(flac_path):
    ana = TMP / (flac_path.stem + ".ana")
    run(["flac", "-s", "-f", "-a", "-o", str(ana), str(flac_path)])
    text = ana.read_text()
    ana.unlink()
    s = {"frames": 0, "blockSizes": set(), "channelAssignments": {}, "subframeTypes": {},
         "fixedOrders": set(), "lpcOrders": set(), "qlpPrecisions": set(), "wastedBits": set(),
         "residualTypes": set(), "maxPartitionOrder": 0, "constantValues": set()}
    for line in text.splitlines():
        f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        if line.startswith("frame="):
            s["frames"] += 1
            s["blockSizes"].add(int(f["blocksize"]))
            a = f["channel_assignment"]
            s["channelAssignments"][a] = s["channelAssignments"].get(a, 0) + 1
        elif "subframe=" in line:
            t = f["type"]
            s["subframeTypes"][t] = s["subframeTypes"].get(t, 0) + 1
            s["wastedBits"].add(int(f["wasted_bits"]))
            if t == "FIXED":
                s["fixedOrders"].add(int(f["order"]))
            if t == "LPC":
                s["lpcOrders"].add(int(f["order"]))
                s["qlpPrecisions"].add(int(f["qlp_coeff_precision"]))
            if t == "CONSTANT":
                s["constantValues"].add(int(f["value"]))
            if "residual_type" in f:
                s["residualTypes"].add(f["residual_type"])
                s["maxPartitionOrder"] = max(s["maxPartitionOrder"], int(f["partition_order"]))
    return {k: sorted(v) if isinstance(v, set) else v for k, v in s.items()}


def metaflac_info(flac_path):
    text = run(["metaflac", "--list", str(flac_path)])
    blocks, seek, si = [], [], {}
    for line in text.splitlines():
        m = re.match(r"\s*type: \d+ \((\w+)\)", line)
        if m:
            blocks.append(m.group(1))
        m = re.match(r"\s*point \d+: sample_number=(\d+), stream_offset=(\d+), frame_samples=(\d+)", line)
        if m:
            seek.append([int(g) for g in m.groups()])
        elif re.match(r"\s*point \d+: PLACEHOLDER", line):
            seek.append("PLACEHOLDER")
        for key, name in [("minimum blocksize", "minBlockSize"), ("maximum blocksize", "maxBlockSize"),
                          ("minimum framesize", "minFrameSize"), ("maximum framesize", "maxFrameSize")]:
            m = re.match(rf"\s*{key}: (\d+)", line)
            if m:
                si[name] = int(m.group(1))
        m = re.match(r"\s*MD5 signature: ([0-9a-f]{32})", line)
        if m:
            si["md5"] = m.group(1)
    return blocks, seek, si


def encode_case(name, x, bps, rate, opts):
    """x: (n, channels) integer samples."""
    x = np.asarray(x, dtype=np.int64)
    if x.ndim == 1:
        x = x[:, None]
    n, ch = x.shape
    raw = raw_bytes(x, bps)
    raw_path = TMP / f"{name}.raw"
    raw_path.write_bytes(raw)
    flac_path = OUT / f"{name}.flac"
    args = flac_encode(raw_path, flac_path, ch, bps, rate, opts)
    raw_path.unlink()
    flac_decode_check(flac_path, raw)
    blocks, seek, si = metaflac_info(flac_path)
    md5 = hashlib.md5(raw).hexdigest()  # FLAC's MD5: interleaved little-endian samples, bps/8 bytes each
    assert si["md5"] == md5, (name, si["md5"], md5)
    (OUT / f"{name}.i32").write_bytes(x.astype("<i4").tobytes())
    ana = analyze(flac_path)
    meta = {
        "channels": ch, "bitsPerSample": bps, "sampleRate": rate, "totalSamples": n,
        "blockSize": si["maxBlockSize"], "interleaved": f"{name}.i32",
        "flacArgs": args, "md5": md5,
        "streamInfo": {k: v for k, v in si.items() if k != "md5"},
        "metadataBlocks": blocks, "seekPoints": seek, "analyze": ana,
    }
    (OUT / f"{name}.json").write_text(json.dumps(meta, indent=1) + "\n")
    return meta


# ---------------------------------------------------------------- signals

def ecg_like(n, fs, amp, rng, noise=0.02, hr=1.2):
    t = np.arange(n) / fs
    beat = np.zeros(n)
    for c in np.arange(0.3, t[-1] + 1, 1 / hr):
        beat += np.exp(-0.5 * ((t - c) / 0.012) ** 2)          # R
        beat -= 0.15 * np.exp(-0.5 * ((t - c - 0.04) / 0.015) ** 2)  # S
        beat += 0.2 * np.exp(-0.5 * ((t - c - 0.25) / 0.05) ** 2)    # T
    y = (0.8 * beat + 0.1 * np.sin(2 * np.pi * 0.25 * t) + 0.05 * np.sin(2 * np.pi * 50 * t + 0.3)
         + noise * rng.standard_normal(n))
    return np.clip(np.round(amp * y), -amp, amp).astype(np.int64)


def ppg_like(n, fs, amp, rng, noise=0.01):
    t = np.arange(n) / fs
    ph = 2 * np.pi * 1.2 * t
    y = 0.6 * np.sin(ph) + 0.25 * np.sin(2 * ph + 0.8) + 0.1 * np.sin(2 * np.pi * 0.2 * t) + noise * rng.standard_normal(n)
    return np.round(amp * y).astype(np.int64)


def ar2(innov, r=0.95, f=0.05):
    """innov filtered by a resonant AR(2): y[k] = 2 r cos(2 pi f) y[k-1] - r^2 y[k-2] + innov[k]."""
    a1, a2 = 2 * r * np.cos(2 * np.pi * f), -r * r
    y = np.zeros(len(innov))
    for k in range(len(innov)):
        y[k] = innov[k] + (a1 * y[k - 1] if k >= 1 else 0) + (a2 * y[k - 2] if k >= 2 else 0)
    return y


cases = []


def case(name, x, bps, rate, opts, covers):
    meta = encode_case(name, x, bps, rate, opts)
    cases.append((name, meta, covers))


# 1. mono 16-bit ECG at 360 Hz, default -5, last frame short; default SEEKTABLE and PADDING.
case("mono16_ecg360_l5", ecg_like(6000, 360, 2000, rng), 16, 360, ["-5"],
     "default -5, short last frame, SEEKTABLE (with placeholders) + PADDING")

# 2. stereo 16-bit, -8: one 576-block per channel assignment (innovations through the same AR(2)):
#    mid-side (L = A + B, R = A - B, |B| ~ |A|/2), left-side (L = A, R = A + B),
#    right-side (L = A + B, R = A), independent (L, R through different AR(2)s), then a correlated tail.
bs = 576
segs = []
for kind in ["mid", "left", "right", "indep", "mid"]:
    a = ar2(300 * rng.standard_normal(bs))
    b = ar2((150 if kind == "mid" else 300) * rng.standard_normal(bs), f=0.3 if kind == "indep" else 0.05)
    l, r = {"mid": (a + b, a - b), "left": (a, a + b), "right": (a + b, a), "indep": (a, b)}[kind]
    segs.append(np.stack([np.round(l), np.round(r)], axis=1))
tail = ecg_like(200, 360, 2000, rng)
segs.append(np.stack([tail, tail + rng.integers(-3, 4, 200)], axis=1))
case("stereo16_decorrelation_l8", np.concatenate(segs), 16, 44100, ["-8", f"--blocksize={bs}", "--no-padding", "--no-seektable"],
     "all four channel assignments")
assert set(cases[-1][1]["analyze"]["channelAssignments"]) == {"INDEPENDENT", "LEFT_SIDE", "RIGHT_SIDE", "MID_SIDE"}

# 3. three channels 16-bit (independent coding only).
n3 = 2500
x3 = np.stack([ecg_like(n3, 500, 2000, rng), ppg_like(n3, 500, 8000, rng),
               np.round(3000 * np.sin(2 * np.pi * 0.3 * np.arange(n3) / 500) + 5 * rng.standard_normal(n3))], axis=1)
case("ch3_16bit_l5", x3, 16, 500, ["-5", "--no-padding"], "3 channels (assignment code 2)")

# 4. eight channels 16-bit, one frame shorter than the block size.
n8 = 700
x8 = np.stack([ecg_like(n8, 1000, 1000 + 300 * c, rng) if c % 2 == 0 else ppg_like(n8, 1000, 500 * (c + 1), rng)
               for c in range(8)], axis=1)
case("ch8_16bit_short", x8, 16, 1000, ["-5", "--no-padding", "--no-seektable"], "8 channels (code 7), single short frame")

# 5. 8-bit mono, full range -128..127 reached.
n = 4000
t = np.arange(n) / 8000
x = np.clip(np.round(140 * np.sin(2 * np.pi * 3 * t) + 20 * np.sin(2 * np.pi * 440 * t) + 2 * rng.standard_normal(n)), -128, 127)
case("mono8_l5", x, 8, 8000, ["-5", "--no-padding", "--no-seektable"], "8-bit samples")

# 6. 24-bit stereo, values up to +-8e6 (and both 24-bit extremes), correlated: side channel needs 25 bits.
n = 3000
t = np.arange(n) / 48000
a = 6.5e6 * np.sin(2 * np.pi * 50 * t) + 1.2e6 * np.sin(2 * np.pi * 333 * t + 1) + 3e4 * rng.standard_normal(n)
b = 4e5 * np.sin(2 * np.pi * 120 * t) + 2e4 * rng.standard_normal(n)
x24 = np.clip(np.round(np.stack([a + b, a - b], axis=1)), -8388608, 8388607)
x24[100] = [8388607, -8388608]
x24[101] = [-8388608, 8388607]
case("stereo24_l8", x24, 24, 48000, ["-8", "--no-padding", "--no-seektable"], "24-bit, 25-bit side channel, RICE2")

# 7. CONSTANT, VERBATIM and wasted-bits subframes (-8, 512-sample blocks).
bs = 512
k = np.arange(bs)
blocks = [
    np.zeros(bs),                                                     # CONSTANT 0
    np.full(bs, -1234),                                               # CONSTANT (even: wasted bit)
    np.full(bs, 777),                                                 # CONSTANT (odd)
    rng.integers(-32768, 32768, bs),                                  # full-scale white noise: VERBATIM
    4 * np.round(3000 * np.sin(2 * np.pi * k / 97) + 40 * rng.standard_normal(bs)),  # multiples of 4: wasted 2
    8 * rng.integers(-4096, 4096, bs),                                # multiples of 8, white: VERBATIM + wasted 3
    np.round(-20000 + 70.5 * k),                                      # ramp: FIXED order 2 exact
    np.round(0.11 * (k - 256) ** 2 - 5000),                           # parabola: FIXED order <= 3
]
tail = np.round(1000 * np.sin(2 * np.pi * np.arange(100) / 37))
case("mono16_special_subframes_l8", np.concatenate(blocks + [tail]), 16, 1000,
     ["-8", f"--blocksize={bs}", "--no-padding", "--no-seektable"], "CONSTANT, VERBATIM, wasted bits, FIXED")

# 8. tiny blocks (192, code 1), -0 = fixed predictors only; > 128 frames (2-byte UTF-8 frame numbers).
#    Block-aligned segments chosen so that each fixed order 0..4 is the encoder's pick somewhere:
#    white noise (0), a random walk (1), an ECG (2), slow sines (3), fast large sines (4); short tail.
b = 192
kk = np.arange(24 * b)
x = np.concatenate([
    rng.integers(-300, 301, 24 * b),
    np.cumsum(rng.integers(-40, 41, 24 * b)),
    ecg_like(33 * b, 250, 1500, rng, noise=0.01),
    np.round(1000 * np.sin(2 * np.pi * kk / 78.5) + rng.standard_normal(24 * b)),
    np.round(12000 * np.sin(2 * np.pi * kk / 40) + rng.standard_normal(24 * b)),
    np.round(3000 * np.sin(2 * np.pi * np.arange(57) / 57)),
])
case("mono16_block192_l0", x, 16, 250, ["-0", f"--blocksize={b}", "--no-padding"],
     "FIXED only, 192-sample blocks, 2-byte frame numbers")
assert cases[-1][1]["analyze"]["fixedOrders"] == [0, 1, 2, 3, 4], cases[-1][1]["analyze"]["fixedOrders"]

# 9. large blocks (16384, non-subset with --lax) and LPC orders above 12 (-l 32, also non-subset).
n = 16384 + 616
t = np.arange(n) / 8000
x = sum(600 * np.sin(2 * np.pi * f * t + p) for f, p in
        [(97, 0.1), (233, 1.0), (512, 2.0), (877, 0.4), (1301, 1.7), (1789, 2.9), (2333, 0.7), (2911, 1.3), (3407, 2.2)])
x = np.round(x + 0.3 * rng.standard_normal(n))
case("mono16_block16384_lpc32_lax", x, 16, 8000, ["-8", "--lax", "--blocksize=16384", "-l", "32", "--no-padding", "--no-seektable"],
     "LPC order > 12, 16384-sample blocks")

# 10. 16-bit extremes -32768 / 32767 in stereo (side channel spans 17 bits).
bs = 256
k = np.arange(bs)
sq = np.where((k // 16) % 2 == 0, 32767, -32768)
sine = np.clip(np.round(40000 * np.sin(2 * np.pi * k / 64)), -32768, 32767)
x = np.concatenate([
    np.stack([sq, -1 - sq], axis=1),                                  # L - R = +-65535
    np.stack([rng.integers(-32768, 32768, bs), rng.integers(-32768, 32768, bs)], axis=1),
    np.stack([sine, sine], axis=1),                                   # clipped sine, L == R
    np.stack([sine, -1 - sine], axis=1),
    np.stack([np.full(100, -32768), np.full(100, 32767)], axis=1),
])
case("stereo16_extremes_l8", x, 16, 22050, ["-8", f"--blocksize={bs}", "--no-padding", "--no-seektable"],
     "values -32768 and 32767, 17-bit side channel")

# ---------------------------------------------------------------- coverage check

need = {"CONSTANT", "VERBATIM", "FIXED", "LPC"}
seen_types, seen_assign, wasted = set(), set(), False
print(f"{'case':32} {'ch':>2} {'bps':>3} {'block':>5}  subframe types / assignments / wasted bits / blocks")
for name, meta, covers in cases:
    a = meta["analyze"]
    seen_types |= set(a["subframeTypes"])
    seen_assign |= set(a["channelAssignments"])
    wasted |= max(a["wastedBits"]) > 0
    print(f"{name:32} {meta['channels']:>2} {meta['bitsPerSample']:>3} {meta['blockSize']:>5}  "
          f"{a['subframeTypes']} fixed{a['fixedOrders']} lpc{a['lpcOrders']} {a['channelAssignments']} "
          f"wasted{a['wastedBits']} {a['residualTypes']} maxPartitionOrder={a['maxPartitionOrder']} "
          f"frames={a['frames']} {meta['metadataBlocks']}")
missing = (need - seen_types) | ({"INDEPENDENT", "LEFT_SIDE", "RIGHT_SIDE", "MID_SIDE"} - seen_assign)
if not wasted:
    missing.add("wasted bits")
if missing:
    sys.exit(f"not covered: {sorted(missing)}")

# ---------------------------------------------------------------- WFDB records


def frame_layout(sigs, spf):
    """sigs: list of (nframes*spf,) arrays -> (nframes, sum spf) in WFDB frame order."""
    nf = len(sigs[0]) // spf
    return np.concatenate([s.reshape(nf, spf) for s in sigs], axis=1)


def write_flac_dat(path, sigs, bps, rate, opts):
    x = np.stack(sigs, axis=1)
    raw = raw_bytes(x, bps)
    rp = TMP / (path.name + ".raw")
    rp.write_bytes(raw)
    flac_encode(rp, path, x.shape[1], bps, rate, opts)
    rp.unlink()
    flac_decode_check(path, raw)


def write_fmt16(path, frames):
    assert frames.min() >= -32768 and frames.max() <= 32767
    path.write_bytes(frames.astype("<i2").tobytes())


def write_fmt24(path, frames):
    path.write_bytes(raw_bytes(frames, 24))


def header(rec, nsig, fs, nframes, lines):
    (OUT / f"{rec}.hea").write_text(f"{rec} {nsig} {fs:g} {nframes}\n" + "".join(l + "\n" for l in lines))


def sig_line(file, fmt, gain, units, res, init, desc):
    return f"{file} {fmt} {gain}(0)/{units} {res} 0 {init} 0 0 {desc}"


# flac516: 2 signals, 16-bit, 250 Hz, 7000 frames.
nf = 7000
ecg = ecg_like(nf, 250, 2000, rng)
ppg = ppg_like(nf, 250, 3000, rng)
write_flac_dat(OUT / "flac516.dat", [ecg, ppg], 16, 250, ["-5", "--blocksize=1024", "--no-padding"])
write_fmt16(OUT / "flac516_ref.dat", frame_layout([ecg, ppg], 1))
for rec, dat, fmt in [("flac516", "flac516.dat", "516"), ("flac516_ref", "flac516_ref.dat", "16")]:
    header(rec, 2, 250, nf, [sig_line(dat, fmt, 200, "mV", 16, ecg[0], "ECG"),
                             sig_line(dat, fmt, 100, "mV", 16, ppg[0], "PPG")])

# flac_multi: 3 signals in two files, 500 frames at 500 Hz: 508 (2 x 8-bit) and 524 (1 x 24-bit).
nf = 500
e8 = np.clip(ecg_like(nf, 500, 120, rng, noise=0.03), -128, 127)
r8 = np.clip(np.round(127 * np.sin(2 * np.pi * 0.5 * np.arange(nf) / 500 + 0.5) + rng.normal(0, 1.5, nf)), -128, 127).astype(np.int64)
a24 = ecg_like(nf, 500, 8000000, rng, noise=0.01)
write_flac_dat(OUT / "flac_multi_a.dat", [e8, r8], 8, 500, ["-5", "--no-padding", "--no-seektable"])
write_flac_dat(OUT / "flac_multi_b.dat", [a24], 24, 500, ["-5", "--no-padding", "--no-seektable"])
write_fmt16(OUT / "flac_multi_ref_a.dat", frame_layout([e8, r8], 1))
write_fmt24(OUT / "flac_multi_ref_b.dat", frame_layout([a24], 1))
header("flac_multi", 3, 500, nf, [sig_line("flac_multi_a.dat", "508", 50, "mV", 8, e8[0], "ECG8"),
                                  sig_line("flac_multi_a.dat", "508", 20, "mV", 8, r8[0], "RESP8"),
                                  sig_line("flac_multi_b.dat", "524", 1000000, "mV", 24, a24[0], "ECG24")])
header("flac_multi_ref", 3, 500, nf, [sig_line("flac_multi_ref_a.dat", "16", 50, "mV", 8, e8[0], "ECG8"),
                                      sig_line("flac_multi_ref_a.dat", "16", 20, "mV", 8, r8[0], "RESP8"),
                                      sig_line("flac_multi_ref_b.dat", "24", 1000000, "mV", 24, a24[0], "ECG24")])

# flac_spf: one file, 2 signals x 2 samples per frame, 1000 frames at 125 Hz (FLAC rate 250).
nf, spf = 1000, 2
s0 = ecg_like(nf * spf, 250, 2000, rng)
s1 = ppg_like(nf * spf, 250, 3000, rng)
write_flac_dat(OUT / "flac_spf.dat", [s0, s1], 16, 125 * spf, ["-5", "--no-padding", "--no-seektable"])
write_fmt16(OUT / "flac_spf_ref.dat", frame_layout([s0, s1], spf))
for rec, dat, fmt in [("flac_spf", "flac_spf.dat", "516x2"), ("flac_spf_ref", "flac_spf_ref.dat", "16x2")]:
    header(rec, 2, 125, nf, [sig_line(dat, fmt, 200, "mV", 16, s0[0], "ECG"),
                             sig_line(dat, fmt, 100, "mV", 16, s1[0], "PPG")])

total = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
print(f"wrote {len(cases)} FLAC cases and 6 WFDB records to {OUT} ({total} bytes in the folder)")
