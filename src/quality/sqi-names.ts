/**
 * The names and meanings of the signal quality indices (computed in sqi.ts). Kept apart from the
 * computation: the quality columns, the merge and the output tables need the names only, and a
 * run served from the cache never loads the transforms behind them.
 */
export interface Sqis {
  flatline: number;
  clipping: number;
  amplitude: number;
  kurtosis: number;
  skewness: number;
  /** Mean-crossings per second. */
  zeroCrossingRate: number;
  /** 1 - P(0-1 Hz) / P(0-40 Hz). */
  baseline: number;
  /** P(50 +- 1 Hz and 60 +- 1 Hz) / P(total). */
  powerline: number;
  /** P(> 40 Hz) / P(total); 0 when fs/2 <= 40. */
  hfNoise: number;
  /** P(5-15 Hz) / P(5-40 Hz). */
  qrsPower: number;
  /** P(physiological band of the signal type) / P(total). */
  bandPower: number;
  /** 10 log10(P(band) / P(outside band)). */
  snrDb: number;
}

export const sqiNames = ['flatline', 'clipping', 'amplitude', 'kurtosis', 'skewness', 'zeroCrossingRate', 'baseline', 'powerline', 'hfNoise', 'qrsPower', 'bandPower', 'snrDb'] as const satisfies readonly (keyof Sqis)[];
