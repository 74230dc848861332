import {
  createHmac,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  verify as verifySignature,
} from 'node:crypto';
import { DomainError } from '@portcullis/errors';
import { actionHash, AssertionSigner, type ActionDetails, type AssertionClaims } from './assertion-signer';
import { generateSigningKeyEntry, parseSigningKeys, type SigningKeyRing } from './signing-keys';

const ISSUER = 'https://mfa.example.test';
const NOW = new Date('2026-03-01T12:00:00Z');
const at = (secondsFromNow: number) => new Date(NOW.getTime() + secondsFromNow * 1000);

const oldEntry = generateSigningKeyEntry('2025-old');
const newEntry = generateSigningKeyEntry('2026-new');
const ring = parseSigningKeys(oldEntry);

const signIn = (overrides: Partial<AssertionClaims> = {}): AssertionClaims => ({
  tenantId: 'tenant-1',
  userId: 'user-1',
  amr: ['pwd', 'otp', 'mfa'],
  acr: 'aal2',
  authTime: at(-30),
  riskLevel: 'low',
  attemptId: 'attempt-1',
  ...overrides,
});

const payment: ActionDetails = { type: 'payment', amount: '120.00', currency: 'EUR', payee: 'ACME Ltd' };

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a rejection');
}

async function expectRefusal(promise: Promise<unknown>, code: string): Promise<DomainError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(DomainError);
  expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'UNAUTHENTICATED', code });
  return error;
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string | undefined): Record<string, unknown> =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));

/** Splits a token into its decoded header and payload and the raw parts. */
function parts(token: string) {
  const [header, payload, signature] = token.split('.');
  return {
    header: decode(header),
    payload: decode(payload),
    raw: { header, payload, signature: signature ?? '' },
  };
}

function es256(privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'], data: string): string {
  return createSign('sha256')
    .update(data)
    .sign({ key: privateKey, dsaEncoding: 'ieee-p1363' })
    .toString('base64url');
}

/** A token assembled by hand, to try what jose would never produce. */
function forge(header: object, payload: object, sign: (signingInput: string) => string): string {
  const signingInput = `${segment(header)}.${segment(payload)}`;
  return `${signingInput}.${sign(signingInput)}`;
}

describe('AssertionSigner', () => {
  const signer = new AssertionSigner(ring, { issuer: ISSUER });

  describe('issue', () => {
    it('signs an ES256 JWT carrying the documented header and claims', async () => {
      const issued = await signer.issue(signIn(), 120, NOW);
      const { header, payload } = parts(issued.token);

      expect(header).toEqual({ alg: 'ES256', kid: '2025-old', typ: 'portcullis-assertion+jwt' });
      expect(payload).toEqual({
        iss: ISSUER,
        sub: 'user-1',
        aud: 'portcullis:tenant:tenant-1',
        tenant: 'tenant-1',
        amr: ['pwd', 'otp', 'mfa'],
        acr: 'aal2',
        auth_time: NOW.getTime() / 1000 - 30,
        risk_level: 'low',
        attempt: 'attempt-1',
        iat: NOW.getTime() / 1000,
        nbf: NOW.getTime() / 1000,
        exp: NOW.getTime() / 1000 + 120,
        jti: issued.jti,
      });
      expect(issued.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(issued.expiresAt).toEqual(at(120));
    });

    it('gives every assertion its own jti', async () => {
      const [first, second] = await Promise.all([
        signer.issue(signIn(), 60, NOW),
        signer.issue(signIn(), 60, NOW),
      ]);
      expect(first.jti).not.toBe(second.jti);
    });

    it('binds a step-up assertion to the action hash', async () => {
      const { token } = await signer.issue(signIn({ action: payment }), 60, NOW);
      expect(parts(token).payload['approved_action']).toEqual({ type: 'payment', hash: actionHash(payment) });
      expect(token).not.toContain(Buffer.from('ACME').toString('base64url'));
    });

    it('uses the audience the settings map a tenant to', async () => {
      const custom = new AssertionSigner(ring, {
        issuer: ISSUER,
        audienceOf: (tenant) => `https://${tenant}.example`,
      });
      const { token } = await custom.issue(signIn(), 60, NOW);

      expect(parts(token).payload['aud']).toBe('https://tenant-1.example');
      await expect(custom.verify(token, { tenantId: 'tenant-1', now: NOW })).resolves.toMatchObject({
        userId: 'user-1',
      });
    });

    it.each<[string, Partial<AssertionClaims>, number]>([
      ['a lifetime over 15 minutes', {}, 901],
      ['a zero lifetime', {}, 0],
      ['a fractional lifetime', {}, 1.5],
      ['no authentication methods', { amr: [] }, 60],
      ['an unknown acr', { acr: 'aal9' as 'aal1' }, 60],
      ['an auth_time in the future', { authTime: at(10) }, 60],
      ['an empty user id', { userId: '' }, 60],
    ])('refuses to sign with %s', async (_case, overrides, lifetime) => {
      await expect(signer.issue(signIn(overrides), lifetime, NOW)).rejects.toThrow(/AssertionSigner: /);
    });
  });

  describe('verify', () => {
    it('returns the verified claims', async () => {
      const issued = await signer.issue(signIn(), 120, NOW);

      await expect(signer.verify(issued.token, { tenantId: 'tenant-1', now: at(10) })).resolves.toEqual({
        tokenId: issued.jti,
        keyId: '2025-old',
        tenantId: 'tenant-1',
        userId: 'user-1',
        amr: ['pwd', 'otp', 'mfa'],
        acr: 'aal2',
        authTime: at(-30),
        riskLevel: 'low',
        attemptId: 'attempt-1',
        issuedAt: NOW,
        expiresAt: at(120),
      });
    });

    it('checks the audience only when a tenant is expected', async () => {
      const { token } = await signer.issue(signIn(), 60, NOW);
      await expect(signer.verify(token, { now: NOW })).resolves.toMatchObject({ tenantId: 'tenant-1' });
    });

    it('refuses an assertion for another tenant', async () => {
      const { token } = await signer.issue(signIn(), 60, NOW);
      const error = await expectRefusal(
        signer.verify(token, { tenantId: 'tenant-2', now: NOW }),
        'ASSERTION_INVALID',
      );
      expect(error.message).toMatch(/wrong audience/);
    });

    it('checks the tenant claim too, when tenants share an audience', async () => {
      const shared = new AssertionSigner(ring, { issuer: ISSUER, audienceOf: () => 'one-audience' });
      const { token } = await shared.issue(signIn(), 60, NOW);
      const error = await expectRefusal(
        shared.verify(token, { tenantId: 'tenant-2', now: NOW }),
        'ASSERTION_INVALID',
      );
      expect(error.message).toMatch(/wrong tenant/);
    });

    it('refuses an assertion from another issuer', async () => {
      const other = new AssertionSigner(ring, { issuer: 'https://elsewhere.example' });
      const { token } = await other.issue(signIn(), 60, NOW);
      await expectRefusal(signer.verify(token, { now: NOW }), 'ASSERTION_INVALID');
    });

    it('refuses an expired assertion, allowing 5 seconds of clock skew', async () => {
      const { token } = await signer.issue(signIn(), 60, NOW);

      await expect(signer.verify(token, { now: at(64) })).resolves.toBeDefined();
      await expectRefusal(signer.verify(token, { now: at(66) }), 'ASSERTION_EXPIRED');
      await expectRefusal(signer.verify(token, { now: at(3600) }), 'ASSERTION_EXPIRED');
    });

    it('refuses an assertion before its nbf', async () => {
      const { token } = await signer.issue(signIn(), 60, NOW);
      await expect(signer.verify(token, { now: at(-4) })).resolves.toBeDefined();
      const error = await expectRefusal(signer.verify(token, { now: at(-60) }), 'ASSERTION_INVALID');
      expect(error.message).toMatch(/not yet valid/);
    });

    it('refuses a tampered payload', async () => {
      const { token } = await signer.issue(signIn({ acr: 'aal1', amr: ['pwd'] }), 60, NOW);
      const { payload, raw } = parts(token);
      const tampered = `${raw.header}.${segment({ ...payload, acr: 'aal3', amr: ['hwk', 'mfa'] })}.${raw.signature}`;

      const error = await expectRefusal(signer.verify(tampered, { now: NOW }), 'ASSERTION_INVALID');
      expect(error.message).toMatch(/bad signature/);
    });

    it('refuses a token whose kid is not in the ring', async () => {
      const stranger = new AssertionSigner(parseSigningKeys(generateSigningKeyEntry('stranger')), {
        issuer: ISSUER,
      });
      const { token } = await stranger.issue(signIn(), 60, NOW);

      const error = await expectRefusal(signer.verify(token, { now: NOW }), 'ASSERTION_INVALID');
      expect(error.message).toMatch(/unknown key id/);
    });

    it("refuses a token signed by another key under one of the ring's kids", async () => {
      const impostor = new AssertionSigner(parseSigningKeys(generateSigningKeyEntry('2025-old')), {
        issuer: ISSUER,
      });
      const { token } = await impostor.issue(signIn(), 60, NOW);

      await expectRefusal(signer.verify(token, { now: NOW }), 'ASSERTION_INVALID');
    });

    it('refuses a token without a kid', async () => {
      const { token } = await signer.issue(signIn(), 60, NOW);
      const { header, payload } = parts(token);
      const { kid: _kid, ...withoutKid } = header;
      const forged = forge(withoutKid, payload, (input) => es256(ring.active.privateKey, input));

      const error = await expectRefusal(signer.verify(forged, { now: NOW }), 'ASSERTION_INVALID');
      expect(error.message).toMatch(/unknown key id/);
    });

    it('refuses alg "none"', async () => {
      const { token } = await signer.issue(signIn(), 60, NOW);
      const { header, payload } = parts(token);
      const unsigned = forge({ ...header, alg: 'none' }, payload, () => '');

      const error = await expectRefusal(signer.verify(unsigned, { now: NOW }), 'ASSERTION_INVALID');
      expect(error.message).toMatch(/algorithm not allowed/);
    });

    it('refuses HS256 keyed with the published public key (algorithm confusion)', async () => {
      const { token } = await signer.issue(signIn(), 60, NOW);
      const { header, payload } = parts(token);
      const publicSecrets = [
        ring.active.publicKey.export({ format: 'pem', type: 'spki' }),
        ring.active.publicKey.export({ format: 'der', type: 'spki' }),
        JSON.stringify(signer.jwks().keys[0]),
      ];

      for (const secret of publicSecrets) {
        const forged = forge({ ...header, alg: 'HS256' }, payload, (input) =>
          createHmac('sha256', secret).update(input).digest('base64url'),
        );
        const error = await expectRefusal(signer.verify(forged, { now: NOW }), 'ASSERTION_INVALID');
        expect(error.message).toMatch(/algorithm not allowed/);
      }
    });

    it('refuses a token whose key is embedded in its own header', async () => {
      const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const { token } = await signer.issue(signIn(), 60, NOW);
      const { header, payload } = parts(token);
      const forged = forge(
        { alg: 'ES256', typ: header['typ'], jwk: attacker.publicKey.export({ format: 'jwk' }) },
        payload,
        (input) => es256(attacker.privateKey, input),
      );

      await expectRefusal(signer.verify(forged, { now: NOW }), 'ASSERTION_INVALID');
    });

    it('refuses a correctly signed JWT of another type', async () => {
      const { token } = await signer.issue(signIn(), 60, NOW);
      const { header, payload } = parts(token);
      for (const typ of ['JWT', 'at+jwt', undefined]) {
        const forged = forge({ ...header, typ }, payload, (input) => es256(ring.active.privateKey, input));
        const error = await expectRefusal(signer.verify(forged, { now: NOW }), 'ASSERTION_INVALID');
        expect(error.message).toMatch(/wrong token type/);
      }
    });

    it('refuses a correctly signed token that lacks an assertion claim', async () => {
      const { token } = await signer.issue(signIn(), 60, NOW);
      const { header, payload } = parts(token);
      const { amr: _amr, ...withoutAmr } = payload;
      const forged = forge(header, withoutAmr, (input) => es256(ring.active.privateKey, input));

      const error = await expectRefusal(signer.verify(forged, { now: NOW }), 'ASSERTION_INVALID');
      expect(error.message).toMatch(/claim amr missing or invalid/);
    });

    it.each([
      ['empty', ''],
      ['no dots', 'not-a-jwt'],
      ['junk segments', 'a.b.c'],
      ['empty payload and signature', 'eyJhbGciOiJFUzI1NiJ9..'],
      ['9 kB long', `${'a'.repeat(9000)}.b.c`],
    ])('refuses a malformed token (%s)', async (_case, token) => {
      await expectRefusal(signer.verify(token, { now: NOW }), 'ASSERTION_INVALID');
    });

    it('never puts token content in the error message', async () => {
      const { token } = await signer.issue(signIn({ userId: 'alice@example.com' }), 60, NOW);
      const { raw } = parts(token);
      const errors = await Promise.all([
        rejection(signer.verify(token, { tenantId: 'tenant-2', now: NOW })),
        rejection(signer.verify(token, { now: at(600) })),
        rejection(signer.verify(`${raw.header}.${raw.payload}.${raw.signature.slice(2)}`, { now: NOW })),
      ]);
      for (const error of errors) {
        expect(error.message).not.toContain('alice');
        expect(error.message).not.toContain('tenant-1');
        expect(error.message).not.toContain(raw.payload?.slice(0, 20));
      }
    });
  });

  describe('step-up (action binding)', () => {
    it('verifies against the same action written differently', async () => {
      const { token } = await signer.issue(signIn({ action: payment }), 60, NOW);
      const sameAction: ActionDetails = {
        payee: ' ACME Ltd',
        currency: 'eur',
        amount: '120',
        type: 'payment',
      };

      await expect(
        signer.verify(token, { tenantId: 'tenant-1', action: sameAction, now: NOW }),
      ).resolves.toMatchObject({
        action: { type: 'payment', hash: actionHash(payment) },
      });
    });

    it.each<[string, ActionDetails]>([
      ['amount', { ...payment, amount: '1200.00' }],
      ['payee', { ...payment, payee: 'Mallory Ltd' }],
      ['currency', { ...payment, currency: 'USD' }],
      ['type', { ...payment, type: 'standing-order' }],
    ])('refuses the approval of another payment (different %s)', async (_field, otherPayment) => {
      const { token } = await signer.issue(signIn({ action: payment }), 60, NOW);
      const error = await expectRefusal(
        signer.verify(token, { tenantId: 'tenant-1', action: otherPayment, now: NOW }),
        'ASSERTION_ACTION_MISMATCH',
      );
      expect(error.message).toMatch(/bound to a different action/);
    });

    it('refuses a sign-in assertion where an action approval is expected', async () => {
      const { token } = await signer.issue(signIn(), 60, NOW);
      const error = await expectRefusal(
        signer.verify(token, { action: payment, now: NOW }),
        'ASSERTION_ACTION_MISMATCH',
      );
      expect(error.message).toMatch(/not bound to an action/);
    });

    it('refuses a step-up assertion where a sign-in is expected', async () => {
      const { token } = await signer.issue(signIn({ action: payment }), 60, NOW);
      await expectRefusal(
        signer.verify(token, { tenantId: 'tenant-1', now: NOW }),
        'ASSERTION_ACTION_MISMATCH',
      );
    });

    it('reports an expired approval as expired, not as a mismatch', async () => {
      const { token } = await signer.issue(signIn({ action: payment }), 60, NOW);
      await expectRefusal(signer.verify(token, { action: payment, now: at(120) }), 'ASSERTION_EXPIRED');
    });

    it('refuses a malformed expected action as a validation error', async () => {
      const { token } = await signer.issue(signIn({ action: payment }), 60, NOW);
      const error = await rejection(
        signer.verify(token, { action: { ...payment, amount: '1e2' }, now: NOW }),
      );
      expect(error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('jwks and rotation', () => {
    const rotated: SigningKeyRing = parseSigningKeys(`${newEntry},${oldEntry}`);
    const rotatedSigner = new AssertionSigner(rotated, { issuer: ISSUER });

    it('publishes every key of the ring, public parts only', () => {
      const { keys } = rotatedSigner.jwks();

      expect(keys.map((key) => key.kid)).toEqual(['2026-new', '2025-old']);
      for (const key of keys) {
        expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
        expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
        expect(key).not.toHaveProperty('d');
        expect(createPublicKey({ key: { ...key }, format: 'jwk' }).type).toBe('public');
      }
      expect(JSON.stringify(rotatedSigner.jwks())).not.toContain('"d"');
    });

    it('hands out a copy of the JWKS', () => {
      const { keys } = rotatedSigner.jwks();
      (keys[0] as { kid: string }).kid = 'changed';
      expect(rotatedSigner.jwks().keys[0]?.kid).toBe('2026-new');
    });

    it('signs with the first key and still accepts tokens of an old key listed second', async () => {
      const beforeRotation = await signer.issue(signIn(), 300, NOW);
      const afterRotation = await rotatedSigner.issue(signIn(), 300, NOW);

      expect(parts(afterRotation.token).header['kid']).toBe('2026-new');
      await expect(rotatedSigner.verify(beforeRotation.token, { now: NOW })).resolves.toMatchObject({
        keyId: '2025-old',
      });
      await expect(rotatedSigner.verify(afterRotation.token, { now: NOW })).resolves.toMatchObject({
        keyId: '2026-new',
      });
    });

    it('refuses tokens of an old key once it is dropped from the ring', async () => {
      const beforeRotation = await signer.issue(signIn(), 300, NOW);
      const afterCleanup = new AssertionSigner(parseSigningKeys(newEntry), { issuer: ISSUER });

      await expectRefusal(afterCleanup.verify(beforeRotation.token, { now: NOW }), 'ASSERTION_INVALID');
    });
  });

  describe('third-party verification', () => {
    /** JOSE ES256 signatures are r||s (32 bytes each); OpenSSL and most libraries expect DER. */
    function joseToDer(signature: Buffer): Buffer {
      const integer = (bytes: Buffer): Buffer => {
        let value = bytes;
        while (value.length > 1 && value[0] === 0 && (value[1] ?? 0) < 0x80) value = value.subarray(1);
        if ((value[0] ?? 0) >= 0x80) value = Buffer.concat([Buffer.from([0]), value]);
        return Buffer.concat([Buffer.from([0x02, value.length]), value]);
      };
      const body = Buffer.concat([integer(signature.subarray(0, 32)), integer(signature.subarray(32))]);
      return Buffer.concat([Buffer.from([0x30, body.length]), body]);
    }

    it('verifies with node:crypto and the published JWK alone, without our code', async () => {
      const rotatedSigner = new AssertionSigner(parseSigningKeys(`${newEntry},${oldEntry}`), {
        issuer: ISSUER,
      });
      const { token } = await rotatedSigner.issue(signIn({ action: payment }), 60, NOW);
      const jwks = JSON.parse(JSON.stringify(rotatedSigner.jwks())) as {
        keys: Array<Record<string, string>>;
      };

      const [headerPart, payloadPart, signaturePart] = token.split('.');
      const header = decode(headerPart);
      expect(header['alg']).toBe('ES256');
      const jwk = jwks.keys.find((key) => key['kid'] === header['kid']);
      expect(jwk).toBeDefined();

      const signature = Buffer.from(signaturePart ?? '', 'base64url');
      expect(signature).toHaveLength(64);
      const publicKey = createPublicKey({
        key: { kty: 'EC', crv: 'P-256', x: jwk?.['x'], y: jwk?.['y'] },
        format: 'jwk',
      });
      const signedData = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');

      expect(verifySignature('sha256', signedData, publicKey, joseToDer(signature))).toBe(true);
      expect(
        verifySignature(
          'sha256',
          Buffer.from(`${headerPart}.${payloadPart}x`),
          publicKey,
          joseToDer(signature),
        ),
      ).toBe(false);
      expect(decode(payloadPart)).toMatchObject({
        iss: ISSUER,
        aud: 'portcullis:tenant:tenant-1',
        approved_action: {
          type: 'payment',
          hash: actionHash({ type: 'payment', amount: '120', currency: 'EUR', payee: 'ACME Ltd' }),
        },
      });
    });
  });
});
