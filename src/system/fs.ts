/** Small file-system questions shared by several modules. */
import { readFile } from 'node:fs/promises';

/**
 * The file's text, or undefined when there is no such file (robo has not
 * made it yet). Any other failure is the caller's error: `failed` makes it.
 */
export async function readIfExists(
  file: string,
  encoding: BufferEncoding,
  failed: (error: unknown) => Error,
): Promise<string | undefined> {
  try {
    return await readFile(file, encoding);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw failed(error);
  }
}
