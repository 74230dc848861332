import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@portcullis/observability';
import { parseFeed } from './feed-parser';
import { IpRangeSet, parseIp, parseIpv4 } from './ip-range-set';

export const FEED_CATEGORIES = ['blocklist', 'tor', 'anonymizer'] as const;
export type FeedCategory = (typeof FEED_CATEGORIES)[number];

/** One configured feed: `category:name=source` in RISK_IP_FEEDS. */
export interface FeedSource {
  readonly name: string;
  readonly category: FeedCategory;
  /** An absolute file path, a file:// URL or an http(s):// URL. */
  readonly source: string;
}

export interface FeedMatch {
  readonly name: string;
  readonly category: FeedCategory;
}

export interface FeedStatus {
  readonly name: string;
  readonly category: FeedCategory;
  /** The source with any user:password and query string redacted. */
  readonly source: string;
  readonly ranges: number;
  readonly invalidLines: number;
  /** The last successful load (a 304 Not Modified counts). */
  readonly loadedAt?: Date;
  readonly lastAttemptAt?: Date;
  /** Why the last attempt failed; absent once a later attempt succeeds. */
  readonly lastError?: string;
  /** Never loaded, or last loaded more than two refresh intervals ago. */
  readonly stale: boolean;
}

export interface ThreatFeedSettings {
  readonly refreshMs: number;
  readonly fetchTimeoutMs: number;
  /** The largest feed read, in bytes; 64 MiB by default. */
  readonly maxBytes?: number;
}

const SETTING = 'RISK_IP_FEEDS';
const FEED_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const NO_MATCHES: readonly FeedMatch[] = Object.freeze([]);

function isCategory(value: string): value is FeedCategory {
  return (FEED_CATEGORIES as readonly string[]).includes(value);
}

/** Credentials and query strings out of anything shown in errors, logs and status. */
function redactEntry(entry: string): string {
  return entry.replace(/\/\/[^/@\s]*@/, '//***@').replace(/\?.*$/, '?***');
}

/** The source as it may be shown: user:password and the query string (often a token) redacted. */
export function redactSource(source: string): string {
  if (!/^https?:\/\//i.test(source) && !/^file:/i.test(source)) return source;
  try {
    const url = new URL(source);
    const credentials = url.username || url.password ? '***@' : '';
    const query = url.search ? '?***' : '';
    return `${url.protocol}//${credentials}${url.host}${url.pathname}${query}`;
  } catch {
    return redactEntry(source);
  }
}

function checkSource(source: string, fail: (reason: string) => never): void {
  if (source === '') fail('missing source');
  if (source.startsWith('/')) return;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    fail('source is neither an absolute file path nor a URL');
  }
  if (url.protocol === 'file:') {
    if (url.host !== '' && url.host !== 'localhost') fail('a file:// source must be on this host');
    if (url.pathname === '/' || url.pathname === '') fail('a file:// source needs a path');
  } else if (url.protocol === 'http:' || url.protocol === 'https:') {
    if (url.hostname === '') fail('an http(s) source needs a host');
  } else {
    fail(`unsupported source scheme "${url.protocol}" (use a file path, file://, http:// or https://)`);
  }
}

/**
 * Reads RISK_IP_FEEDS: entries separated by whitespace or commas, each `category:name=source`
 * (`tor:tor-exits=https://check.torproject.org/torbulkexitlist`). A source therefore cannot
 * contain a space or a comma (percent-encode them). Throws an Error naming the setting and the
 * (redacted) entry, for the config loader to report.
 */
export function parseFeedSources(setting: string | undefined): FeedSource[] {
  const sources: FeedSource[] = [];
  const names = new Set<string>();
  for (const entry of (setting ?? '').split(/[\s,]+/)) {
    if (entry === '') continue;
    const fail: (reason: string) => never = (reason) => {
      throw new Error(`${SETTING}: ${reason} in "${redactEntry(entry)}"`);
    };
    const colon = entry.indexOf(':');
    const equals = entry.indexOf('=');
    if (colon < 0 || equals < 0 || equals < colon) fail('expected category:name=source');
    const category = entry.slice(0, colon);
    const name = entry.slice(colon + 1, equals);
    const source = entry.slice(equals + 1);
    if (!isCategory(category)) fail(`unknown category "${category}" (one of ${FEED_CATEGORIES.join(', ')})`);
    if (!FEED_NAME.test(name)) {
      fail(`invalid feed name "${name}" (lower-case letters, digits, '_', '.', '-'; at most 64)`);
    }
    if (names.has(name)) fail(`duplicate feed name "${name}"`);
    checkSource(source, fail);
    names.add(name);
    sources.push({ name, category, source });
  }
  return sources;
}

interface FeedState {
  readonly source: FeedSource;
  readonly shownSource: string;
  /** Shared by every lookup that matches this feed, so a match allocates nothing per feed. */
  readonly match: FeedMatch;
  set: IpRangeSet | undefined;
  invalidLines: number;
  loadedAt?: Date;
  lastAttemptAt?: Date;
  lastError?: string;
  /** Validators of the response the current set came from, for a conditional GET. */
  etag?: string;
  lastModified?: string;
}

type ReadResult =
  | { readonly notModified: true }
  | {
      readonly notModified: false;
      readonly text: string;
      readonly etag?: string;
      readonly lastModified?: string;
    };

interface ErrorLike {
  readonly name?: unknown;
  readonly message: string;
  readonly cause?: unknown;
}

/** Duck-typed: fetch() rejects with a DOMException, and errors may come from another realm. */
function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as ErrorLike).message === 'string';
}

function errorMessage(error: unknown, timeoutMs: number): string {
  if (!isErrorLike(error)) return String(error);
  if (error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  // fetch() reports every network failure as "fetch failed"; the cause says which.
  const { cause } = error;
  if (isErrorLike(cause) && cause.message) return `${error.message}: ${cause.message}`;
  return error.message;
}

/** Releases the connection of a response whose body is not wanted. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/**
 * The IP threat-intelligence feeds (blocklists, Tor exits, anonymiser networks) held in memory and
 * refreshed on a timer. A feed that fails to load keeps serving its previous list; status() shows
 * the failure and when the list goes stale.
 */
export class ThreatFeeds {
  private readonly feeds: FeedState[];
  private readonly maxBytes: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** Bumped by stop(), so a start() still loading when stopped schedules nothing. */
  private generation = 0;

  constructor(
    sources: readonly FeedSource[],
    private readonly settings: ThreatFeedSettings,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {
    if (!(settings.refreshMs > 0) || !(settings.fetchTimeoutMs > 0)) {
      throw new RangeError('ThreatFeeds: refreshMs and fetchTimeoutMs must be positive');
    }
    this.maxBytes = settings.maxBytes ?? DEFAULT_MAX_BYTES;
    this.feeds = sources.map((source) => ({
      source,
      shownSource: redactSource(source.source),
      match: Object.freeze({ name: source.name, category: source.category }),
      set: undefined,
      invalidLines: 0,
    }));
  }

  /** Loads every feed once (a failing feed is logged, never thrown), then refreshes on a timer. */
  async start(): Promise<void> {
    this.stop();
    const generation = this.generation;
    await this.reload();
    if (generation !== this.generation) return;
    this.timer = setInterval(() => void this.reload(), this.settings.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Re-reads every feed; calls made while one is running share it. Never rejects. */
  reload(): Promise<void> {
    this.inFlight ??= Promise.all(this.feeds.map((feed) => this.load(feed))).then(
      () => {
        this.inFlight = undefined;
      },
      () => {
        this.inFlight = undefined;
      },
    );
    return this.inFlight;
  }

  /** The feeds listing the address; a shared empty array when none does or it is not an address. */
  lookup(ip: string): readonly FeedMatch[] {
    let matches: FeedMatch[] | undefined;
    const v4 = parseIpv4(ip);
    if (v4 !== undefined) {
      for (let i = 0; i < this.feeds.length; i++) {
        const feed = this.feeds[i];
        if (feed.set?.hasIpv4(v4)) (matches ??= []).push(feed.match);
      }
      return matches ?? NO_MATCHES;
    }
    const address = parseIp(ip);
    if (!address) return NO_MATCHES;
    for (let i = 0; i < this.feeds.length; i++) {
      const feed = this.feeds[i];
      const listed =
        address.version === 4 ? feed.set?.hasIpv4(address.value) : feed.set?.hasIpv6(address.value);
      if (listed) (matches ??= []).push(feed.match);
    }
    return matches ?? NO_MATCHES;
  }

  status(): FeedStatus[] {
    const now = this.clock().getTime();
    return this.feeds.map((feed) => ({
      name: feed.source.name,
      category: feed.source.category,
      source: feed.shownSource,
      ranges: feed.set?.ranges ?? 0,
      invalidLines: feed.invalidLines,
      loadedAt: feed.loadedAt,
      lastAttemptAt: feed.lastAttemptAt,
      lastError: feed.lastError,
      stale: !feed.loadedAt || now - feed.loadedAt.getTime() > 2 * this.settings.refreshMs,
    }));
  }

  private async load(feed: FeedState): Promise<void> {
    const started = performance.now();
    const log = { feed: feed.source.name, category: feed.source.category, source: feed.shownSource };
    feed.lastAttemptAt = this.clock();
    try {
      const result = await this.read(feed);
      if (result.notModified) {
        feed.loadedAt = this.clock();
        feed.lastError = undefined;
        this.logger.info(
          {
            ...log,
            ranges: feed.set?.ranges ?? 0,
            invalidLines: feed.invalidLines,
            notModified: true,
            durationMs: Math.round(performance.now() - started),
          },
          'threat feed not modified',
        );
        return;
      }
      const parsed = parseFeed(result.text);
      const set = IpRangeSet.from(parsed.entries);
      if (set.ranges === 0 && (feed.set?.ranges ?? 0) > 0) {
        // An emptied list is far more likely a broken download than a clean internet.
        throw new Error(`no valid entries (${parsed.invalidLines} invalid lines); keeping the previous list`);
      }
      feed.set = set;
      feed.invalidLines = parsed.invalidLines + set.invalid;
      feed.etag = result.etag;
      feed.lastModified = result.lastModified;
      feed.loadedAt = this.clock();
      feed.lastError = undefined;
      this.logger.info(
        {
          ...log,
          ranges: set.ranges,
          invalidLines: feed.invalidLines,
          durationMs: Math.round(performance.now() - started),
        },
        'threat feed loaded',
      );
    } catch (error) {
      feed.lastError = errorMessage(error, this.settings.fetchTimeoutMs);
      this.logger.warn(
        { ...log, error: feed.lastError, durationMs: Math.round(performance.now() - started) },
        'threat feed failed to load; keeping the previous list',
      );
    }
  }

  private read(feed: FeedState): Promise<ReadResult> {
    const source = feed.source.source;
    if (source.startsWith('/')) return this.readFile(source);
    const url = new URL(source);
    if (url.protocol === 'file:') return this.readFile(fileURLToPath(url));
    return this.fetch(url, feed);
  }

  private async readFile(path: string): Promise<ReadResult> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > this.maxBytes) throw new Error(this.tooBig());
      const buffer = await handle.readFile();
      // The file may have grown since stat().
      if (buffer.length > this.maxBytes) throw new Error(this.tooBig());
      return { notModified: false, text: buffer.toString('utf8') };
    } finally {
      await handle.close();
    }
  }

  private async fetch(source: URL, feed: FeedState): Promise<ReadResult> {
    const headers: Record<string, string> = { accept: 'text/plain, */*;q=0.8' };
    const url = new URL(source);
    if (url.username || url.password) {
      // fetch() refuses URLs with credentials; send them as basic authentication instead.
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    if (feed.set && feed.etag) headers['if-none-match'] = feed.etag;
    if (feed.set && feed.lastModified) headers['if-modified-since'] = feed.lastModified;
    const response = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(this.settings.fetchTimeoutMs),
    });
    if (response.status === 304 && feed.set) {
      await discard(response);
      return { notModified: true };
    }
    if (!response.ok) {
      await discard(response);
      throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > this.maxBytes) {
      await discard(response);
      throw new Error(this.tooBig());
    }
    return {
      notModified: false,
      text: await this.readBody(response),
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
    };
  }

  /** The body as text, refusing more than maxBytes whatever Content-Length said. */
  private async readBody(response: Response): Promise<string> {
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > this.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new Error(this.tooBig());
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  }

  private tooBig(): string {
    return `feed is larger than the ${this.maxBytes}-byte limit`;
  }
}
