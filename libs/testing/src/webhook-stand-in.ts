import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookCall {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
  readonly raw: string;
}

/** A tenant's own SMS gateway: records JSON POSTs; scripted statuses first, then 200. */
export class WebhookStandIn {
  readonly calls: WebhookCall[] = [];
  private readonly script: number[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.script.shift() ?? 200;
        const raw = Buffer.concat(chunks).toString('utf8');
        if (status < 400) {
          this.calls.push({
            headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
            body: JSON.parse(raw) as Record<string, unknown>,
            raw,
          });
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status < 400 ? { id: `wh-${this.calls.length}` } : { error: 'scripted' }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
    return this;
  }

  answerNext(...statuses: number[]): this {
    this.script.push(...statuses);
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
