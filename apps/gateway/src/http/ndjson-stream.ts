import { Readable } from 'node:stream';

/**
 * An NDJSON response body (one JSON value per line) from an async source, for Fastify to pipe to
 * the client with backpressure: the source is pulled only as fast as the client reads.
 *
 * The first item is pulled before this resolves, so a source that fails at once (refused,
 * unavailable) fails the request itself, which then answers with problem details. Past that point
 * the status line is gone: a failure ends the body where it broke (Fastify destroys the response,
 * so the client sees a cut-off body, never a clean end) and is reported to `onBroken` with the
 * number of lines written.
 */
export async function ndjsonStream<T>(
  source: AsyncIterable<T>,
  toJson: (item: T) => unknown,
  onBroken: (error: unknown, linesWritten: number) => void,
): Promise<Readable> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const line = (item: T) => `${JSON.stringify(toJson(item))}\n`;

  async function* lines(): AsyncGenerator<string> {
    let written = 0;
    try {
      if (first.done) return;
      yield line(first.value);
      written += 1;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield line(next.value);
        written += 1;
      }
    } catch (error) {
      onBroken(error, written);
      throw error;
    } finally {
      // Stopped early (the client went away): the source stops too.
      await iterator.return?.();
    }
  }

  return Readable.from(lines(), { objectMode: false });
}
