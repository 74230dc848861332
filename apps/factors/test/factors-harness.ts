import {
  eventPayloadToJson,
  type EventType,
  factorsV1,
  PROTO_FILES,
  PROTO_PACKAGES,
} from '@portcullis/contracts';
import { EnvelopeCipher, parseKeyRing } from '@portcullis/crypto';
import { DomainError } from '@portcullis/errors';
import { GrpcPeer, type RunningService, startGrpcService } from '@portcullis/grpc';
import { createLogger } from '@portcullis/observability';
import {
  dropDatabases,
  factorsSecretSettings,
  freePort,
  queryDatabase,
  testInfrastructure,
  uniqueDatabaseName,
} from '@portcullis/testing';
import { randomUUID } from 'node:crypto';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { generateSync } from 'otplib';
import { FactorsModule } from '../src/app.module';
import { type FactorsConfig, loadFactorsConfig } from '../src/config/factors.config';

export interface OutboxEvent {
  readonly type: EventType;
  readonly topic: string;
  readonly messageKey: string;
  readonly payload: Record<string, unknown>;
}

/** The factors service in-process on a fresh database, with a gRPC client and test helpers. */
export class FactorsHarness {
  readonly infra = testInfrastructure();
  readonly database = uniqueDatabaseName('factors');
  readonly settings: Record<string, string> = {
    ...factorsSecretSettings(),
    WEBAUTHN_RP_ID: 'localhost',
    WEBAUTHN_ORIGINS: 'http://localhost:8080',
    TOTP_ISSUER: 'Acme Bank',
  };
  config!: FactorsConfig;
  service!: RunningService;
  client!: GrpcPeer<factorsV1.FactorsServiceClient>;
  readonly tenantId = randomUUID();

  /** Every log line the service wrote (at trace level), for leak checks. */
  readonly logs: string[] = [];
  /** Seeds, codes and destinations the tests saw: none may appear in a log line. */
  readonly revealed = new Set<string>();

  /** SECURITY.md 4, 30: asserts that no revealed secret reached the logs. */
  expectNoSecretsLogged(): void {
    expect(this.logs.length).toBeGreaterThan(0);
    const all = this.logs.join('\n');
    const leaked = [...this.revealed].filter((value) => all.includes(value));
    expect(leaked).toEqual([]);
  }

  async start(extra: Record<string, string> = {}, logLevel: 'trace' | 'silent' = 'trace'): Promise<this> {
    const port = await freePort();
    this.config = loadFactorsConfig({
      DATABASE_URL: this.infra.databaseUrl,
      DATABASE_NAME: this.database,
      KAFKA_BROKERS: this.infra.kafkaBrokers.join(','),
      GRPC_PORT: String(port),
      // The tests read the outbox rows; the relay may publish them meanwhile, which changes nothing.
      OUTBOX_POLL_INTERVAL_MS: '60000',
      OTEL_ENABLED: 'false',
      ...this.settings,
      ...extra,
    });
    const logger = createLogger({
      service: 'factors',
      level: logLevel,
      destination: { write: (line: string) => this.logs.push(line) },
    });
    this.service = await startGrpcService(FactorsModule.register(this.config, logger), {
      logger,
      server: {
        host: '127.0.0.1',
        port,
        protoPaths: [PROTO_FILES.factors],
        packages: [PROTO_PACKAGES.factors],
      },
    });
    this.client = new GrpcPeer({
      url: `127.0.0.1:${port}`,
      protoPath: PROTO_FILES.factors,
      packageName: PROTO_PACKAGES.factors,
      serviceName: factorsV1.FACTORS_SERVICE_NAME,
      deadlineMs: 10_000,
    });
    return this;
  }

  async stop(): Promise<void> {
    this.client?.close();
    await this.service?.close();
    await dropDatabases(this.infra.databaseUrl, [this.database]);
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return queryDatabase<T>(this.infra.databaseUrl, this.database, sql, params);
  }

  /** Events recorded in the outbox, decoded, oldest first. */
  async events(filter: { type?: string; userId?: string } = {}): Promise<OutboxEvent[]> {
    const rows = await this.query<{ type: EventType; topic: string; message_key: string; payload: Buffer }>(
      'SELECT type, topic, message_key, payload FROM outbox_events ORDER BY seq',
    );
    return rows
      .filter((r) => !filter.type || r.type === filter.type)
      .filter((r) => !filter.userId || r.message_key.endsWith(`:${filter.userId}`))
      .map((r) => ({
        type: r.type,
        topic: r.topic,
        messageKey: r.message_key,
        payload: eventPayloadToJson(r.type, r.payload) as Record<string, unknown>,
      }));
  }

  /** What the delivery service would do with a factors.code.issued event: open the sealed code. */
  async lastCode(
    userId: string,
  ): Promise<{ code: string; destination: string; codeId: string; channel: string }> {
    const issued = (await this.events({ type: 'factors.code.issued', userId })).at(-1);
    if (!issued) throw new Error('no code issued');
    const p = issued.payload as {
      codeId: string;
      sealedKeyId: string;
      sealedCode: string;
      sealedDestination: string;
      channel: string;
    };
    const cipher = new EnvelopeCipher(parseKeyRing(this.settings['CODE_TRANSPORT_KEYS']));
    const opened = {
      codeId: p.codeId,
      channel: p.channel,
      code: cipher.open({ keyId: p.sealedKeyId, value: p.sealedCode }, `code:${p.codeId}`).toString('utf8'),
      destination: cipher
        .open({ keyId: p.sealedKeyId, value: p.sealedDestination }, `code:${p.codeId}:destination`)
        .toString('utf8'),
    };
    this.revealed.add(opened.code).add(opened.destination).add(opened.destination.slice(1));
    return opened;
  }

  /** Calls an RPC expecting a DomainError; returns it. */
  async failure(call: Promise<unknown>): Promise<DomainError> {
    try {
      await call;
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected the call to fail');
  }

  /** Sets the tenant policy from its proto3 JSON form (absent fields take the defaults). */
  async setPolicy(policy: Record<string, unknown>): Promise<factorsV1.FactorPolicy> {
    const response = await this.client.call('setFactorPolicy', {
      tenantId: this.tenantId,
      policy: factorsV1.FactorPolicy.fromJSON(policy),
    });
    return response.policy!;
  }

  /** Enrols and activates a TOTP factor; returns its id and seed. */
  async enrolTotp(userId: string, mfaProof = ''): Promise<{ factorId: string; secret: string }> {
    const begun = await this.client.call('beginEnrollment', {
      tenantId: this.tenantId,
      userId,
      type: 'totp',
      name: '',
      accountName: `${userId}@example.com`,
      destination: '',
      mfaProof,
      locale: 'en',
      clientIp: '',
    });
    const secret = begun.totp!.secret;
    this.revealed.add(secret);
    await this.client.call('activateFactor', {
      tenantId: this.tenantId,
      userId,
      enrollmentId: begun.enrollmentId,
      proof: { code: totpNow(secret) },
    });
    return { factorId: begun.factor!.id, secret };
  }

  /** Starts and verifies a TOTP challenge: returns the verified challenge id (an MFA proof). */
  async proveWithTotp(userId: string, factorId: string, secret: string, at = new Date()): Promise<string> {
    const authenticationId = randomUUID();
    const { challengeId } = await this.client.call('startChallenge', {
      tenantId: this.tenantId,
      userId,
      factorId,
      authenticationId,
      action: '',
      locale: 'en',
      passwordless: false,
      clientIp: '',
    });
    await this.client.call('verifyChallenge', {
      tenantId: this.tenantId,
      challengeId,
      authenticationId,
      proof: { code: totpNow(secret, at) },
    });
    return challengeId;
  }
}

const crypto = new NodeCryptoPlugin();

/** The code an authenticator app shows at `at` (default now). */
export function totpNow(secret: string, at = new Date(), digits = 6, period = 30): string {
  return generateSync({ secret, epoch: Math.floor(at.getTime() / 1000), digits, period, crypto });
}
