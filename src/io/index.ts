// vitaldsp/io: recordings (WFDB, EDF/BDF, text, NPY, memory) with random access and bounded streaming.
export { Recording, type RecordingInfo, type ChannelInfo, type Annotation, type Chunk, type ChunkOptions, type ReadOptions, type ChannelRef, type Format } from './recording.js';
export { FormatError } from './errors.js';
export { openRecording, type OpenOptions } from './open.js';
export { detectFormat } from './detect.js';
export { openWfdb, WfdbRecording } from './wfdb/record.js';
export { writeWfdb, type WriteWfdbOptions } from './wfdb/writer.js';
export { readAnnotations, writeAnnotations, isBeatSymbol, type WfdbAnnotation } from './wfdb/annotations.js';
export { openEdf, EdfRecording } from './edf/record.js';
export { writeEdf, type WriteEdfOptions } from './edf/writer.js';
export { openText, TextRecording, type TextOptions } from './text.js';
export { openNpy, NpyRecording, type NpyOptions } from './npy.js';
export { MemoryRecording, type MemoryRecordingInit } from './memory.js';
export { writeCsv, type CsvWriteOptions } from './csv-writer.js';
