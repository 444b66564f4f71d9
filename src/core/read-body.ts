/**
 * Reads a request body up to `limit` bytes. Resolves `undefined` as soon as the limit is passed
 * (the caller answers 413 and closes; the rest is not read).
 * @internal
 */
export async function readBodyWithin(body: AsyncIterable<Uint8Array | string>, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += buffer.length;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}
