import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  const at = new Date('2026-11-28T12:00:00Z');
  const body = JSON.stringify({ kind: 'CREDENTIAL_STUFFING' });

  it('verifies what it signed, within the tolerance', () => {
    const h = signWebhook('s3cret', body, at);
    expect(h['x-portcullis-timestamp']).toBe(String(at.getTime() / 1000));
    const headers = { timestamp: h['x-portcullis-timestamp'], signature: h['x-portcullis-signature'] };
    expect(verifyWebhook('s3cret', body, headers, 300, at)).toBe(true);
    expect(verifyWebhook('s3cret', body, headers, 300, new Date(at.getTime() + 299_000))).toBe(true);
  });

  it('refuses another secret, a changed body, a stale timestamp or missing headers', () => {
    const h = signWebhook('s3cret', body, at);
    const headers = { timestamp: h['x-portcullis-timestamp'], signature: h['x-portcullis-signature'] };
    expect(verifyWebhook('other', body, headers, 300, at)).toBe(false);
    expect(verifyWebhook('s3cret', `${body} `, headers, 300, at)).toBe(false);
    expect(verifyWebhook('s3cret', body, headers, 300, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifyWebhook('s3cret', body, { timestamp: undefined, signature: undefined }, 300, at)).toBe(
      false,
    );
  });
});
