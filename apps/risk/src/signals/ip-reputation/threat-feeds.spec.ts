import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '@portcullis/observability';
import { type FeedSource, parseFeedSources, type ThreatFeedSettings, ThreatFeeds } from './threat-feeds';

interface LogCall {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly msg: string;
}

/** A logger stub that keeps what was logged. */
function recordingLogger(): { logger: Logger; calls: LogCall[] } {
  const calls: LogCall[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) =>
    calls.push({ level, fields, msg });
  const logger = {
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    child: () => logger,
  };
  return { logger: logger as unknown as Logger, calls };
}

const T0 = new Date('2026-11-28T12:00:00Z');
const REFRESH_MS = 60_000;

describe('parseFeedSources', () => {
  it('reads category:name=source entries separated by whitespace or commas', () => {
    const setting = [
      'blocklist:firehol_level1=/var/lib/portcullis/feeds/firehol_level1.netset,',
      'tor:tor-exits=https://check.torproject.org/torbulkexitlist',
      '\n  anonymizer:vpn.list=file:///etc/portcullis/vpn.txt , blocklist:0day=http://feeds.internal:8080/ips?x=1',
    ].join(' ');
    expect(parseFeedSources(setting)).toEqual<FeedSource[]>([
      {
        category: 'blocklist',
        name: 'firehol_level1',
        source: '/var/lib/portcullis/feeds/firehol_level1.netset',
      },
      { category: 'tor', name: 'tor-exits', source: 'https://check.torproject.org/torbulkexitlist' },
      { category: 'anonymizer', name: 'vpn.list', source: 'file:///etc/portcullis/vpn.txt' },
      { category: 'blocklist', name: '0day', source: 'http://feeds.internal:8080/ips?x=1' },
    ]);
  });

  it('reads a missing or blank setting as no feeds', () => {
    expect(parseFeedSources(undefined)).toEqual([]);
    expect(parseFeedSources('')).toEqual([]);
    expect(parseFeedSources(' ,\n ')).toEqual([]);
  });

  it.each([
    ['blocklist/tmp/list', 'expected category:name=source'],
    ['blocklist:list', 'expected category:name=source'],
    ['blocklist=x:/tmp/list', 'expected category:name=source'],
    ['spam:list=/tmp/list', 'unknown category "spam"'],
    ['blocklist:Upper=/tmp/list', 'invalid feed name "Upper"'],
    ['blocklist:-dash=/tmp/list', 'invalid feed name "-dash"'],
    ['blocklist:=/tmp/list', 'invalid feed name ""'],
    [`blocklist:${'a'.repeat(65)}=/tmp/list`, 'invalid feed name'],
    ['blocklist:list=', 'missing source'],
    ['blocklist:list=relative/list.txt', 'source is neither an absolute file path nor a URL'],
    ['blocklist:list=ftp://example.org/list.txt', 'unsupported source scheme "ftp:"'],
    ['blocklist:list=file://fileserver/list.txt', 'a file:// source must be on this host'],
    ['blocklist:a=/tmp/a blocklist:a=/tmp/b', 'duplicate feed name "a"'],
  ])('refuses %j', (setting, reason) => {
    expect(() => parseFeedSources(setting)).toThrow(`RISK_IP_FEEDS: ${reason}`);
  });

  it('names the offending entry in the error', () => {
    expect(() => parseFeedSources('tor:ok=/tmp/ok,spam:bad=/tmp/bad')).toThrow(
      new Error(
        'RISK_IP_FEEDS: unknown category "spam" (one of blocklist, tor, anonymizer) in "spam:bad=/tmp/bad"',
      ),
    );
  });

  it('keeps credentials and query strings out of its errors', () => {
    let message = '';
    try {
      parseFeedSources('tor:x=gopher://reader:hunter2@example.org/list?token=abc123');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('unsupported source scheme');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('abc123');
  });
});

describe('ThreatFeeds', () => {
  let dir: string;
  let now: Date;
  let log: ReturnType<typeof recordingLogger>;
  const running: ThreatFeeds[] = [];

  function threatFeeds(sources: FeedSource[], settings: Partial<ThreatFeedSettings> = {}): ThreatFeeds {
    const feeds = new ThreatFeeds(
      sources,
      { refreshMs: REFRESH_MS, fetchTimeoutMs: 2_000, ...settings },
      log.logger,
      () => now,
    );
    running.push(feeds);
    return feeds;
  }

  async function feedFile(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'threat-feeds-'));
    now = T0;
    log = recordingLogger();
  });

  afterEach(async () => {
    running.splice(0).forEach((feeds) => feeds.stop());
    await rm(dir, { recursive: true, force: true });
  });

  it('loads feed files and reports every feed listing an address', async () => {
    const blocklist = await feedFile('level1.netset', '# firehol\n192.0.2.0/24\n2001:db8::/32\n');
    const tor = await feedFile('exits.txt', '192.0.2.7\n');
    const feeds = threatFeeds([
      { name: 'firehol_level1', category: 'blocklist', source: blocklist },
      { name: 'tor_exits', category: 'tor', source: pathToFileURL(tor).href },
    ]);
    await feeds.start();

    expect(feeds.lookup('192.0.2.7')).toEqual([
      { name: 'firehol_level1', category: 'blocklist' },
      { name: 'tor_exits', category: 'tor' },
    ]);
    expect(feeds.lookup('192.0.2.8')).toEqual([{ name: 'firehol_level1', category: 'blocklist' }]);
    expect(feeds.lookup('::ffff:192.0.2.7')).toHaveLength(2);
    expect(feeds.lookup('2001:db8::42')).toEqual([{ name: 'firehol_level1', category: 'blocklist' }]);
  });

  it('answers unlisted and garbage addresses with one shared, frozen empty array', async () => {
    const path = await feedFile('list.txt', '192.0.2.0/24\n');
    const feeds = threatFeeds([{ name: 'list', category: 'blocklist', source: path }]);
    await feeds.start();

    const none = feeds.lookup('198.51.100.1');
    expect(none).toEqual([]);
    expect(Object.isFrozen(none)).toBe(true);
    expect(feeds.lookup('2001:db8::1')).toBe(none);
    expect(feeds.lookup('not an address')).toBe(none);
    expect(feeds.lookup('')).toBe(none);
  });

  it('reports each feed in status and logs each load', async () => {
    const path = await feedFile('list.txt', '192.0.2.0/24\n192.0.2.128/25\n198.51.100.1\n<html>\n');
    const feeds = threatFeeds([{ name: 'list', category: 'anonymizer', source: path }]);
    await feeds.start();

    expect(feeds.status()).toEqual([
      {
        name: 'list',
        category: 'anonymizer',
        source: path,
        ranges: 2,
        invalidLines: 1,
        loadedAt: T0,
        lastAttemptAt: T0,
        lastError: undefined,
        stale: false,
      },
    ]);
    expect(log.calls).toEqual([
      {
        level: 'info',
        msg: 'threat feed loaded',
        fields: expect.objectContaining({
          feed: 'list',
          category: 'anonymizer',
          ranges: 2,
          invalidLines: 1,
          durationMs: expect.any(Number),
        }),
      },
    ]);
  });

  it('picks up a changed file on reload, in the same instance', async () => {
    const path = await feedFile('list.txt', '192.0.2.1\n');
    const feeds = threatFeeds([{ name: 'list', category: 'blocklist', source: path }]);
    await feeds.start();
    expect(feeds.lookup('192.0.2.1')).toHaveLength(1);

    await writeFile(path, '198.51.100.1\n198.51.100.2\n');
    await feeds.reload();

    expect(feeds.lookup('192.0.2.1')).toEqual([]);
    expect(feeds.lookup('198.51.100.2')).toEqual([{ name: 'list', category: 'blocklist' }]);
    expect(feeds.status()[0]?.ranges).toBe(1);
  });

  it('keeps the previous list when the file is gone, and reports why', async () => {
    const path = await feedFile('list.txt', '192.0.2.1\n');
    const feeds = threatFeeds([{ name: 'list', category: 'blocklist', source: path }]);
    await feeds.start();

    await rm(path);
    now = new Date(T0.getTime() + 1_000);
    await feeds.reload();

    expect(feeds.lookup('192.0.2.1')).toHaveLength(1);
    expect(feeds.status()[0]).toMatchObject({
      ranges: 1,
      loadedAt: T0,
      lastAttemptAt: now,
      lastError: expect.stringContaining('ENOENT'),
    });
    expect(log.calls.at(-1)).toMatchObject({
      level: 'warn',
      fields: { feed: 'list', error: expect.stringContaining('ENOENT') },
    });

    await writeFile(path, '192.0.2.1\n');
    await feeds.reload();
    expect(feeds.status()[0]?.lastError).toBeUndefined();
  });

  it('reports a feed that never loaded as failed and empty, without throwing from start', async () => {
    const feeds = threatFeeds([{ name: 'missing', category: 'tor', source: join(dir, 'nope.txt') }]);
    await expect(feeds.start()).resolves.toBeUndefined();

    expect(feeds.lookup('192.0.2.1')).toEqual([]);
    expect(feeds.status()[0]).toMatchObject({ ranges: 0, loadedAt: undefined, stale: true });
    expect(feeds.status()[0]?.lastError).toContain('ENOENT');
  });

  it('keeps the previous list when a reload finds no valid entries', async () => {
    const path = await feedFile('list.txt', '192.0.2.1\n');
    const feeds = threatFeeds([{ name: 'list', category: 'blocklist', source: path }]);
    await feeds.start();

    await writeFile(path, '<html><body>502 Bad Gateway</body></html>\n');
    await feeds.reload();

    expect(feeds.lookup('192.0.2.1')).toHaveLength(1);
    expect(feeds.status()[0]?.lastError).toMatch(/no valid entries/);
  });

  it('accepts an empty first load', async () => {
    const path = await feedFile('list.txt', '# nothing listed yet\n');
    const feeds = threatFeeds([{ name: 'list', category: 'blocklist', source: path }]);
    await feeds.start();

    expect(feeds.status()[0]).toMatchObject({ ranges: 0, loadedAt: T0, lastError: undefined, stale: false });
  });

  it('refuses a file larger than maxBytes', async () => {
    const path = await feedFile('list.txt', '192.0.2.1\n');
    const feeds = threatFeeds([{ name: 'list', category: 'blocklist', source: path }], { maxBytes: 100 });
    await feeds.start();

    await writeFile(path, '198.51.100.1\n'.repeat(20));
    await feeds.reload();

    expect(feeds.lookup('192.0.2.1')).toHaveLength(1);
    expect(feeds.lookup('198.51.100.1')).toEqual([]);
    expect(feeds.status()[0]?.lastError).toBe('feed is larger than the 100-byte limit');
  });

  it('is stale before its first load and once its last load is over two refresh intervals old', async () => {
    const path = await feedFile('list.txt', '192.0.2.1\n');
    const feeds = threatFeeds([{ name: 'list', category: 'blocklist', source: path }]);
    expect(feeds.status()[0]?.stale).toBe(true);

    await feeds.start();
    expect(feeds.status()[0]?.stale).toBe(false);

    now = new Date(T0.getTime() + 2 * REFRESH_MS);
    expect(feeds.status()[0]?.stale).toBe(false);
    now = new Date(T0.getTime() + 2 * REFRESH_MS + 1);
    expect(feeds.status()[0]?.stale).toBe(true);

    await rm(path);
    await feeds.reload();
    expect(feeds.status()[0]?.stale).toBe(true);

    await writeFile(path, '192.0.2.1\n');
    await feeds.reload();
    expect(feeds.status()[0]?.stale).toBe(false);
  });

  it('shares one in-flight reload between concurrent callers', async () => {
    const path = await feedFile('list.txt', '192.0.2.1\n');
    const feeds = threatFeeds([{ name: 'list', category: 'blocklist', source: path }]);

    const first = feeds.reload();
    expect(feeds.reload()).toBe(first);
    await first;
    expect(log.calls.filter((call) => call.msg === 'threat feed loaded')).toHaveLength(1);

    const next = feeds.reload();
    expect(next).not.toBe(first);
    await next;
  });

  it('reloads every refresh interval until stopped', async () => {
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance', 'hrtime'],
    });
    try {
      const path = await feedFile('list.txt', '192.0.2.1\n');
      const feeds = threatFeeds([{ name: 'list', category: 'blocklist', source: path }]);
      await feeds.start();
      await writeFile(path, '198.51.100.1\n');

      now = new Date(T0.getTime() + REFRESH_MS);
      jest.advanceTimersByTime(REFRESH_MS);
      // The timer's reload is running (it stamps the attempt before its first await); join it.
      expect(feeds.status()[0]?.lastAttemptAt).toEqual(now);
      await feeds.reload();
      expect(feeds.lookup('198.51.100.1')).toHaveLength(1);

      feeds.stop();
      const stoppedAt = now;
      now = new Date(T0.getTime() + 2 * REFRESH_MS);
      jest.advanceTimersByTime(REFRESH_MS);
      expect(feeds.status()[0]?.lastAttemptAt).toEqual(stoppedAt);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
  it('schedules nothing when stopped while starting', async () => {
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance', 'hrtime'],
    });
    try {
      const path = await feedFile('list.txt', '192.0.2.1\n');
      const feeds = threatFeeds([{ name: 'list', category: 'blocklist', source: path }]);
      const starting = feeds.start();
      feeds.stop();
      await starting;

      expect(feeds.lookup('192.0.2.1')).toHaveLength(1);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('ThreatFeeds over HTTP', () => {
  let server: Server;
  let base: string;
  let respond: (req: IncomingMessage, res: ServerResponse) => void;
  let requests: IncomingHttpHeaders[];
  let now: Date;
  let log: ReturnType<typeof recordingLogger>;
  const running: ThreatFeeds[] = [];

  function threatFeeds(source: string, settings: Partial<ThreatFeedSettings> = {}): ThreatFeeds {
    const feeds = new ThreatFeeds(
      [{ name: 'remote', category: 'blocklist', source }],
      { refreshMs: REFRESH_MS, fetchTimeoutMs: 2_000, ...settings },
      log.logger,
      () => now,
    );
    running.push(feeds);
    return feeds;
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.headers);
      respond(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests = [];
    now = T0;
    log = recordingLogger();
  });

  afterEach(() => {
    running.splice(0).forEach((feeds) => feeds.stop());
  });

  it('revalidates with If-None-Match and If-Modified-Since and keeps the list on 304', async () => {
    const lastModified = 'Thu, 27 Nov 2026 08:00:00 GMT';
    respond = (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', etag: '"v1"', 'last-modified': lastModified });
      res.end('# list\n192.0.2.0/24\n');
    };
    const feeds = threatFeeds(`${base}/list.txt`);
    await feeds.start();
    expect(feeds.lookup('192.0.2.9')).toEqual([{ name: 'remote', category: 'blocklist' }]);
    expect(requests[0]?.['if-none-match']).toBeUndefined();

    now = new Date(T0.getTime() + 3 * REFRESH_MS);
    await feeds.reload();

    expect(requests[1]).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': lastModified });
    expect(feeds.lookup('192.0.2.9')).toHaveLength(1);
    expect(feeds.status()[0]).toMatchObject({ ranges: 1, loadedAt: now, lastError: undefined, stale: false });
  });

  it('keeps the previous list when the server answers 500', async () => {
    let fail = false;
    respond = (_req, res) => {
      if (fail) res.writeHead(500).end('boom');
      else res.writeHead(200).end('192.0.2.1\n');
    };
    const feeds = threatFeeds(`${base}/list.txt`);
    await feeds.start();

    fail = true;
    now = new Date(T0.getTime() + 3 * REFRESH_MS);
    await feeds.reload();

    expect(feeds.lookup('192.0.2.1')).toHaveLength(1);
    expect(feeds.status()[0]).toMatchObject({
      ranges: 1,
      loadedAt: T0,
      lastAttemptAt: now,
      lastError: 'HTTP 500 Internal Server Error',
      stale: true,
    });
  });

  it('sends URL credentials as basic authentication and never shows them', async () => {
    let status = 200;
    respond = (req, res) => {
      const expected = `Basic ${Buffer.from('feeduser:s3cr@t').toString('base64')}`;
      if (req.headers.authorization !== expected) res.writeHead(401).end();
      else res.writeHead(status).end('192.0.2.1\n');
    };
    const feeds = threatFeeds(`${base.replace('//', '//feeduser:s3cr%40t@')}/list.txt?token=abc123`);
    await feeds.start();
    expect(feeds.lookup('192.0.2.1')).toHaveLength(1);

    status = 503;
    await feeds.reload();

    expect(feeds.status()[0]?.source).toBe(`${base.replace('//', '//***@')}/list.txt?***`);
    expect(log.calls.map((call) => call.level)).toEqual(['info', 'warn']);
    const logged = JSON.stringify([log.calls, feeds.status()]);
    expect(logged).not.toContain('s3cr');
    expect(logged).not.toContain('abc123');
  });

  it('gives up on a server that does not answer within fetchTimeoutMs', async () => {
    respond = () => undefined;
    const feeds = threatFeeds(`${base}/slow.txt`, { fetchTimeoutMs: 200 });
    await feeds.start();

    expect(feeds.status()[0]).toMatchObject({ ranges: 0, lastError: 'timed out after 200 ms', stale: true });
  });

  it('refuses a response body larger than maxBytes', async () => {
    respond = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Chunked, without a Content-Length, so only counting the body can catch it.
      for (let i = 0; i < 20; i++) res.write('198.51.100.1\n');
      res.end();
    };
    const feeds = threatFeeds(`${base}/big.txt`, { maxBytes: 100 });
    await feeds.start();

    expect(feeds.lookup('198.51.100.1')).toEqual([]);
    expect(feeds.status()[0]?.lastError).toBe('feed is larger than the 100-byte limit');
  });
});
