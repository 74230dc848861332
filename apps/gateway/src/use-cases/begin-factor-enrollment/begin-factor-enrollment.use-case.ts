import { Injectable } from '@nestjs/common';
import type { factorsV1 } from '@portcullis/contracts';
import type { UserView } from '../../domain/model';
import { FactorsDirectory, IdentityDirectory } from '../../domain/ports';
import { UserStatusGuard } from '../../flows/user-status-guard';

export interface BeginFactorEnrollmentInput {
  readonly tenantId: string;
  readonly userId: string;
  readonly type: string;
  readonly name?: string | undefined;
  readonly destination?: string | undefined;
  readonly mfaProof?: string | undefined;
  readonly locale?: string | undefined;
  readonly clientIp?: string | undefined;
}

/** Where an out-of-band factor sends its codes when the caller names no destination. */
function defaultDestination(type: string, user: UserView): string {
  switch (type) {
    case 'sms_otp':
    case 'voice_otp':
      return user.phoneNumber;
    case 'email_otp':
      return user.email;
    default:
      return '';
  }
}

@Injectable()
export class BeginFactorEnrollmentUseCase {
  constructor(
    private readonly identity: IdentityDirectory,
    private readonly users: UserStatusGuard,
    private readonly factors: FactorsDirectory,
  ) {}

  /** Looks the user up first: that proves the user exists in the tenant (USER_NOT_FOUND otherwise). */
  async execute(input: BeginFactorEnrollmentInput): Promise<factorsV1.BeginEnrollmentResponse> {
    const user = this.users.check(
      await this.identity.getUser({ tenantId: input.tenantId, userId: input.userId }),
    );
    return this.factors.beginEnrollment({
      tenantId: input.tenantId,
      userId: input.userId,
      type: input.type,
      name: input.name ?? '',
      accountName: user.email || user.externalId,
      destination: input.destination ?? defaultDestination(input.type, user),
      mfaProof: input.mfaProof ?? '',
      locale: input.locale ?? '',
      clientIp: input.clientIp ?? '',
    });
  }
}
