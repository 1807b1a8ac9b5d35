/**
 * Raised for input that does not match its format: a truncated file, a header that lies, a bad cell.
 * Callers branch on it (a batch records the record as failed and goes on), so it carries the file,
 * what was expected and where, separately from the message.
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  readonly file: string;
  readonly expected: string;
  readonly where: string;

  constructor(file: string, expected: string, where: string, detail?: string, options?: { cause?: unknown }) {
    super(`${file}: expected ${expected} at ${where}${detail ? ` (${detail})` : ''}`, options);
    this.file = file;
    this.expected = expected;
    this.where = where;
  }
}

/**
 * The FormatError for a file the system would not open or read, `e` being its error: the path, what
 * was expected of it, and why in words where the code has them.
 */
export function unreadable(path: string, expected: string, e: unknown): FormatError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a folder' : String(code ?? e);
  return new FormatError(path, expected, 'open', why, { cause: e });
}
