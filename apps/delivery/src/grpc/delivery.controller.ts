import { Controller } from '@nestjs/common';
import { deliveryV1, toTimestamp } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import type { DeliveryPolicy } from '../domain/delivery-policy';
import type { Message } from '../domain/message';
import { GetDeliveryPolicyUseCase } from '../use-cases/get-delivery-policy/get-delivery-policy.use-case';
import { GetMessageStatusUseCase } from '../use-cases/get-message-status/get-message-status.use-case';
import { SetDeliveryPolicyUseCase } from '../use-cases/set-delivery-policy/set-delivery-policy.use-case';
import { deliveryPolicySchema, messageStatusSchema, tenantOnlySchema } from './delivery.schemas';

const toMessage = (m: Message): deliveryV1.Message => ({
  codeId: m.codeId,
  tenantId: m.tenantId,
  userId: m.userId,
  channel: m.channel,
  status: m.status,
  reason: m.reason,
  provider: m.provider,
  destinationHint: m.destinationHint,
  createTime: toTimestamp(m.createdAt),
  updateTime: toTimestamp(m.updatedAt),
  price: m.price,
  priceUnit: m.priceUnit,
});

const toPolicy = (p: DeliveryPolicy): deliveryV1.DeliveryPolicy => ({
  ...p,
  allowedCountries: [...p.allowedCountries],
  blockedPrefixes: [...p.blockedPrefixes],
  templates: { ...p.templates },
});

/** Thin: validate, call one use-case, map the result. */
@Controller()
@deliveryV1.DeliveryServiceControllerMethods()
export class DeliveryGrpcController implements deliveryV1.DeliveryServiceController {
  constructor(
    private readonly getMessageStatusUseCase: GetMessageStatusUseCase,
    private readonly getDeliveryPolicyUseCase: GetDeliveryPolicyUseCase,
    private readonly setDeliveryPolicyUseCase: SetDeliveryPolicyUseCase,
  ) {}

  async getMessageStatus(
    request: deliveryV1.GetMessageStatusRequest,
  ): Promise<deliveryV1.GetMessageStatusResponse> {
    const { tenantId, codeId } = parseOrThrow(messageStatusSchema, request);
    return { message: toMessage(await this.getMessageStatusUseCase.execute(tenantId, codeId)) };
  }

  async getDeliveryPolicy(
    request: deliveryV1.GetDeliveryPolicyRequest,
  ): Promise<deliveryV1.GetDeliveryPolicyResponse> {
    const { tenantId } = parseOrThrow(tenantOnlySchema, request);
    return { policy: toPolicy(await this.getDeliveryPolicyUseCase.execute(tenantId)) };
  }

  async setDeliveryPolicy(
    request: deliveryV1.SetDeliveryPolicyRequest,
  ): Promise<deliveryV1.SetDeliveryPolicyResponse> {
    const { tenantId } = parseOrThrow(tenantOnlySchema, { tenantId: request.tenantId });
    const policy = parseOrThrow(deliveryPolicySchema, request.policy ?? {});
    return { policy: toPolicy(await this.setDeliveryPolicyUseCase.execute(tenantId, policy)) };
  }
}
