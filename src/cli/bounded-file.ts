import { open } from 'node:fs/promises';

/**
 * A file's text, read only up to `limit` bytes: a device (`/dev/zero`) or a
 * file that goes on past it is refused rather than read whole.
 * @param tooLarge what the refusal says after "it is larger than N bytes"
 * @throws the file system's error, or an Error saying it is too large
 */
export async function readBoundedFile(path: string, limit: number, tooLarge: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > limit) throw new Error(`it is larger than ${limit} bytes, ${tooLarge}`);
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}
