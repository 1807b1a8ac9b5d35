// vitaldsp/signals: beats, pulses, breaths and EEG bands from arrays and sampling rates.
export { inferSignalType, signalTypes, type SignalType } from './signal-type.js';
export { cleanEcg, ecgCleaningSos, EcgCleaner, type CleanEcgOptions } from './ecg-clean.js';
export { detectRPeaks, RPeakDetector, type DetectRPeaksOptions, type RPeaks } from './ecg-detect.js';
export { panTompkins, panTompkinsDetector } from './ecg-pantompkins.js';
export { refinePeaks, FIDUCIALS, type Fiducial, type RefineOptions } from './peak-refine.js';
export { correctRR, rrIntervals, heartRate, RR_FLAGS, type CorrectedRR, type RRFlag } from './rr-correct.js';
export { detectInBlocks, BeatStream, streamBeats, type BlockDetector } from './beat-stream.js';
export { matchBeats, type MatchOptions, type MatchResult } from './evaluate.js';
export { cleanPpg, ppgPeaks, ppgOnsets, PpgDetector, type PpgPeaks, type PpgPeaksOptions } from './ppg.js';
export { pulseRate, ppgPulseFeatures, type PulseFeatures } from './ppg-features.js';
export { cleanResp, breaths, breathingRate, breathVariability, BreathDetector, type Breaths } from './resp.js';
export { edr, type Edr } from './edr.js';
export { eegBandPowers, eegEpochFeatures, type EegBandPowers } from './eeg.js';
export { DEFAULT_EEG_BANDS, type EegBands } from './eeg-bands.js';
export { syntheticEcg, type SyntheticEcg, type SyntheticEcgOptions } from './synthetic-ecg.js';
export { seededRandom } from './random.js';
export { syntheticPpg, type SyntheticPpg } from './synthetic-ppg.js';
export { syntheticResp, type SyntheticResp } from './synthetic-resp.js';
