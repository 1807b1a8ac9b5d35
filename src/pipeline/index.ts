// vitaldsp/pipeline: the eight stages over one recording or a batch.
export { processRecording, planRecord, finishRecord, recordMerge, type ProcessOptions, type RecordResult, type RecordPlan } from './process.js';
export { RecordMerge } from './merge.js';
export { processBatch, type BatchOptions, type BatchResult, type RecordOutcome } from './batch.js';
export { summarizeRecord, type RecordSummary } from './record-summary.js';
export { stageNames, type StageName, type ProgressEvent, type WindowRow, type Beats, type Segment, type FeatureRow, type ChannelPlan } from './types.js';
export type { InMemorySignal, Source } from './source.js';
export { windowRow, windowRows, windowCount, processingModes, type Windows } from './windows.js';
