// vitaldsp/dsp: filter design and filtering, spectra, peaks and statistics over typed arrays, with
// SciPy's semantics (camelCase names, same argument order).
export { type Sos, type SosLike } from './types.js';
export { getWindow, besselI0, type WindowName, type WindowSpec } from './windows.js';
export { butter, cheby1, cheby2, ellip, bessel, iirfilter, iirfilterZpk, type BType, type FType, type IirOptions, type BesselOptions, type IirFilterOptions, type CriticalFrequency } from './iir-design.js';
export { zpk2sos, type Zpk } from './zpk.js';
export { sosfreqz, freqz, type FreqzOptions, type FrequencyResponse } from './freqz.js';
export { sosfilt, sosfiltZi, SosFilter, type SosFilterOptions } from './sosfilt.js';
export { lfilter, lfilterZi } from './lfilter.js';
export { sosfiltfilt, filtfilt, type PadType, type SosfiltfiltOptions, type FiltfiltOptions } from './filtfilt.js';
export { ChunkedZeroPhase, sosfiltfiltChunks, impulseSettlingLength, type ChunkedZeroPhaseOptions } from './zero-phase-chunked.js';
export { firwin, type FirwinOptions } from './fir.js';
export { iirnotch, iirpeak } from './notch.js';
export { savgolFilter, savgolCoeffs, type SavgolOptions, type SavgolMode } from './savgol.js';
export { medfilt } from './medfilt.js';
export { detrend } from './detrend.js';
export { resamplePoly, upfirdn, type ResamplePolyOptions } from './resample.js';
export { Fft, RealFft, fft, ifft, rfft, irfft, nextFastLength } from './fft.js';
export { convolve, fftConvolve, type ConvolveMode, type ConvolveMethod } from './convolve.js';
export { hilbert, envelope } from './hilbert.js';
export { welch, periodogram, type WelchOptions, type PeriodogramOptions, type Spectrum } from './spectral.js';
export { lombscargle, lombscargleComplex, type LombScargleOptions } from './lombscargle.js';
export { lombscargleGrid } from './lombscargle-grid.js';
export { lombscargleGridFast } from './lombscargle-fast.js';
export { findPeaks, peakProminences, peakWidths, type FindPeaksOptions, type FindPeaksResult, type PeakCondition } from './peaks.js';
export { mean, variance, std, skewness, kurtosis, percentile, median, rms, Welford } from './stats.js';
export { CubicSpline, interpLinear } from './interpolate.js';
