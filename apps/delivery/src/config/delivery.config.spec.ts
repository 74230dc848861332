import { randomBytes } from 'node:crypto';
import { generateKeyRingEntry } from '@portcullis/crypto';
import { loadDeliveryConfig } from './delivery.config';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  KAFKA_BROKERS: '127.0.0.1:9092',
  CODE_TRANSPORT_KEYS: generateKeyRingEntry('t1'),
  DELIVERY_HASH_KEY: randomBytes(32).toString('hex'),
};
const twilio = {
  SMS_PROVIDERS: 'twilio',
  TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
  TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
  TWILIO_FROM_NUMBER: '+15005550006',
};
const problems = (env: Record<string, string>) => {
  try {
    loadDeliveryConfig(env);
    return '';
  } catch (error) {
    return (error as Error).message + JSON.stringify((error as { problems?: unknown }).problems ?? '');
  }
};

describe('delivery settings (SECURITY.md 28)', () => {
  it('boots in development without providers (messages then fail with NO_PROVIDER)', () => {
    expect(problems(base)).toBe('');
    expect(problems({ ...base, ...twilio })).toBe('');
  });

  it('requires the credentials of every listed provider, naming them but not their values', () => {
    const missing = problems({ ...base, SMS_PROVIDERS: 'twilio,webhook', EMAIL_PROVIDERS: 'smtp' });
    for (const name of [
      'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN',
      'SMS_WEBHOOK_URL',
      'SMS_WEBHOOK_SECRET',
      'SMTP_URL',
    ]) {
      expect(missing).toContain(name);
    }
  });

  it('refuses example or malformed credentials', () => {
    const example = problems({ ...base, ...twilio, TWILIO_AUTH_TOKEN: 'changeme' });
    expect(example).toContain('TWILIO_AUTH_TOKEN');
    expect(example).not.toContain('changeme');
    expect(problems({ ...base, ...twilio, TWILIO_ACCOUNT_SID: 'ACnope' })).toContain('TWILIO_ACCOUNT_SID');
    expect(problems({ ...base, DELIVERY_HASH_KEY: 'secret' })).toContain('DELIVERY_HASH_KEY');
    expect(problems({ ...base, SMS_PROVIDERS: 'carrier-pigeon' })).toContain('SMS_PROVIDERS');
  });

  it('needs a provider per channel and the receipts URL in production', () => {
    const production = problems({ ...base, ...twilio, NODE_ENV: 'production' });
    expect(production).toContain('VOICE_PROVIDERS');
    expect(production).toContain('EMAIL_PROVIDERS');
    expect(production).toContain('DELIVERY_PUBLIC_URL');
  });
});
