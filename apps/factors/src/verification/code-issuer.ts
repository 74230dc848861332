import { Injectable } from '@nestjs/common';
import { toTimestamp } from '@portcullis/contracts';
import { destinationHint } from '../domain/factor';
import type { ChallengePurpose } from '../domain/challenge';
import { CodeSealer, type FactorsTransaction } from '../domain/ports';
import type { OutgoingCode } from '../strategies/factor-strategy';

/**
 * Hands a code to the delivery service: a factors.code.issued event on the codes topic, code and
 * destination sealed under the code-transport key, in the same transaction as the challenge.
 */
@Injectable()
export class CodeIssuer {
  constructor(private readonly sealer: CodeSealer) {}

  async issue(
    tx: FactorsTransaction,
    code: OutgoingCode,
    context: {
      codeId: string;
      tenantId: string;
      userId: string;
      factorId: string;
      purpose: ChallengePurpose;
      locale: string;
      action: string;
      clientIp: string;
      expiresAt: Date;
      now: Date;
    },
  ): Promise<void> {
    const sealed = this.sealer.seal(context.codeId, code.code, code.destination);
    await tx.events.record({
      type: 'factors.code.issued',
      tenantId: context.tenantId,
      userId: context.userId,
      occurredAt: context.now,
      payload: {
        codeId: context.codeId,
        tenantId: context.tenantId,
        userId: context.userId,
        factorId: context.factorId,
        channel: code.channel,
        purpose: context.purpose,
        locale: context.locale,
        action: context.action,
        expireTime: toTimestamp(context.expiresAt),
        sealedKeyId: sealed.keyId,
        sealedCode: sealed.code,
        sealedDestination: sealed.destination,
        destinationHint: destinationHint(code.destination),
        clientIp: context.clientIp,
      },
    });
  }
}
