// vitaldsp/features: HRV from NN intervals (time, frequency, nonlinear).
export { hrv, hrvKeys, type HrvOptions, type HrvResult } from './hrv.js';
export { hrvTime, type HrvTimeOptions, type HrvTimeResult, type HrvConventions } from './hrv-time.js';
export { hrvFrequency, type HrvFrequencyOptions, type HrvFrequencyResult } from './hrv-frequency.js';
export { hrvNonlinear, type HrvNonlinearOptions, type HrvNonlinearResult } from './hrv-nonlinear.js';
export { sampleEntropy, approximateEntropy } from './entropy.js';
export { dfa } from './dfa.js';
