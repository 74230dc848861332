import { decodeEventPayload, fromTimestamp, TOPICS } from '@portcullis/contracts';
import { type EnvelopeCipher, SecretUnreadableError } from '@portcullis/crypto';
import { EventConsumer, type FaultInjector, PoisonMessageError } from '@portcullis/messaging';
import type { Logger } from '@portcullis/observability';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { Channel } from '../domain/templates';
import type { CodeToSend, DeliverCodeUseCase } from '../use-cases/deliver-code/deliver-code.use-case';

const CHANNELS: readonly string[] = ['sms', 'voice', 'email'];

/** Opens a factors.code.issued event (sealed code and destination, bound to the code id). */
export function openCodeEvent(payload: Buffer, cipher: EnvelopeCipher): CodeToSend {
  const event = decodeEventPayload('factors.code.issued', payload);
  if (!CHANNELS.includes(event.channel))
    throw new PoisonMessageError(`unknown channel ${JSON.stringify(event.channel)}`);
  try {
    const open = (value: string, aad: string) =>
      cipher.open({ keyId: event.sealedKeyId, value }, aad).toString('utf8');
    return {
      codeId: event.codeId,
      tenantId: event.tenantId,
      userId: event.userId,
      channel: event.channel as Channel,
      code: open(event.sealedCode, `code:${event.codeId}`),
      destination: open(event.sealedDestination, `code:${event.codeId}:destination`),
      locale: event.locale,
      action: event.action,
      expiresAt: fromTimestamp(event.expireTime) ?? new Date(0),
      clientIp: event.clientIp,
    };
  } catch (error) {
    // Sealed under a key this instance lacks, or tampered with: it will never open.
    if (error instanceof SecretUnreadableError)
      throw new PoisonMessageError(`sealed code unreadable: ${error.message}`);
    throw error;
  }
}

/**
 * Codes to send. A send that exhausted every provider is parked on the dead-letter topic after
 * its failure event (the message row records it, so a replay from there sends nothing twice).
 */
export function createCodeIssuedConsumer(
  kafka: Kafka,
  dataSource: DataSource,
  groupId: string,
  cipher: EnvelopeCipher,
  deliver: DeliverCodeUseCase,
  logger: Logger,
  faults: FaultInjector,
): EventConsumer {
  return new EventConsumer(
    kafka,
    dataSource,
    {
      groupId,
      topics: [TOPICS.factorCodes],
      accepts: (type) => type === 'factors.code.issued',
      handler: async (event) => {
        const outcome = await deliver.execute(openCodeEvent(event.payload, cipher));
        if (outcome.status === 'FAILED' && outcome.reason === 'PROVIDERS_FAILED') {
          throw new PoisonMessageError('every provider failed');
        }
      },
    },
    logger.child({ component: 'code-consumer' }),
    faults,
  );
}
