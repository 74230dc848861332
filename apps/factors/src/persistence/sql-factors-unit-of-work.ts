import type { EventType } from '@portcullis/contracts';
import type { EnvelopeCipher } from '@portcullis/crypto';
import type { NewEvent, OutboxWriter } from '@portcullis/messaging';
import { isUniqueViolation, queryRows } from '@portcullis/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import type { Challenge } from '../domain/challenge';
import type { Factor, FactorStatus, Strength, WebAuthnCredential } from '../domain/factor';
import type { FactorPolicy } from '../domain/factor-policy';
import { credentialAlreadyRegistered } from '../domain/factors.errors';
import type {
  ChallengeRepository,
  FactorRepository,
  FactorSecrets,
  FactorsTransaction,
  FactorsUnitOfWork,
  NewFactor,
  PolicyRepository,
  RecoveryCodeRepository,
} from '../domain/ports';

interface FactorRow {
  id: string;
  tenant_id: string;
  user_id: string;
  type: Factor['type'];
  name: string;
  status: FactorStatus;
  preferred: boolean;
  destination_hint: string;
  secret_key_id: string | null;
  secret_sealed: string | null;
  destination_key_id: string | null;
  destination_sealed: string | null;
  totp_algorithm: string | null;
  totp_digits: number | null;
  totp_period: number | null;
  failed_attempts: number;
  locked_until: Date | null;
  created_at: Date;
  activated_at: Date | null;
  last_used_at: Date | null;
  removed_at: Date | null;
  credential_id: string | null;
  public_key: Buffer | null;
  sign_count: string | null;
  transports: string[] | null;
  aaguid: string | null;
  backup_eligible: boolean | null;
  backed_up: boolean | null;
  attachment: string | null;
  discoverable: boolean | null;
  clone_suspected: boolean | null;
  recovery_codes_remaining: string | null;
}

/** Secret columns are read only by SqlFactorSecrets. */
const FACTOR_SELECT = `
  SELECT f.*, w.credential_id, w.public_key, w.sign_count, w.transports, w.aaguid, w.backup_eligible,
         w.backed_up, w.attachment, w.discoverable, w.clone_suspected,
         (SELECT count(*) FROM recovery_codes r WHERE r.factor_id = f.id AND r.used_at IS NULL)
           AS recovery_codes_remaining
  FROM factors f LEFT JOIN webauthn_credentials w ON w.factor_id = f.id`;

export const secretAad = (factorId: string) => `factor:${factorId}:secret`;
export const destinationAad = (factorId: string) => `factor:${factorId}:destination`;

function toFactor(r: FactorRow): Factor {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    userId: r.user_id,
    type: r.type,
    name: r.name,
    status: r.status,
    destinationHint: r.destination_hint,
    preferred: r.preferred,
    createdAt: r.created_at,
    activatedAt: r.activated_at ?? undefined,
    lastUsedAt: r.last_used_at ?? undefined,
    removedAt: r.removed_at ?? undefined,
    failedAttempts: r.failed_attempts,
    lockedUntil: r.locked_until ?? undefined,
    totp:
      r.totp_algorithm && r.totp_digits && r.totp_period
        ? {
            algorithm: r.totp_algorithm as 'SHA1',
            digits: r.totp_digits as 6,
            period: r.totp_period as 30,
          }
        : undefined,
    webauthn:
      r.credential_id && r.public_key
        ? {
            credentialId: r.credential_id,
            publicKey: r.public_key,
            signCount: Number(r.sign_count ?? 0),
            transports: r.transports ?? [],
            aaguid: r.aaguid ?? '',
            backupEligible: r.backup_eligible ?? false,
            backedUp: r.backed_up ?? false,
            attachment: r.attachment ?? '',
            discoverable: r.discoverable ?? false,
            cloneSuspected: r.clone_suspected ?? false,
          }
        : undefined,
    recoveryCodesRemaining: Number(r.recovery_codes_remaining ?? 0),
  };
}

class SqlFactorRepository implements FactorRepository {
  constructor(
    private readonly m: EntityManager,
    private readonly cipher: EnvelopeCipher,
  ) {}

  private async one(sql: string, params: unknown[]): Promise<Factor | undefined> {
    const rows: FactorRow[] = await this.m.query(sql, params);
    return rows[0] ? toFactor(rows[0]) : undefined;
  }

  findById(tenantId: string, userId: string, id: string) {
    return this.one(`${FACTOR_SELECT} WHERE f.tenant_id = $1 AND f.user_id = $2 AND f.id = $3`, [
      tenantId,
      userId,
      id,
    ]);
  }

  findInTenant(tenantId: string, id: string) {
    return this.one(`${FACTOR_SELECT} WHERE f.tenant_id = $1 AND f.id = $2`, [tenantId, id]);
  }

  async listByUser(tenantId: string, userId: string, includeRemoved: boolean) {
    const rows: FactorRow[] = await this.m.query(
      `${FACTOR_SELECT} WHERE f.tenant_id = $1 AND f.user_id = $2 ${includeRemoved ? '' : "AND f.status <> 'REMOVED'"}
       ORDER BY f.created_at, f.id`,
      [tenantId, userId],
    );
    return rows.map(toFactor);
  }

  async countOpen(tenantId: string, userId: string, now: Date) {
    // Pending enrolments older than an hour no longer count against the cap.
    const rows: { n: string }[] = await this.m.query(
      `SELECT count(*) AS n FROM factors WHERE tenant_id = $1 AND user_id = $2
         AND (status = 'ACTIVE' OR (status = 'PENDING' AND created_at > $3::timestamptz - interval '1 hour'))`,
      [tenantId, userId, now],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async insert({ factor: f, secret, destination }: NewFactor) {
    const sealedSecret = secret === undefined ? undefined : this.cipher.seal(secret, secretAad(f.id));
    const sealedDestination =
      destination === undefined ? undefined : this.cipher.seal(destination, destinationAad(f.id));
    await this.m.query(
      `INSERT INTO factors (id, tenant_id, user_id, type, name, status, preferred, destination_hint,
         secret_key_id, secret_sealed, destination_key_id, destination_sealed,
         totp_algorithm, totp_digits, totp_period, created_at, activated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        f.id,
        f.tenantId,
        f.userId,
        f.type,
        f.name,
        f.status,
        f.preferred,
        f.destinationHint,
        sealedSecret?.keyId ?? null,
        sealedSecret?.value ?? null,
        sealedDestination?.keyId ?? null,
        sealedDestination?.value ?? null,
        f.totp?.algorithm ?? null,
        f.totp?.digits ?? null,
        f.totp?.period ?? null,
        f.createdAt,
        f.activatedAt ?? null,
      ],
    );
  }

  async activate(id: string, at: Date, webauthn?: WebAuthnCredential) {
    const rows = await queryRows<{ tenant_id: string }>(
      this.m,
      `UPDATE factors SET status = 'ACTIVE', activated_at = $2, failed_attempts = 0, locked_until = NULL
       WHERE id = $1 RETURNING tenant_id`,
      [id, at],
    );
    if (!webauthn) return;
    try {
      await this.m.query(
        `INSERT INTO webauthn_credentials (factor_id, tenant_id, credential_id, public_key, sign_count, transports,
           aaguid, backup_eligible, backed_up, attachment, discoverable)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          rows[0]?.tenant_id,
          webauthn.credentialId,
          webauthn.publicKey,
          webauthn.signCount,
          webauthn.transports,
          webauthn.aaguid,
          webauthn.backupEligible,
          webauthn.backedUp,
          webauthn.attachment,
          webauthn.discoverable,
        ],
      );
    } catch (error) {
      if (isUniqueViolation(error, 'webauthn_credentials_credential_id_key'))
        throw credentialAlreadyRegistered();
      throw error;
    }
  }

  async setStatus(id: string, status: FactorStatus, at: Date) {
    await this.m.query(
      `UPDATE factors SET status = $2, preferred = CASE WHEN $2 = 'REMOVED' THEN false ELSE preferred END,
         removed_at = CASE WHEN $2 = 'REMOVED' THEN $3::timestamptz ELSE removed_at END
       WHERE id = $1`,
      [id, status, at],
    );
    if (status === 'REMOVED') {
      await this.m.query('UPDATE webauthn_credentials SET active = false WHERE factor_id = $1', [id]);
    }
  }

  async rename(id: string, name: string) {
    await this.m.query('UPDATE factors SET name = $2 WHERE id = $1', [id, name]);
  }

  async setPreferred(tenantId: string, userId: string, id: string) {
    // Two statements: the one-preferred index is checked row by row.
    await this.m.query(
      'UPDATE factors SET preferred = false WHERE tenant_id = $1 AND user_id = $2 AND preferred',
      [tenantId, userId],
    );
    await this.m.query('UPDATE factors SET preferred = true WHERE id = $1', [id]);
  }

  async claimTotpStep(id: string, step: number) {
    const rows = await queryRows<unknown>(
      this.m,
      `UPDATE factors SET last_totp_step = $2 WHERE id = $1 AND (last_totp_step IS NULL OR last_totp_step < $2)
       RETURNING id`,
      [id, step],
    );
    return rows.length === 1;
  }

  async updateSignCount(id: string, signCount: number, cloneSuspected: boolean) {
    await this.m.query(
      `UPDATE webauthn_credentials SET sign_count = GREATEST(sign_count, $2), clone_suspected = clone_suspected OR $3
       WHERE factor_id = $1`,
      [id, signCount, cloneSuspected],
    );
  }

  findByCredentialId(tenantId: string, credentialId: string) {
    return this.one(`${FACTOR_SELECT} WHERE f.tenant_id = $1 AND w.credential_id = $2 AND w.active`, [
      tenantId,
      credentialId,
    ]);
  }
}

/** The privileged repository: the only code that opens sealed factor secrets. */
class SqlFactorSecrets implements FactorSecrets {
  constructor(
    private readonly m: EntityManager,
    private readonly cipher: EnvelopeCipher,
  ) {}

  private async sealed(factorId: string, column: 'secret' | 'destination') {
    const rows: { key_id: string | null; sealed: string | null }[] = await this.m.query(
      `SELECT ${column}_key_id AS key_id, ${column}_sealed AS sealed FROM factors WHERE id = $1`,
      [factorId],
    );
    const row = rows[0];
    if (!row?.key_id || !row.sealed) throw new Error(`factor ${factorId} has no ${column}`);
    return { keyId: row.key_id, value: row.sealed };
  }

  async totpSeed(factor: Factor) {
    return this.cipher.open(await this.sealed(factor.id, 'secret'), secretAad(factor.id)).toString('utf8');
  }

  async destination(factor: Factor) {
    return this.cipher
      .open(await this.sealed(factor.id, 'destination'), destinationAad(factor.id))
      .toString('utf8');
  }
}

class SqlRecoveryCodeRepository implements RecoveryCodeRepository {
  constructor(private readonly m: EntityManager) {}

  async replace(factorId: string, hashes: readonly string[]) {
    await this.m.query('DELETE FROM recovery_codes WHERE factor_id = $1', [factorId]);
    await this.m.query('INSERT INTO recovery_codes (factor_id, code_hash) SELECT $1, unnest($2::text[])', [
      factorId,
      hashes,
    ]);
  }

  async consume(factorId: string, hash: string, at: Date) {
    const used = await queryRows<unknown>(
      this.m,
      `UPDATE recovery_codes SET used_at = $3 WHERE factor_id = $1 AND code_hash = $2 AND used_at IS NULL
       RETURNING factor_id`,
      [factorId, hash, at],
    );
    if (used.length === 1) return 'USED' as const;
    const known: unknown[] = await this.m.query(
      'SELECT 1 FROM recovery_codes WHERE factor_id = $1 AND code_hash = $2',
      [factorId, hash],
    );
    return known.length === 1 ? ('ALREADY_USED' as const) : ('UNKNOWN' as const);
  }

  async remaining(factorId: string) {
    const rows: { n: string }[] = await this.m.query(
      'SELECT count(*) AS n FROM recovery_codes WHERE factor_id = $1 AND used_at IS NULL',
      [factorId],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

interface ChallengeRow {
  id: string;
  tenant_id: string;
  user_id: string | null;
  factor_id: string | null;
  factor_type: Challenge['factorType'];
  purpose: Challenge['purpose'];
  authentication_id: string;
  status: Challenge['status'];
  code_hash: string | null;
  webauthn_challenge: string | null;
  created_at: Date;
  expires_at: Date;
  verified_at: Date | null;
  strength: number | null;
  proof_used_at: Date | null;
}

const toChallenge = (r: ChallengeRow): Challenge => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id ?? undefined,
  factorId: r.factor_id ?? undefined,
  factorType: r.factor_type,
  purpose: r.purpose,
  authenticationId: r.authentication_id,
  status: r.status,
  codeHash: r.code_hash ?? undefined,
  webauthnChallenge: r.webauthn_challenge ?? undefined,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  verifiedAt: r.verified_at ?? undefined,
  strength: (r.strength ?? undefined) as Strength | undefined,
  proofUsedAt: r.proof_used_at ?? undefined,
});

class SqlChallengeRepository implements ChallengeRepository {
  constructor(private readonly m: EntityManager) {}

  async insert(c: Challenge) {
    await this.m.query(
      `INSERT INTO challenges (id, tenant_id, user_id, factor_id, factor_type, purpose, authentication_id, status,
         code_hash, webauthn_challenge, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        c.id,
        c.tenantId,
        c.userId ?? null,
        c.factorId ?? null,
        c.factorType,
        c.purpose,
        c.authenticationId,
        c.status,
        c.codeHash ?? null,
        c.webauthnChallenge ?? null,
        c.createdAt,
        c.expiresAt,
      ],
    );
  }

  async findById(tenantId: string, id: string) {
    const rows: ChallengeRow[] = await this.m.query(
      'SELECT * FROM challenges WHERE tenant_id = $1 AND id = $2',
      [tenantId, id],
    );
    return rows[0] ? toChallenge(rows[0]) : undefined;
  }

  async markVerified(id: string, at: Date, userId: string, factorId: string, strength: Strength) {
    // Single use (SECURITY.md 13, 24): of two concurrent verifications, one flips the status; the
    // factor's use is recorded only by that one.
    const rows = await queryRows<unknown>(
      this.m,
      `WITH verified AS (
         UPDATE challenges SET status = 'VERIFIED', verified_at = $2, user_id = $3, factor_id = $4, strength = $5
         WHERE id = $1 AND status = 'PENDING' RETURNING factor_id)
       UPDATE factors SET last_used_at = $2, failed_attempts = 0, locked_until = NULL
       WHERE id = (SELECT factor_id FROM verified) RETURNING id`,
      [id, at, userId, factorId, strength],
    );
    return rows.length === 1;
  }

  async consumeProof(
    tenantId: string,
    userId: string,
    id: string,
    minStrength: Strength,
    notBefore: Date,
    at: Date,
  ) {
    const rows = await queryRows<unknown>(
      this.m,
      `UPDATE challenges SET proof_used_at = $6
       WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND status = 'VERIFIED' AND purpose = 'AUTHENTICATION'
         AND proof_used_at IS NULL AND strength >= $4 AND verified_at >= $5
       RETURNING id`,
      [tenantId, userId, id, minStrength, notBefore, at],
    );
    return rows.length === 1;
  }
}

class SqlPolicyRepository implements PolicyRepository {
  constructor(private readonly m: EntityManager) {}

  async find(tenantId: string) {
    const rows: { policy: FactorPolicy }[] = await this.m.query(
      'SELECT policy FROM factor_policies WHERE tenant_id = $1',
      [tenantId],
    );
    return rows[0]?.policy;
  }

  async save(tenantId: string, policy: FactorPolicy, at: Date) {
    await this.m.query(
      `INSERT INTO factor_policies (tenant_id, policy, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET policy = EXCLUDED.policy, updated_at = EXCLUDED.updated_at`,
      [tenantId, JSON.stringify(policy), at],
    );
  }
}

export class SqlFactorsUnitOfWork implements FactorsUnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly cipher: EnvelopeCipher,
  ) {}

  run<T>(work: (tx: FactorsTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(this.bind(manager)));
  }

  read<T>(work: (tx: FactorsTransaction) => Promise<T>): Promise<T> {
    return work(this.bind(this.dataSource.manager));
  }

  private bind(manager: EntityManager): FactorsTransaction {
    return {
      factors: new SqlFactorRepository(manager, this.cipher),
      secrets: new SqlFactorSecrets(manager, this.cipher),
      recoveryCodes: new SqlRecoveryCodeRepository(manager),
      challenges: new SqlChallengeRepository(manager),
      policies: new SqlPolicyRepository(manager),
      events: {
        record: async <K extends EventType>(event: NewEvent<K>) => {
          await this.outbox.append(manager, event);
        },
      },
    };
  }
}
