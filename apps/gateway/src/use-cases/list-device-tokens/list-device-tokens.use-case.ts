import { Injectable } from '@nestjs/common';
import { type DeviceTokenRecord, GatewayUnitOfWork } from '../../domain/ports';

@Injectable()
export class ListDeviceTokensUseCase {
  constructor(private readonly uow: GatewayUnitOfWork) {}

  execute(tenantId: string, userId: string): Promise<DeviceTokenRecord[]> {
    return this.uow.run((tx) => tx.deviceTokens.list(tenantId, userId));
  }
}
