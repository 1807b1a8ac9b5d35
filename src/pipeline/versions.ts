/**
 * Versions of what the cached stages compute. Cache keys and checkpoint fingerprints carry them, so
 * bumping one retires every entry the stage wrote before. They live apart from the stages' code: a
 * run served from the cache needs the keys, not the code.
 */

/** Stages 2-4 on a block (pipeline/block.ts), and the shape of their result. */
export const BLOCK_STAGE_VERSION = '6';

/** Stages 5-7: features and summaries. */
export const FEATURE_STAGE_VERSION = '2';

/** The index of a record's block entries (bumped with BLOCK_STAGE_VERSION). */
export const RECORD_BLOCKS_VERSION = '2';

/**
 * Stage 8's files but the manifest (beats, quality, features, summary, report), whose bytes a run
 * with the same inputs, settings and release writes again: bumped when their layout changes.
 */
export const OUTPUT_STAGE_VERSION = '1';
