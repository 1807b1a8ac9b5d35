import { open, type FileHandle } from 'node:fs/promises';
import { FormatError } from './errors.js';

/**
 * A file read by position only, so that a reader touches just the bytes it decodes. The handle is
 * opened lazily and shared by every read.
 */
export class PositionalFile {
  readonly path: string;
  private handle: FileHandle | undefined;
  private sizeBytes = -1;

  constructor(path: string) {
    this.path = path;
  }

  private async fh(): Promise<FileHandle> {
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new FormatError(this.path, 'a readable file', 'open', code === 'ENOENT' ? 'file not found' : String(code ?? e), { cause: e });
      }
      this.sizeBytes = (await this.handle.stat()).size;
    }
    return this.handle;
  }

  async size(): Promise<number> {
    await this.fh();
    return this.sizeBytes;
  }

  /** Reads exactly `length` bytes at `position` into `target` (a fresh buffer when omitted). */
  async read(position: number, length: number, target?: Uint8Array): Promise<Uint8Array> {
    const h = await this.fh();
    const buf = target ?? Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await h.read(buf, got, length - got, position + got);
      if (bytesRead === 0) {
        throw new FormatError(this.path, `${length} bytes`, `byte ${position}`, `file ends after ${got} bytes (truncated?)`);
      }
      got += bytesRead;
    }
    return buf;
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h) await h.close();
  }
}
