import { DomainError, parseOrThrow } from '@portcullis/errors';
import { bodyWithPath } from '../http/body-with-path';
import {
  activateFactorSchema,
  exportAuditEventsSchema,
  getMfaKpisSchema,
  listAuditEventsSchema,
  listFactorsSchema,
  setFactorPolicySchema,
  setKpiSettingsSchema,
  startChallengeSchema,
} from './gateway.schemas';

const tenantId = '0b6e3c1a-9f1e-4d5a-8a55-3f0c1d2e4b6a';
const userId = '5d2c7a9b-1e3f-4a6b-9c8d-7e6f5a4b3c2d';
const enrollmentId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

function violations(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return (error.details.violations ?? []).map((v) => v.field);
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('gateway schemas for factors', () => {
  it('take the proof of the HTTP body and of the decoded gRPC message (oneof marker dropped)', () => {
    expect(
      parseOrThrow(activateFactorSchema.strict(), {
        tenantId,
        userId,
        enrollmentId,
        proof: { code: '123456' },
      }).proof,
    ).toEqual({ code: '123456' });
    expect(
      parseOrThrow(activateFactorSchema, {
        tenantId,
        userId,
        enrollmentId,
        proof: { webauthnResponseJson: '{}', kind: 'webauthnResponseJson' },
      }).proof,
    ).toEqual({ webauthnResponseJson: '{}' });
    expect(
      violations(() => parseOrThrow(activateFactorSchema, { tenantId, userId, enrollmentId, proof: null })),
    ).toEqual(['proof']);
  });

  it('read includeRemoved from a query string or a bool', () => {
    expect(parseOrThrow(listFactorsSchema, { tenantId, userId, includeRemoved: 'true' }).includeRemoved).toBe(
      true,
    );
    expect(parseOrThrow(listFactorsSchema, { tenantId, userId, includeRemoved: false }).includeRemoved).toBe(
      false,
    );
    expect(parseOrThrow(listFactorsSchema, { tenantId, userId }).includeRemoved).toBeUndefined();
    expect(
      violations(() => parseOrThrow(listFactorsSchema, { tenantId, userId, includeRemoved: 'yes' })),
    ).toEqual(['includeRemoved']);
  });

  it('bound the authentication id and treat proto3 empty strings as absent', () => {
    const parsed = parseOrThrow(startChallengeSchema, {
      tenantId,
      userId: '',
      factorId: '',
      authenticationId: 'auth-1',
      passwordless: true,
    });
    expect(parsed).toMatchObject({ userId: undefined, factorId: undefined, passwordless: true });
    expect(
      violations(() => parseOrThrow(startChallengeSchema, { tenantId, authenticationId: 'x'.repeat(129) })),
    ).toEqual(['authenticationId']);
  });

  it('convert a policy from proto3 JSON and leave its rules to factors', () => {
    const { policy } = parseOrThrow(setFactorPolicySchema, {
      tenantId,
      policy: { allowedTypes: ['totp'], webauthn: { rpId: 'localhost', origins: ['http://localhost:8080'] } },
    });
    expect(policy.allowedTypes).toEqual(['totp']);
    expect(policy.webauthn).toMatchObject({ rpId: 'localhost', origins: ['http://localhost:8080'] });
    expect(policy.totp).toBeUndefined();
    expect(violations(() => parseOrThrow(setFactorPolicySchema, { tenantId, policy: ['totp'] }))).toEqual([
      'policy',
    ]);
  });

  it('refuse a body that repeats a path id, and unknown body fields', () => {
    expect(violations(() => bodyWithPath({ tenantId, userId }, { userId }))).toEqual(['userId']);
    expect(
      violations(() =>
        parseOrThrow(
          activateFactorSchema.strict(),
          bodyWithPath({ tenantId, proof: { code: '1' }, extra: 1 }, { userId, enrollmentId }),
        ),
      ),
    ).toEqual(['(request)']);
  });
});

describe('gateway schemas for the audit log and KPIs', () => {
  it('read times as RFC 3339 strings over HTTP and as Timestamps over gRPC, into the same filter', () => {
    const http = parseOrThrow(exportAuditEventsSchema.http, {
      tenantId,
      type: 'factors.',
      fromTime: '2026-01-01T01:00:00+01:00',
      toTime: '2026-01-02T00:00:00.5Z',
    });
    const grpc = parseOrThrow(exportAuditEventsSchema.grpc, {
      tenantId,
      userId: '',
      type: 'factors.',
      outcome: '',
      fromTime: { seconds: '1767225600', nanos: 0 },
      toTime: { seconds: '1767312000', nanos: 500_000_000 },
    });
    const expected = {
      tenantId,
      userId: undefined,
      type: 'factors.',
      outcome: undefined,
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-01-02T00:00:00.500Z'),
    };
    expect(http).toEqual(expected);
    expect(grpc).toEqual(expected);
    // The gRPC loader hands absent message fields over as null.
    expect(parseOrThrow(getMfaKpisSchema.grpc, { tenantId, fromTime: null, toTime: null })).toEqual({
      tenantId,
      from: undefined,
      to: undefined,
    });
  });

  it('refuse a time without offset, a range that ends before it starts, and an unknown outcome', () => {
    expect(
      violations(() => parseOrThrow(listAuditEventsSchema.http, { tenantId, fromTime: '2026-01-01' })),
    ).toEqual(['fromTime']);
    expect(
      violations(() =>
        parseOrThrow(getMfaKpisSchema.http, {
          tenantId,
          fromTime: '2026-01-02T00:00:00Z',
          toTime: '2026-01-02T00:00:00Z',
        }),
      ),
    ).toEqual(['toTime']);
    expect(
      violations(() => parseOrThrow(listAuditEventsSchema.grpc, { tenantId, fromTime: { seconds: 'soon' } })),
    ).toEqual(['fromTime.seconds']);
    expect(violations(() => parseOrThrow(listAuditEventsSchema.http, { tenantId, outcome: 'won' }))).toEqual([
      'outcome',
    ]);
    expect(parseOrThrow(listAuditEventsSchema.http, { tenantId, outcome: 'challenged' }).outcome).toBe(
      'challenged',
    );
  });

  it('take KPI settings flat over HTTP and as settings over gRPC, the currency upper-cased', () => {
    expect(
      parseOrThrow(setKpiSettingsSchema.http, { tenantId, lossValuePerTakeover: '1500.00', currency: 'eur' }),
    ).toEqual({ tenantId, settings: { lossValuePerTakeover: '1500.00', currency: 'EUR' } });
    expect(
      parseOrThrow(setKpiSettingsSchema.grpc, {
        tenantId,
        settings: { lossValuePerTakeover: '7', currency: 'USD' },
      }),
    ).toEqual({ tenantId, settings: { lossValuePerTakeover: '7', currency: 'USD' } });
    expect(violations(() => parseOrThrow(setKpiSettingsSchema.grpc, { tenantId, settings: null }))).toEqual([
      'settings',
    ]);
    expect(
      violations(() =>
        parseOrThrow(setKpiSettingsSchema.http, {
          tenantId,
          lossValuePerTakeover: '1.2345678',
          currency: 'E1R',
        }),
      ),
    ).toEqual(['lossValuePerTakeover', 'currency']);
  });
});
