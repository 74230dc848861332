import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers of a signed webhook: `X-Portcullis-Timestamp` and `X-Portcullis-Signature`. */
export interface WebhookSignatureHeaders {
  readonly 'x-portcullis-timestamp': string;
  readonly 'x-portcullis-signature': string;
}

function signatureOf(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Signs an outgoing webhook body: HMAC-SHA256 over `<unix seconds>.<body>`, so a receiver can
 * check both origin and freshness (docs/api.md shows the receiving side).
 */
export function signWebhook(secret: string, body: string, now: Date = new Date()): WebhookSignatureHeaders {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    'x-portcullis-timestamp': timestamp,
    'x-portcullis-signature': signatureOf(secret, timestamp, body),
  };
}

/** The receiving side: true when the signature matches and the timestamp is within tolerance. */
export function verifyWebhook(
  secret: string,
  body: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  toleranceSeconds = 300,
  now: Date = new Date(),
): boolean {
  if (!headers.timestamp || !headers.signature || !/^\d{1,12}$/.test(headers.timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(headers.timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
