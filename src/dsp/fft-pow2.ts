/**
 * Power-of-two FFT kernel (unnormalised forward DFT, out never aliasing in): iterative decimation
 * in time (Cooley & Tukey 1965), bit-reversed load fused with a twiddle-free first pass (radix 8
 * when log2 n is odd, else radix 4), then radix-4 passes (three complex products per four points).
 * The radix-8 first pass replaces a radix-2 load and a radix-4 pass: one pass less over the data,
 * whose multiplications by the eighth roots of unity are additions but for two scalings by
 * sqrt(1/2) (2048 points, behind the quality windows' 4096-point real transform: 1.11x). Passes
 * whose butterflies stay inside a BLOCK of points run block by block while the block is in cache;
 * beyond one block the bit reversal runs tile by tile first (the strided gather would miss the
 * cache on nearly every value).
 *
 * Tried and dropped: Bailey's four-step algorithm (J. Supercomputing 4, 1990) for sizes beyond the
 * caches; in JavaScript its gather/twiddle/transpose overhead ate the locality gain (measured equal
 * at 2^19, slower below).
 */

/** Unnormalised forward DFT of `n` points: out = DFT(in). `out` never aliases `in`. */
export interface Kernel {
  run(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void;
}

/** A kernel that can also read complex input stored interleaved, z[k] = x[2k] + i x[2k+1]. */
export interface PackedKernel extends Kernel {
  runPacked(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void;
}

export function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Points per cache block (64 KiB of re + im): passes with spans up to this run block by block. */
const BLOCK = 4096;

/** Bit-reversal tiles of TILE x TILE values for n > BLOCK. */
const TILE_BITS = 5;
const TILE = 1 << TILE_BITS;
const REV_TILE = Uint32Array.from({ length: TILE }, (_, i) => {
  let r = 0;
  for (let b = 0; b < TILE_BITS; b++) if (i & (1 << b)) r |= 1 << (TILE_BITS - 1 - b);
  return r;
});

/** Power-of-two DIT: bit-reversed load fused with the first pass, then radix-4 passes. */
export class Pow2Kernel implements PackedKernel {
  private readonly rev: Uint32Array;
  /** Per radix-4 pass of quarter length h: [cos, sin] of W^k, W^2k, W^3k interleaved, k < h. */
  private readonly passes: Float64Array[] = [];
  /** Points per butterfly of the first pass: 2 (n = 2 only), 4 (log2 n even) or 8 (log2 n odd). */
  private readonly radix: 2 | 4 | 8;
  private readonly log: number;
  /** Bit reversal of the middle log2(n) - 2 TILE_BITS index bits, and a tile buffer (n > BLOCK only). */
  private readonly revMid: Uint32Array;
  private readonly tileRe: Float64Array;
  private readonly tileIm: Float64Array;
  /** The identity permutation (n > BLOCK with a radix-8 first pass, which then runs in place after the tiled reversal). */
  private readonly identity: Uint32Array;

  constructor(private readonly n: number) {
    let log = 0;
    while (1 << log < n) log++;
    this.log = log;
    this.radix = log === 1 ? 2 : log % 2 === 1 ? 8 : 4;
    // full bit-reversal table for the fused in-cache gather; large n use the tiled reversal instead
    this.rev = new Uint32Array(n <= BLOCK ? n : 0);
    for (let i = 1; i < this.rev.length; i++) this.rev[i] = (this.rev[i >> 1]! >> 1) | ((i & 1) << (log - 1));
    const midBits = n > BLOCK ? log - 2 * TILE_BITS : 0;
    this.revMid = new Uint32Array(n > BLOCK ? 1 << midBits : 0);
    this.tileRe = new Float64Array(n > BLOCK ? TILE * TILE : 0);
    this.tileIm = new Float64Array(n > BLOCK ? TILE * TILE : 0);
    this.identity = n > BLOCK && this.radix === 8 ? Uint32Array.from({ length: n }, (_, i) => i) : new Uint32Array(0);
    for (let i = 1; i < this.revMid.length; i++) this.revMid[i] = (this.revMid[i >> 1]! >> 1) | ((i & 1) << (midBits - 1));
    for (let h = this.radix; h < n; h *= 4) {
      const tw = new Float64Array(6 * h);
      const step = (-2 * Math.PI) / (4 * h);
      for (let k = 0; k < h; k++) {
        for (let r = 1; r <= 3; r++) {
          const a = step * ((r * k) % (4 * h));
          tw[6 * k + 2 * (r - 1)] = Math.cos(a);
          tw[6 * k + 2 * (r - 1) + 1] = Math.sin(a);
        }
      }
      this.passes.push(tw);
    }
  }

  run(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.exec(inRe, inIm, undefined, outRe, outIm);
  }

  /** Transform of z[k] = x[2k] + i x[2k+1], read straight from the interleaved real array. */
  runPacked(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.exec(x, x, x, outRe, outIm);
  }

  private exec(inRe: Float64Array, inIm: Float64Array, packed: Float64Array | undefined, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n;
    if (n === 1) {
      outRe[0] = packed ? packed[0]! : inRe[0]!; outIm[0] = packed ? packed[1]! : inIm[0]!;
      return;
    }
    // Small spans run block by block right after the block's bit-reversed load, while it is in
    // cache; only the few passes with spans above BLOCK stream over the whole array.
    const block = Math.min(n, BLOCK);
    const passes = this.passes;
    const first = this.radix;
    let p = 0;
    // Small n: the bit-reversed gather is in cache and fused with the first pass. Large n: its
    // strided reads would miss on nearly every value, so the permutation runs tile by tile first.
    const large = n > BLOCK;
    if (large) this.reverseTiles(inRe, inIm, packed, outRe, outIm);
    for (let base = 0; base < n; base += block) {
      if (large) firstPass(outRe, outIm, this.radix, this.identity, base, base + block);
      else if (packed) this.loadPacked(packed, outRe, outIm, base, base + block);
      else this.load(inRe, inIm, outRe, outIm, base, base + block);
      let h = first;
      for (p = 0; p < passes.length && 4 * h <= block; p++, h *= 4) pass4(outRe, outIm, passes[p]!, h, base, base + block);
    }
    let h = first;
    for (let i = 0; i < p; i++) h *= 4;
    for (; p < passes.length; p++, h *= 4) pass4(outRe, outIm, passes[p]!, h, 0, n);
  }

  /**
   * Cache-blocked bit reversal (Carter & Gatlin 1998, "Towards an optimal bit-reversal permutation
   * program"): index bits split as [a | b | c] with TILE_BITS-bit a and c, so rev = [rev c | rev b |
   * rev a]. For each middle b, TILE runs of TILE contiguous inputs go through a small buffer and
   * leave as TILE contiguous output runs: whole cache lines, one run live at a time.
   */
  private reverseTiles(inRe: Float64Array, inIm: Float64Array, packed: Float64Array | undefined, outRe: Float64Array, outIm: Float64Array): void {
    const { revMid, tileRe, tileIm } = this;
    const hiShift = this.log - TILE_BITS;
    for (let b = 0; b < revMid.length; b++) {
      const inMid = b << TILE_BITS, outMid = revMid[b]! << TILE_BITS;
      for (let a = 0; a < TILE; a++) {
        const src = (a << hiShift) | inMid, t = a * TILE;
        if (packed) {
          for (let c = 0; c < TILE; c++) { tileRe[t + c] = packed[2 * (src + c)]!; tileIm[t + c] = packed[2 * (src + c) + 1]!; }
        } else {
          for (let c = 0; c < TILE; c++) { tileRe[t + c] = inRe[src + c]!; tileIm[t + c] = inIm[src + c]!; }
        }
      }
      for (let c = 0; c < TILE; c++) {
        const dst = (REV_TILE[c]! << hiShift) | outMid;
        for (let a = 0; a < TILE; a++) {
          outRe[dst | REV_TILE[a]!] = tileRe[a * TILE + c]!;
          outIm[dst | REV_TILE[a]!] = tileIm[a * TILE + c]!;
        }
      }
    }
  }

  private load(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array, from: number, to: number): void {
    const rev = this.rev;
    if (this.radix === 8) {
      radix8(inRe, inIm, 1, 0, rev, outRe, outIm, from, to);
      return;
    }
    if (this.radix === 2) {
      const r0 = rev[from]!, r1 = rev[from + 1]!;
      butterfly2(outRe, outIm, from, inRe[r0]!, inIm[r0]!, inRe[r1]!, inIm[r1]!);
      return;
    }
    // Positions i, i+1, i+2, i+3 hold the residues 0, 2, 1, 3 (mod 4) of the quarter sequences.
    for (let i = from; i < to; i += 4) {
      const p0 = rev[i]!, p2 = rev[i + 1]!, p1 = rev[i + 2]!, p3 = rev[i + 3]!;
      butterfly4(outRe, outIm, i, inRe[p0]!, inIm[p0]!, inRe[p1]!, inIm[p1]!, inRe[p2]!, inIm[p2]!, inRe[p3]!, inIm[p3]!);
    }
  }

  private loadPacked(x: Float64Array, outRe: Float64Array, outIm: Float64Array, from: number, to: number): void {
    const rev = this.rev;
    if (this.radix === 8) {
      radix8(x, x, 2, 1, rev, outRe, outIm, from, to);
      return;
    }
    if (this.radix === 2) {
      butterfly2(outRe, outIm, from, x[0]!, x[1]!, x[2]!, x[3]!);
      return;
    }
    for (let i = from; i < to; i += 4) {
      const p0 = 2 * rev[i]!, p2 = 2 * rev[i + 1]!, p1 = 2 * rev[i + 2]!, p3 = 2 * rev[i + 3]!;
      butterfly4(outRe, outIm, i, x[p0]!, x[p0 + 1]!, x[p1]!, x[p1 + 1]!, x[p2]!, x[p2 + 1]!, x[p3]!, x[p3 + 1]!);
    }
  }
}

/** The twiddle-free first pass in place over [from, to), on values already in bit-reversed order. */
function firstPass(re: Float64Array, im: Float64Array, radix: 2 | 4 | 8, identity: Uint32Array, from: number, to: number): void {
  if (radix === 8) {
    radix8(re, im, 1, 0, identity, re, im, from, to);
    return;
  }
  if (radix === 2) {
    butterfly2(re, im, from, re[from]!, im[from]!, re[from + 1]!, im[from + 1]!);
    return;
  }
  for (let i = from; i < to; i += 4) {
    butterfly4(re, im, i, re[i]!, im[i]!, re[i + 2]!, im[i + 2]!, re[i + 1]!, im[i + 1]!, re[i + 3]!, im[i + 3]!);
  }
}

/** 2-point DFT of a, b written to positions i, i+1. */
function butterfly2(outRe: Float64Array, outIm: Float64Array, i: number, ar: number, ai: number, br: number, bi: number): void {
  outRe[i] = ar + br; outIm[i] = ai + bi;
  outRe[i + 1] = ar - br; outIm[i + 1] = ai - bi;
}

/**
 * The twiddle-free radix-8 first pass over [from, to): an 8-point DFT of each eight values, written
 * to positions i..i+7 in natural order (two 4-point DFTs of the even and odd inputs, joined by the
 * eighth roots of unity). The value of position q is srcRe[stride rev[q]] + i srcIm[stride rev[q] +
 * imOffset] (rev the identity to run in place); bit-reversed positions i..i+7 hold the inputs 0, 4,
 * 2, 6, 1, 5, 3, 7. The butterfly is written out here rather than called: a call with sixteen
 * numbers that V8 does not inline boxes each of them.
 */
function radix8(
  srcRe: Float64Array, srcIm: Float64Array, stride: number, imOffset: number, rev: Uint32Array,
  outRe: Float64Array, outIm: Float64Array, from: number, to: number,
): void {
  const c = Math.SQRT1_2;
  for (let i = from; i < to; i += 8) {
    const p0 = stride * rev[i]!, p4 = stride * rev[i + 1]!, p2 = stride * rev[i + 2]!, p6 = stride * rev[i + 3]!;
    const p1 = stride * rev[i + 4]!, p5 = stride * rev[i + 5]!, p3 = stride * rev[i + 6]!, p7 = stride * rev[i + 7]!;
    const a0r = srcRe[p0]!, a0i = srcIm[p0 + imOffset]!, a1r = srcRe[p1]!, a1i = srcIm[p1 + imOffset]!;
    const a2r = srcRe[p2]!, a2i = srcIm[p2 + imOffset]!, a3r = srcRe[p3]!, a3i = srcIm[p3 + imOffset]!;
    const a4r = srcRe[p4]!, a4i = srcIm[p4 + imOffset]!, a5r = srcRe[p5]!, a5i = srcIm[p5 + imOffset]!;
    const a6r = srcRe[p6]!, a6i = srcIm[p6 + imOffset]!, a7r = srcRe[p7]!, a7i = srcIm[p7 + imOffset]!;
    const s04r = a0r + a4r, s04i = a0i + a4i, d04r = a0r - a4r, d04i = a0i - a4i;
    const s26r = a2r + a6r, s26i = a2i + a6i, d26r = a2r - a6r, d26i = a2i - a6i;
    const e0r = s04r + s26r, e0i = s04i + s26i, e2r = s04r - s26r, e2i = s04i - s26i;
    const e1r = d04r + d26i, e1i = d04i - d26r, e3r = d04r - d26i, e3i = d04i + d26r;
    const s15r = a1r + a5r, s15i = a1i + a5i, d15r = a1r - a5r, d15i = a1i - a5i;
    const s37r = a3r + a7r, s37i = a3i + a7i, d37r = a3r - a7r, d37i = a3i - a7i;
    const o0r = s15r + s37r, o0i = s15i + s37i, o2r = s15r - s37r, o2i = s15i - s37i;
    const o1r = d15r + d37i, o1i = d15i - d37r, o3r = d15r - d37i, o3i = d15i + d37r;
    // W^1 o1, W^2 o2 = -i o2 and W^3 o3, with W = exp(-2 pi i / 8) = (1 - i) sqrt(1/2).
    const t1r = (o1r + o1i) * c, t1i = (o1i - o1r) * c;
    const t3r = (o3i - o3r) * c, t3i = -(o3r + o3i) * c;
    outRe[i] = e0r + o0r; outIm[i] = e0i + o0i; outRe[i + 4] = e0r - o0r; outIm[i + 4] = e0i - o0i;
    outRe[i + 1] = e1r + t1r; outIm[i + 1] = e1i + t1i; outRe[i + 5] = e1r - t1r; outIm[i + 5] = e1i - t1i;
    outRe[i + 2] = e2r + o2i; outIm[i + 2] = e2i - o2r; outRe[i + 6] = e2r - o2i; outIm[i + 6] = e2i + o2r;
    outRe[i + 3] = e3r + t3r; outIm[i + 3] = e3i + t3i; outRe[i + 7] = e3r - t3r; outIm[i + 7] = e3i - t3i;
  }
}

/** Twiddle-free 4-point DFT of a0..a3 written to positions i, i+1 (residue 2), i+2 (residue 1), i+3. */
function butterfly4(
  outRe: Float64Array, outIm: Float64Array, i: number,
  a0r: number, a0i: number, a1r: number, a1i: number, a2r: number, a2i: number, a3r: number, a3i: number,
): void {
  const s02r = a0r + a2r, s02i = a0i + a2i, d02r = a0r - a2r, d02i = a0i - a2i;
  const s13r = a1r + a3r, s13i = a1i + a3i, d13r = a1r - a3r, d13i = a1i - a3i;
  outRe[i] = s02r + s13r; outIm[i] = s02i + s13i;
  outRe[i + 2] = s02r - s13r; outIm[i + 2] = s02i - s13i;
  outRe[i + 1] = d02r + d13i; outIm[i + 1] = d02i - d13r;
  outRe[i + 3] = d02r - d13i; outIm[i + 3] = d02i + d13r;
}

/** One in-place radix-4 DIT pass combining quarter blocks of length h over [from, to). */
function pass4(re: Float64Array, im: Float64Array, tw: Float64Array, h: number, from: number, to: number): void {
  const span = 4 * h;
  for (let g = from; g < to; g += span) {
    for (let k = 0; k < h; k++) {
      const i0 = g + k, i1 = i0 + h, i2 = i1 + h, i3 = i2 + h, t = 6 * k;
      const c1 = tw[t]!, s1 = tw[t + 1]!, c2 = tw[t + 2]!, s2 = tw[t + 3]!, c3 = tw[t + 4]!, s3 = tw[t + 5]!;
      // bit-reversed order: position i1 holds residue 2, i2 residue 1
      const x1r = re[i2]!, x1i = im[i2]!, x2r = re[i1]!, x2i = im[i1]!, x3r = re[i3]!, x3i = im[i3]!;
      const t1r = x1r * c1 - x1i * s1, t1i = x1r * s1 + x1i * c1;
      const t2r = x2r * c2 - x2i * s2, t2i = x2r * s2 + x2i * c2;
      const t3r = x3r * c3 - x3i * s3, t3i = x3r * s3 + x3i * c3;
      const t0r = re[i0]!, t0i = im[i0]!;
      const s02r = t0r + t2r, s02i = t0i + t2i, d02r = t0r - t2r, d02i = t0i - t2i;
      const s13r = t1r + t3r, s13i = t1i + t3i, d13r = t1r - t3r, d13i = t1i - t3i;
      re[i0] = s02r + s13r; im[i0] = s02i + s13i;
      re[i2] = s02r - s13r; im[i2] = s02i - s13i;
      re[i1] = d02r + d13i; im[i1] = d02i - d13r;
      re[i3] = d02r - d13i; im[i3] = d02i + d13r;
    }
  }
}

/** The power-of-two kernel for n. */
export function pow2Kernel(n: number): PackedKernel {
  return new Pow2Kernel(n);
}
