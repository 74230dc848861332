/**
 * Factors benchmark: `npm run bench:factors`. TOTP and WebAuthn assertion verification, in-process
 * (per second on one core) and through gRPC with the database write of the replay check, each
 * beside a baseline measured in the same run on the same machine:
 *   - in-process TOTP against one bare HMAC-SHA1 + truncation (the work of a single code);
 *   - in-process WebAuthn against one bare ECDSA P-256 signature check (node:crypto);
 *   - through gRPC against GetFactorPolicy (one gRPC round trip and one primary-key read).
 * Prints a table and writes bench-results/factors.json.
 */
import { createHash, createHmac, createPublicKey, randomUUID, verify as verifySignature } from 'node:crypto';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import {
  type BenchResult as Result,
  benchSize,
  ensureTestInfrastructure,
  measure,
  prepare,
  report,
  SoftwareAuthenticator,
} from '@portcullis/testing';
import {
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { generateSecret, generateSync } from 'otplib';
import { verifyTotp } from '../src/strategies/totp/totp.strategy';
import { FactorsHarness, totpNow } from '../test/factors-harness';

async function inProcess(results: Result[]): Promise<void> {
  const crypto = new NodeCryptoPlugin();
  const secret = generateSecret({ length: 20, crypto });
  const now = new Date();
  const code = generateSync({ secret, epoch: Math.floor(now.getTime() / 1000), crypto });
  const params = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
  const key = Buffer.from('12345678901234567890');
  const counter = Buffer.alloc(8);
  const N = benchSize('BENCH_OPS', 200_000, 5_000);
  results.push(
    await measure('TOTP: one HMAC-SHA1 + truncation (bare node:crypto)', 'baseline', N, 1, () => {
      const mac = createHmac('sha1', key).update(counter).digest();
      const offset = mac[19] & 0xf;
      return (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
    }),
  );
  results.push(
    await measure('TOTP: verifyTotp, drift ±1 (in-process)', 'measured', N, 1, () =>
      verifyTotp(secret, code, params, 1, now),
    ),
  );

  const authenticator = new SoftwareAuthenticator({ origin: 'http://localhost:8080' });
  const registration = await generateRegistrationOptions({
    rpName: 'Bench',
    rpID: 'localhost',
    userName: 'bench',
  });
  const created = await authenticator.create(registration);
  const registered = await verifyRegistrationResponse({
    response: created,
    expectedChallenge: registration.challenge,
    expectedOrigin: 'http://localhost:8080',
    expectedRPID: 'localhost',
  });
  if (!registered.verified) throw new Error('registration failed');
  const credential = { ...registered.registrationInfo.credential, counter: 0 };
  const options = await generateAuthenticationOptions({
    rpID: 'localhost',
    allowCredentials: [{ id: credential.id }],
  });
  const assertion = await authenticator.get(options);
  const W = Math.max(1, Math.floor(N / 10));
  // The bare signature check over authenticatorData ‖ SHA-256(clientDataJSON).
  const signed = Buffer.concat([
    Buffer.from(assertion.response.authenticatorData, 'base64url'),
    createHash('sha256').update(Buffer.from(assertion.response.clientDataJSON, 'base64url')).digest(),
  ]);
  const publicKey = createPublicKey({
    key: Buffer.from(created.response.publicKey!, 'base64url'),
    format: 'der',
    type: 'spki',
  });
  const signature = Buffer.from(assertion.response.signature, 'base64url');
  results.push(
    await measure('WebAuthn: one ECDSA P-256 verify (bare node:crypto)', 'baseline', W, 1, () =>
      verifySignature('sha256', signed, publicKey, signature),
    ),
  );
  results.push(
    await measure('WebAuthn: verifyAuthenticationResponse (in-process)', 'measured', W, 1, () =>
      verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: options.challenge,
        expectedOrigin: 'http://localhost:8080',
        expectedRPID: 'localhost',
        credential,
        requireUserVerification: true,
      }),
    ),
  );
}

async function throughGrpc(results: Result[]): Promise<void> {
  await ensureTestInfrastructure(() => undefined);
  const h = await new FactorsHarness().start({ OUTBOX_POLL_INTERVAL_MS: '200' }, 'silent');
  const CONCURRENCY = 16;
  try {
    const { tenantId } = h;
    const N = benchSize('BENCH_GRPC_OPS', 1000, 50);
    results.push(
      await measure('gRPC: GetFactorPolicy (round trip + PK read)', 'baseline', N, CONCURRENCY, () =>
        h.client.call('getFactorPolicy', { tenantId }),
      ),
    );

    // TOTP: one factor per verification (a code is accepted once per time step by design).
    const totp = await prepare(N, CONCURRENCY, async () => {
      const userId = randomUUID();
      const { factorId, secret } = await h.enrolTotp(userId);
      const authenticationId = randomUUID();
      const { challengeId } = await h.client.call('startChallenge', {
        tenantId,
        userId,
        factorId,
        authenticationId,
        action: '',
        locale: 'en',
        passwordless: false,
        clientIp: '',
      });
      return { challengeId, authenticationId, secret };
    });
    results.push(
      await measure(
        'gRPC: VerifyChallenge, TOTP (replay check + events in PostgreSQL)',
        'measured',
        N,
        CONCURRENCY,
        (i) =>
          h.client.call('verifyChallenge', {
            tenantId,
            challengeId: totp[i].challengeId,
            authenticationId: totp[i].authenticationId,
            proof: { code: totpNow(totp[i].secret, new Date(Date.now() + 30_000)) },
          }),
      ),
    );

    // At least 200 passkey verifications (fewer only when fewer operations were asked for).
    const W = Math.max(Math.min(200, N), Math.floor(N / 2));
    const passkeys = await prepare(W, CONCURRENCY, async () => {
      const userId = randomUUID();
      const authenticator = new SoftwareAuthenticator({ origin: 'http://localhost:8080' });
      const begun = await h.client.call('beginEnrollment', {
        tenantId,
        userId,
        type: 'webauthn',
        name: '',
        accountName: 'bench',
        destination: '',
        mfaProof: '',
        locale: 'en',
        clientIp: '',
      });
      const { factor } = await h.client.call('activateFactor', {
        tenantId,
        userId,
        enrollmentId: begun.enrollmentId,
        proof: {
          webauthnResponseJson: JSON.stringify(
            await authenticator.create(
              JSON.parse(begun.webauthn!.creationOptionsJson) as PublicKeyCredentialCreationOptionsJSON,
            ),
          ),
        },
      });
      const authenticationId = randomUUID();
      const started = await h.client.call('startChallenge', {
        tenantId,
        userId,
        factorId: factor!.id,
        authenticationId,
        action: '',
        locale: 'en',
        passwordless: false,
        clientIp: '',
      });
      const response = await authenticator.get(
        JSON.parse(started.requestOptionsJson) as PublicKeyCredentialRequestOptionsJSON,
      );
      return { challengeId: started.challengeId, authenticationId, json: JSON.stringify(response) };
    });
    results.push(
      await measure(
        'gRPC: VerifyChallenge, WebAuthn (counter + events in PostgreSQL)',
        'measured',
        W,
        CONCURRENCY,
        (i) =>
          h.client.call('verifyChallenge', {
            tenantId,
            challengeId: passkeys[i].challengeId,
            authenticationId: passkeys[i].authenticationId,
            proof: { webauthnResponseJson: passkeys[i].json },
          }),
      ),
    );
  } finally {
    await h.stop();
  }
}

async function main(): Promise<void> {
  const results: Result[] = [];
  if (process.env['BENCH_SKIP_IN_PROCESS'] !== '1') await inProcess(results);
  if (process.env['BENCH_SKIP_GRPC'] !== '1') await throughGrpc(results);
  report('factors', 'Factors benchmark', results);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
