import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TwilioRequest {
  readonly kind: 'message' | 'call';
  readonly accountSid: string;
  /** Basic auth user (the account SID the SDK authenticated with). */
  readonly username: string;
  readonly params: Readonly<Record<string, string>>;
  readonly sid: string;
}

/** What the stand-in answers the next request with. */
export type TwilioScript =
  | { readonly status: number; readonly code?: number; readonly message?: string }
  | { readonly delayMs: number };

/**
 * A local HTTP server speaking the shape of Twilio's REST API for Messages and Calls (form
 * bodies, JSON answers, Twilio error bodies), recording what it was asked. Scripted answers
 * (429, 5xx, 400 with a Twilio error code, or a delay past the client's timeout) are consumed in
 * order; then it accepts.
 */
export class TwilioStandIn {
  readonly requests: TwilioRequest[] = [];
  /** Requests that got an error or no answer (not recorded as accepted). */
  readonly rejected: { kind: string; params: Record<string, string>; status: number }[] = [];
  private readonly script: TwilioScript[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers the next requests with these, in order. */
  answerNext(...answers: TwilioScript[]): this {
    this.script.push(...answers);
    return this;
  }

  /** The SMS bodies (or TwiML) received for a destination. */
  sentTo(to: string): TwilioRequest[] {
    return this.requests.filter((r) => r.params['To'] === to);
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)(?:\/([^/.]+))?\.json$/.exec(
      req.url ?? '',
    );
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!match) return json(404, { code: 20404, message: 'not found', status: 404 });
    const kind = match[2] === 'Messages' ? 'message' : 'call';
    const next = this.script.shift();
    if (next && 'delayMs' in next) {
      this.rejected.push({ kind, params, status: 0 });
      await new Promise((resolve) => setTimeout(resolve, next.delayMs));
      res.destroy();
      return;
    }
    if (next && next.status >= 400) {
      this.rejected.push({ kind, params, status: next.status });
      return json(next.status, {
        code: next.code ?? (next.status === 429 ? 20429 : 20500),
        message: next.message ?? 'scripted failure',
        more_info: 'https://www.twilio.com/docs/errors',
        status: next.status,
      });
    }
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString(
      'utf8',
    );
    const sid = `${kind === 'message' ? 'SM' : 'CA'}${randomBytes(16).toString('hex')}`;
    this.requests.push({ kind, accountSid: match[1], username: auth.split(':')[0] ?? '', params, sid });
    json(201, {
      sid,
      account_sid: match[1],
      to: params['To'],
      from: params['From'] ?? null,
      body: params['Body'] ?? null,
      status: 'queued',
      direction: 'outbound-api',
      date_created: new Date().toUTCString(),
      price: null,
      price_unit: 'USD',
      uri: `/2010-04-01/Accounts/${match[1]}/${match[2]}/${sid}.json`,
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
