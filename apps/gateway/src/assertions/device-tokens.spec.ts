import { createHash } from 'node:crypto';
import { DomainError } from '@portcullis/errors';
import { AssertionSigner } from './assertion-signer';
import { DeviceTokenIssuer, type DeviceTokenRequest } from './device-tokens';
import { generateSigningKeyEntry, parseSigningKeys } from './signing-keys';

const ISSUER = 'https://mfa.example.test';
const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 24 * 60 * 60;
const at = (secondsFromNow: number) => new Date(NOW.getTime() + secondsFromNow * 1000);

const ring = parseSigningKeys(generateSigningKeyEntry('k1'));
const devices = new DeviceTokenIssuer(ring, { issuer: ISSUER });
const assertions = new AssertionSigner(ring, { issuer: ISSUER });

const DEVICE_ID = 'device-7f3a9c';
const request = (overrides: Partial<DeviceTokenRequest> = {}): DeviceTokenRequest => ({
  tenantId: 'tenant-1',
  userId: 'user-1',
  deviceId: DEVICE_ID,
  tokenId: 'dt-0001',
  lifetimeSeconds: 30 * DAY,
  now: NOW,
  ...overrides,
});

async function expectRefusal(promise: Promise<unknown>, code: string): Promise<DomainError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  const error = caught as DomainError;
  expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'UNAUTHENTICATED', code });
  return error;
}

const decode = (part: string | undefined): Record<string, unknown> =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));

describe('DeviceTokenIssuer', () => {
  it('issues an ES256 device JWT carrying a hash of the device id, never the id itself', async () => {
    const { token, expiresAt } = await devices.issue(request());
    const [header, payload] = token.split('.');

    expect(decode(header)).toEqual({ alg: 'ES256', kid: 'k1', typ: 'portcullis-device+jwt' });
    expect(decode(payload)).toEqual({
      iss: ISSUER,
      sub: 'user-1',
      aud: 'portcullis:device',
      tenant: 'tenant-1',
      dev: createHash('sha256').update(DEVICE_ID).digest('base64url'),
      jti: 'dt-0001',
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 30 * DAY,
    });
    expect(Buffer.from(payload ?? '', 'base64url').toString()).not.toContain(DEVICE_ID);
    expect(expiresAt).toEqual(at(30 * DAY));
  });

  it('verifies and returns the token id the caller checks against its revocation store', async () => {
    const { token } = await devices.issue(request());

    await expect(
      devices.verify(token, { tenantId: 'tenant-1', userId: 'user-1', deviceId: DEVICE_ID, now: at(DAY) }),
    ).resolves.toEqual({ tokenId: 'dt-0001', userId: 'user-1', expiresAt: at(30 * DAY) });
  });

  it('identifies the user when the caller does not know them yet', async () => {
    const { token } = await devices.issue(request());
    await expect(devices.verify(token, { tenantId: 'tenant-1', now: NOW })).resolves.toMatchObject({
      userId: 'user-1',
    });
  });

  it('refuses the token on another device', async () => {
    const { token } = await devices.issue(request());
    const error = await expectRefusal(
      devices.verify(token, { tenantId: 'tenant-1', deviceId: 'device-other', now: NOW }),
      'DEVICE_TOKEN_INVALID',
    );
    expect(error.message).toMatch(/wrong device/);
  });

  it('refuses the token for another user', async () => {
    const { token } = await devices.issue(request());
    const error = await expectRefusal(
      devices.verify(token, { tenantId: 'tenant-1', userId: 'user-2', now: NOW }),
      'DEVICE_TOKEN_INVALID',
    );
    expect(error.message).toMatch(/wrong user/);
  });

  it('refuses the token in another tenant', async () => {
    const { token } = await devices.issue(request());
    const error = await expectRefusal(
      devices.verify(token, { tenantId: 'tenant-2', now: NOW }),
      'DEVICE_TOKEN_INVALID',
    );
    expect(error.message).toMatch(/wrong tenant/);
  });

  it('refuses an expired token', async () => {
    const { token } = await devices.issue(request({ lifetimeSeconds: DAY }));
    await expect(devices.verify(token, { tenantId: 'tenant-1', now: at(DAY - 60) })).resolves.toBeDefined();
    await expectRefusal(
      devices.verify(token, { tenantId: 'tenant-1', now: at(DAY + 60) }),
      'DEVICE_TOKEN_EXPIRED',
    );
  });

  it('refuses a token signed by a key outside the ring', async () => {
    const foreign = new DeviceTokenIssuer(parseSigningKeys(generateSigningKeyEntry('k1')), {
      issuer: ISSUER,
    });
    const { token } = await foreign.issue(request());
    await expectRefusal(devices.verify(token, { tenantId: 'tenant-1', now: NOW }), 'DEVICE_TOKEN_INVALID');
  });

  it('refuses a tampered token', async () => {
    const { token } = await devices.issue(request());
    const [header, payload, signature] = token.split('.');
    const moved = Buffer.from(JSON.stringify({ ...decode(payload), sub: 'user-2' })).toString('base64url');
    await expectRefusal(
      devices.verify(`${header}.${moved}.${signature}`, { tenantId: 'tenant-1', now: NOW }),
      'DEVICE_TOKEN_INVALID',
    );
  });

  it.each<[string, Partial<DeviceTokenRequest>]>([
    ['no device id', { deviceId: '' }],
    ['no token id', { tokenId: '' }],
    ['a zero lifetime', { lifetimeSeconds: 0 }],
    ['a lifetime over 400 days', { lifetimeSeconds: 401 * DAY }],
  ])('refuses to issue with %s', async (_case, overrides) => {
    await expect(devices.issue(request(overrides))).rejects.toThrow(/DeviceTokenIssuer: /);
  });

  describe('type confusion', () => {
    it('never accepts a device token as an MFA assertion', async () => {
      const { token } = await devices.issue(request());
      const error = await expectRefusal(assertions.verify(token, { now: NOW }), 'ASSERTION_INVALID');
      expect(error.message).toMatch(/wrong token type/);
      await expectRefusal(assertions.verify(token, { tenantId: 'tenant-1', now: NOW }), 'ASSERTION_INVALID');
    });

    it('never accepts an MFA assertion as a device token', async () => {
      const { token } = await assertions.issue(
        {
          tenantId: 'tenant-1',
          userId: 'user-1',
          amr: ['otp'],
          acr: 'aal2',
          authTime: NOW,
          riskLevel: 'low',
          attemptId: 'attempt-1',
        },
        60,
        NOW,
      );
      const error = await expectRefusal(
        devices.verify(token, { tenantId: 'tenant-1', now: NOW }),
        'DEVICE_TOKEN_INVALID',
      );
      expect(error.message).toMatch(/wrong token type/);
    });
  });
});
