import { Client } from 'pg';

export interface ChangeListenerSettings {
  /** Connection string of the database whose NOTIFYs to receive. */
  readonly url: string;
  readonly channels: readonly string[];
  /** Delay before reconnecting after the connection drops (doubles up to 30 s). */
  readonly reconnectDelayMs?: number;
}

export interface ChangeListenerHandlers {
  /** One NOTIFY on one of the channels. */
  onNotification(channel: string, payload: string): void;
  /**
   * The listener was (re)connected: notifications sent while it was away are lost, so anything
   * cached from them must be dropped. Also called on the first connection.
   */
  onConnected(): void;
  onError?(error: unknown): void;
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid channel name: ${name}`);
  return name;
}

/**
 * A dedicated PostgreSQL connection LISTENing on channels, reconnecting with backoff. Pair it
 * with `pg_notify` inside the writing transaction (delivered on commit only) to keep in-process
 * caches of several instances correct.
 */
export class PgChangeListener {
  private client: Client | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly settings: ChangeListenerSettings,
    private readonly handlers: ChangeListenerHandlers,
  ) {
    settings.channels.forEach(quoteIdentifier);
  }

  /** Connects; resolves once listening (or after the first failure, retrying in the background). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.settings.url, application_name: 'change-listener' });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', (n) => this.handlers.onNotification(n.channel, n.payload ?? ''));
    try {
      await client.connect();
      for (const channel of this.settings.channels) await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.failures = 0;
      this.handlers.onConnected();
    } catch (error) {
      await client.end().catch(() => undefined);
      this.lost(client, error);
    }
  }

  private lost(client: Client, error: unknown): void {
    if (this.client === client) this.client = undefined;
    if (error) this.handlers.onError?.(error);
    if (this.stopped || this.timer || this.client) return;
    this.failures += 1;
    const delay = Math.min(
      30_000,
      (this.settings.reconnectDelayMs ?? 500) * 2 ** Math.min(this.failures - 1, 6),
    );
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) void this.connect();
    }, delay);
    this.timer.unref();
  }
}
