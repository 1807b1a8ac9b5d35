// vitaldsp: physiological signal processing for very large recordings.
export { processRecording, processBatch, type ProcessOptions, type RecordResult, type BatchOptions, type InMemorySignal } from './pipeline/index.js';
export { openRecording, Recording, FormatError, type RecordingInfo, type ChannelInfo } from './io/index.js';
export { resolveConfig, ConfigError, type Config, type ResolvedConfig } from './config/index.js';
export { computeSqis } from './quality/sqi.js';
export { type Sqis } from './quality/sqi-names.js';
export { scoreWindow, type QualityLevel, type ProcessingMode } from './quality/score.js';
export { hrv, type HrvResult } from './features/index.js';
export { detectRPeaks, ppgPeaks, breaths, eegBandPowers, matchBeats, inferSignalType, type SignalType } from './signals/index.js';
