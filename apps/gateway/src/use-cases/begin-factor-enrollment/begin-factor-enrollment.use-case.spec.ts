import type { factorsV1 } from '@portcullis/contracts';
import { DomainError } from '@portcullis/errors';
import type { UserView } from '../../domain/model';
import type { FactorsDirectory, IdentityDirectory } from '../../domain/ports';
import { UserStatusGuard } from '../../flows/user-status-guard';
import { BeginFactorEnrollmentUseCase } from './begin-factor-enrollment.use-case';

const tenantId = '0b6e3c1a-9f1e-4d5a-8a55-3f0c1d2e4b6a';
const userId = '5d2c7a9b-1e3f-4a6b-9c8d-7e6f5a4b3c2d';
const user: UserView = {
  id: userId,
  tenantId,
  externalId: 'customer-1',
  email: 'ann@example.org',
  phoneNumber: '+447911123456',
  status: 'ACTIVE',
  createdAt: new Date('2026-11-28T10:00:00Z'),
};

function setup(found: UserView | DomainError = user) {
  const sent: factorsV1.BeginEnrollmentRequest[] = [];
  const identity = {
    getUser: async () => {
      if (found instanceof DomainError) throw found;
      return found;
    },
  } as unknown as IdentityDirectory;
  const factors = {
    beginEnrollment: async (request: factorsV1.BeginEnrollmentRequest) => {
      sent.push(request);
      return { enrollmentId: 'e-1', factor: undefined, expireTime: undefined };
    },
  } as unknown as FactorsDirectory;
  return {
    sent,
    useCase: new BeginFactorEnrollmentUseCase(identity, new UserStatusGuard(identity), factors),
  };
}

describe('BeginFactorEnrollmentUseCase', () => {
  it('names the account by email and fills the optional fields with proto3 defaults', async () => {
    const { sent, useCase } = setup();
    await useCase.execute({ tenantId, userId, type: 'totp' });
    expect(sent).toEqual([
      {
        tenantId,
        userId,
        type: 'totp',
        name: '',
        accountName: 'ann@example.org',
        destination: '',
        mfaProof: '',
        locale: '',
        clientIp: '',
      },
    ]);
  });

  it("falls back to the external id, and to the user's own phone or email as destination", async () => {
    const { sent, useCase } = setup({ ...user, email: '' });
    await useCase.execute({ tenantId, userId, type: 'sms_otp' });
    await useCase.execute({ tenantId, userId, type: 'voice_otp' });
    await useCase.execute({ tenantId, userId, type: 'email_otp' });
    expect(sent.map((r) => [r.accountName, r.destination])).toEqual([
      ['customer-1', '+447911123456'],
      ['customer-1', '+447911123456'],
      ['customer-1', ''],
    ]);
  });

  it('keeps a destination the caller gave', async () => {
    const { sent, useCase } = setup();
    await useCase.execute({ tenantId, userId, type: 'email_otp', destination: 'work@example.org' });
    expect(sent[0]?.destination).toBe('work@example.org');
  });

  it('does not reach factors for a user unknown in the tenant', async () => {
    const notFound = new DomainError('NOT_FOUND', 'USER_NOT_FOUND', 'No such user');
    const { sent, useCase } = setup(notFound);
    await expect(useCase.execute({ tenantId, userId, type: 'totp' })).rejects.toBe(notFound);
    expect(sent).toHaveLength(0);
  });

  it('refuses a locked user before anything reaches factors (SECURITY.md 21)', async () => {
    const { sent, useCase } = setup({ ...user, status: 'LOCKED' });
    await expect(useCase.execute({ tenantId, userId, type: 'totp' })).rejects.toMatchObject({
      kind: 'PERMISSION_DENIED',
      code: 'ACCOUNT_LOCKED',
    });
    expect(sent).toEqual([]);
  });
});
