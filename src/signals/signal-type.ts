/**
 * Signal types and their inference from channel labels and units (EDF/WFDB conventions: 'MLII',
 * 'ECG I', 'PLETH', 'Resp chest', 'EEG Fp1-Ref', 10-20 electrode names).
 */

export const signalTypes = ['ecg', 'ppg', 'eeg', 'resp', 'unknown'] as const;
export type SignalType = (typeof signalTypes)[number];

const ecgLabel = /\b(ecg|ekg|mlii|ml\s?ii|mcl\d?|lead|avr|avl|avf|v[1-6]|i{1,3})\b|^(ecg|ekg)/i;
const ppgLabel = /\b(ppg|pleth|pulse\s?ox|bvp|spo2\s?wave|photopleth)/i;
const respLabel = /\b(resp|breath|thor|thorax|chest|abdo|abdomen|airflow|nasal|flow|rip)/i;
const eegLabel = /\b(eeg|fp[12z]|af[3478z]|f[1-8z]|fc[1-6z]|ft[78]|t[3-8]|tp[78]|c[1-6z]|cp[1-6z]|p[1-8z]|po[3478z]|o[12z]|a[12]|m[12])\b/i;

/**
 * Best guess of a channel's signal type. Labels decide first (ECG/PPG/respiration words, then EEG
 * electrode names); a bare unit only hints (uV suggests EEG). Unknown when nothing matches.
 */
export function inferSignalType(label: string, unit = ''): SignalType {
  const l = label.replace(/[_-]/g, ' ');
  if (ppgLabel.test(l)) return 'ppg';
  if (respLabel.test(l)) return 'resp';
  if (ecgLabel.test(l)) return 'ecg';
  if (eegLabel.test(l)) return 'eeg';
  const u = unit.toLowerCase();
  if (u === 'uv' || u === 'µv') return 'eeg';
  if (u === 'mv') return 'ecg';
  return 'unknown';
}

export function isSignalType(s: string): s is SignalType {
  return (signalTypes as readonly string[]).includes(s);
}

/** Whether a signal type has beats, pulses or breaths (and so beat features and beats.csv rows). */
export function hasBeats(type: SignalType): boolean {
  return type === 'ecg' || type === 'ppg' || type === 'resp';
}
