import { randomUUID } from 'node:crypto';
import { SoftwareAuthenticator, type SoftwareAuthenticatorOptions } from '@portcullis/testing';
import { FactorsHarness } from './factors-harness';

/** Passkeys and security keys against real PostgreSQL: SECURITY.md 12–16. */
describe('factors: WebAuthn', () => {
  const h = new FactorsHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const begin = (userId: string, mfaProof = '') =>
    h.client.call('beginEnrollment', {
      tenantId: h.tenantId,
      userId,
      type: 'webauthn',
      name: 'Laptop',
      accountName: 'jane@example.com',
      destination: '',
      mfaProof,
      locale: 'en',
      clientIp: '',
    });

  const activate = (userId: string, enrollmentId: string, response: unknown) =>
    h.client.call('activateFactor', {
      tenantId: h.tenantId,
      userId,
      enrollmentId,
      proof: { webauthnResponseJson: JSON.stringify(response) },
    });

  async function register(
    userId: string,
    authenticator = new SoftwareAuthenticator(),
    overrides: SoftwareAuthenticatorOptions & { reuseCredentialId?: string } = {},
    mfaProof = '',
  ) {
    const begun = await begin(userId, mfaProof);
    const options = JSON.parse(begun.webauthn!.creationOptionsJson);
    const response = await authenticator.create(options, overrides);
    return { begun, options, response, activation: activate(userId, begun.enrollmentId, response) };
  }

  async function challenge(userId: string | undefined, factorId: string | undefined) {
    const authenticationId = randomUUID();
    const started = await h.client.call('startChallenge', {
      tenantId: h.tenantId,
      userId: userId ?? '',
      factorId: factorId ?? '',
      authenticationId,
      action: '',
      locale: 'en',
      passwordless: !userId,
      clientIp: '',
    });
    return {
      challengeId: started.challengeId,
      authenticationId,
      options: JSON.parse(started.requestOptionsJson),
    };
  }

  const verify = (c: { challengeId: string; authenticationId: string }, response: unknown) =>
    h.client.call('verifyChallenge', {
      tenantId: h.tenantId,
      challengeId: c.challengeId,
      authenticationId: c.authenticationId,
      proof: { webauthnResponseJson: JSON.stringify(response) },
    });

  it('registers a passkey from server-made options and stores its public data', async () => {
    const userId = randomUUID();
    const authenticator = new SoftwareAuthenticator({ backupEligible: true, backupState: true });
    const { options, activation } = await register(userId, authenticator);
    expect(options).toMatchObject({
      rp: { id: 'localhost' },
      attestation: 'none',
      authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
    });
    // SECURITY.md 13: at least 128 bits of challenge.
    expect(Buffer.from(options.challenge as string, 'base64url').length).toBeGreaterThanOrEqual(16);
    const { factor } = await activation;
    expect(factor).toMatchObject({ status: 'ACTIVE', strength: 3 });
    expect(factor!.webauthn).toMatchObject({
      credentialId: authenticator.credentialIds()[0],
      backupEligible: true,
      backedUp: true,
      transports: ['internal'],
      attachment: 'platform',
    });
    const [row] = await h.query<{ sign_count: string; aaguid: string }>(
      'SELECT sign_count, aaguid FROM webauthn_credentials WHERE factor_id = $1',
      [factor!.id],
    );
    expect(row).toEqual({ sign_count: '0', aaguid: '00000000-0000-0000-0000-000000000000' });
  });

  it('signs in with the passkey once per challenge; a replayed assertion fails (SECURITY.md 13)', async () => {
    const userId = randomUUID();
    const authenticator = new SoftwareAuthenticator();
    const { factor } = await (await register(userId, authenticator)).activation;
    const c = await challenge(userId, factor!.id);
    expect(c.options.allowCredentials).toEqual([
      expect.objectContaining({ id: factor!.webauthn!.credentialId }),
    ]);
    const assertion = await authenticator.get(c.options);
    const verified = await verify(c, assertion);
    expect(verified).toMatchObject({ userId, amr: ['hwk', 'user'] });
    expect((await h.failure(verify(c, assertion))).code).toBe('CODE_REUSED');
    // The same assertion on a fresh challenge fails the challenge check.
    const other = await challenge(userId, factor!.id);
    expect((await h.failure(verify(other, assertion))).code).toBe('WEBAUTHN_INVALID');
  });

  it('excludes the user’s credentials and refuses a credential id already registered (SECURITY.md 16)', async () => {
    const userId = randomUUID();
    const authenticator = new SoftwareAuthenticator();
    const { factor } = await (await register(userId, authenticator)).activation;
    const proof = await (async () => {
      const c = await challenge(userId, factor!.id);
      return (await verify(c, await authenticator.get(c.options))).challengeId;
    })();
    const again = await register(
      userId,
      authenticator,
      { reuseCredentialId: factor!.webauthn!.credentialId },
      proof,
    );
    expect(again.options.excludeCredentials).toEqual([
      expect.objectContaining({ id: factor!.webauthn!.credentialId }),
    ]);
    expect((await h.failure(again.activation)).code).toBe('CREDENTIAL_ALREADY_REGISTERED');
  });

  it.each<[string, SoftwareAuthenticatorOptions]>([
    ['another origin', { origin: 'https://evil.example' }],
    ['another RP ID', { rpId: 'evil.example' }],
    ['a wrong client data type', { clientDataType: 'webauthn.get' }],
    ['no user presence', { userPresent: false }],
    ['no user verification when the policy requires it', { userVerified: false }],
    [
      'backup state without backup eligibility (SECURITY.md 15)',
      { backupEligible: false, backupState: true },
    ],
  ])('refuses a registration with %s (SECURITY.md 12)', async (_, overrides) => {
    const userId = randomUUID();
    const { activation, begun } = await register(userId, new SoftwareAuthenticator(), overrides);
    expect((await h.failure(activation)).code).toBe('WEBAUTHN_INVALID');
    const [row] = await h.query<{ status: string }>('SELECT status FROM factors WHERE id = $1', [
      begun.factor!.id,
    ]);
    expect(row.status).toBe('PENDING');
  });

  it.each<[string, SoftwareAuthenticatorOptions]>([
    ['another origin', { origin: 'https://evil.example' }],
    ['another RP ID', { rpId: 'evil.example' }],
    ['no user verification', { userVerified: false }],
  ])('refuses an assertion with %s (SECURITY.md 12, 16)', async (_, overrides) => {
    const userId = randomUUID();
    const authenticator = new SoftwareAuthenticator();
    const { factor } = await (await register(userId, authenticator)).activation;
    const c = await challenge(userId, factor!.id);
    expect((await h.failure(verify(c, await authenticator.get(c.options, overrides)))).code).toBe(
      'WEBAUTHN_INVALID',
    );
  });

  it('refuses a tampered signature and an expired passkey challenge (SECURITY.md 12, 13)', async () => {
    const userId = randomUUID();
    const authenticator = new SoftwareAuthenticator();
    const { factor } = await (await register(userId, authenticator)).activation;
    const c = await challenge(userId, factor!.id);
    const assertion = await authenticator.get(c.options);
    const signature = Buffer.from(assertion.response.signature, 'base64url');
    signature[signature.length - 1] ^= 0x01;
    const tampered = {
      ...assertion,
      response: { ...assertion.response, signature: signature.toString('base64url') },
    };
    expect((await h.failure(verify(c, tampered))).code).toBe('WEBAUTHN_INVALID');

    const late = await challenge(userId, factor!.id);
    const answer = await authenticator.get(late.options);
    await h.query(`UPDATE challenges SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      late.challengeId,
    ]);
    expect((await h.failure(verify(late, answer))).code).toBe('CODE_EXPIRED');
  });

  it('refuses a credential whose algorithm the policy does not allow', async () => {
    await h.setPolicy({ webauthn: { algorithms: [-8] } });
    try {
      const { options, activation } = await register(randomUUID());
      expect(options.pubKeyCredParams).toEqual([{ alg: -8, type: 'public-key' }]);
      expect((await h.failure(activation)).code).toBe('WEBAUTHN_INVALID');
    } finally {
      await h.setPolicy({});
    }
  });

  it('treats a counter that does not increase as a possible clone: rejected, or flagged by policy (SECURITY.md 14)', async () => {
    const userId = randomUUID();
    const authenticator = new SoftwareAuthenticator();
    const { factor } = await (await register(userId, authenticator)).activation;
    const first = await challenge(userId, factor!.id);
    await verify(first, await authenticator.get(first.options, { counterStep: 5 }));
    const cloned = await challenge(userId, factor!.id);
    const refused = await h.failure(
      verify(cloned, await authenticator.get(cloned.options, { counterStep: -2 })),
    );
    expect(refused.code).toBe('WEBAUTHN_CLONE_SUSPECTED');
    expect((await h.events({ type: 'factors.webauthn.clone_suspected', userId }))[0].payload).toMatchObject({
      storedCounter: '5',
      receivedCounter: '3',
      policy: 'reject',
    });

    await h.setPolicy({ webauthn: { clonePolicy: 'flag' } });
    try {
      const flagged = await challenge(userId, factor!.id);
      const ok = await verify(flagged, await authenticator.get(flagged.options, { counterStep: 0 }));
      expect(ok.factor!.webauthn!.cloneSuspected).toBe(true);
    } finally {
      await h.setPolicy({});
    }
  });

  it('signs in without a username with a discoverable passkey (passwordless)', async () => {
    const userId = randomUUID();
    const authenticator = new SoftwareAuthenticator();
    await (
      await register(userId, authenticator)
    ).activation;
    const c = await challenge(undefined, undefined);
    expect(c.options.allowCredentials ?? []).toEqual([]);
    const verified = await verify(c, await authenticator.get(c.options));
    expect(verified.userId).toBe(userId);
    // A passkey nobody registered names nobody.
    const stranger = new SoftwareAuthenticator();
    await stranger.create(JSON.parse((await begin(randomUUID())).webauthn!.creationOptionsJson));
    const c2 = await challenge(undefined, undefined);
    expect((await h.failure(verify(c2, await stranger.get(c2.options)))).code).toBe('WEBAUTHN_INVALID');
  });

  it('enforces attestation and attachment policy on the server, not only in the options', async () => {
    await h.setPolicy({ webauthn: { attestation: 'direct' } });
    try {
      const { activation } = await register(randomUUID());
      expect((await h.failure(activation)).code).toBe('WEBAUTHN_POLICY_VIOLATION');
    } finally {
      await h.setPolicy({});
    }
    await h.setPolicy({ webauthn: { authenticatorAttachment: 'cross-platform' } });
    try {
      const platform = await register(randomUUID(), new SoftwareAuthenticator({ attachment: 'platform' }));
      expect(platform.options.authenticatorSelection.authenticatorAttachment).toBe('cross-platform');
      expect((await h.failure(platform.activation)).code).toBe('WEBAUTHN_POLICY_VIOLATION');
      const key = await register(randomUUID(), new SoftwareAuthenticator({ attachment: 'cross-platform' }));
      await expect(key.activation).resolves.toMatchObject({ factor: { status: 'ACTIVE' } });
    } finally {
      await h.setPolicy({});
    }
  });

  it('wrote no seed, code or phone number to its logs, even at trace level (SECURITY.md 4, 30)', () => {
    h.expectNoSecretsLogged();
  });
});
