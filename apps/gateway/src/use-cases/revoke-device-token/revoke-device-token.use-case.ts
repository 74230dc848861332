import { Injectable } from '@nestjs/common';
import { DomainError } from '@portcullis/errors';
import { Clock, type DeviceTokenRecord, GatewayUnitOfWork } from '../../domain/ports';
import { FlowErrorCodes } from '../../flows/authentication-flow';

/** Revokes a remembered device: its token stops lowering risk at once (idempotent). */
@Injectable()
export class RevokeDeviceTokenUseCase {
  constructor(
    private readonly uow: GatewayUnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(tenantId: string, userId: string, tokenId: string): Promise<DeviceTokenRecord> {
    const revoked = await this.uow.run((tx) =>
      tx.deviceTokens.revoke(tenantId, userId, tokenId, this.clock.now()),
    );
    if (!revoked) {
      throw new DomainError(
        'NOT_FOUND',
        FlowErrorCodes.DEVICE_TOKEN_NOT_FOUND,
        'No such device token for this user',
      );
    }
    return revoked;
  }
}
