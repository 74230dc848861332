import { decodeEventPayload, type EventType, TOPICS } from '@portcullis/contracts';
import { EventConsumer, type FaultInjector } from '@portcullis/messaging';
import type { Logger } from '@portcullis/observability';
import { joinTransaction } from '@portcullis/persistence';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { FailureKind } from '../domain/ports';
import type { RecordFailureUseCase } from '../use-cases/record-failure/record-failure.use-case';
import type { RecordRecoveryUseCase } from '../use-cases/record-recovery/record-recovery.use-case';
import type { RecordSignInUseCase } from '../use-cases/record-sign-in/record-sign-in.use-case';

const FAILURE_KINDS: Readonly<Record<string, FailureKind>> = {
  PASSWORD_INVALID: 'password',
  USER_UNKNOWN: 'unknown_user',
  ACCOUNT_LOCKED: 'locked',
  // FACTOR_FAILED is not counted here: the factors service reports each wrong answer itself.
};

/** Wrong answers count; an expired code is not an attack. */
const COUNTED_FACTOR_FAILURES = new Set(['CODE_INVALID', 'CODE_REUSED', 'FACTOR_LOCKED', 'WEBAUTHN_INVALID']);

const HANDLED = new Set<EventType>([
  'gateway.authentication.succeeded',
  'gateway.authentication.failed',
  'factors.challenge.failed',
  'factors.recovery_code.used',
  'factors.factors.reset',
]);

export interface AttemptUseCases {
  readonly signIn: RecordSignInUseCase;
  readonly failure: RecordFailureUseCase;
  readonly recovery: RecordRecoveryUseCase;
}

/**
 * Profiles and failure windows from the gateway's attempt outcomes and the factors service's
 * challenge and recovery events. Each use-case joins the consumer's transaction, so an event is
 * applied exactly once even when Kafka delivers it twice.
 */
export function createAttemptEventsConsumer(
  kafka: Kafka,
  dataSource: DataSource,
  groupId: string,
  useCases: AttemptUseCases,
  logger: Logger,
  faults: FaultInjector,
): EventConsumer {
  return new EventConsumer(
    kafka,
    dataSource,
    {
      groupId: `${groupId}-attempts`,
      topics: [TOPICS.gatewayEvents, TOPICS.factorsEvents],
      accepts: (type) => HANDLED.has(type),
      handler: (event, manager) =>
        joinTransaction(manager, async () => {
          switch (event.type) {
            case 'gateway.authentication.succeeded': {
              const e = decodeEventPayload(event.type, event.payload);
              await useCases.signIn.execute({
                tenantId: e.tenantId,
                userId: e.userId,
                at: event.occurredAt,
                clientIp: e.clientIp || undefined,
                deviceId: e.deviceId || undefined,
              });
              return;
            }
            case 'gateway.authentication.failed': {
              const e = decodeEventPayload(event.type, event.payload);
              const kind = FAILURE_KINDS[e.reason];
              if (!kind) return;
              await useCases.failure.execute({
                tenantId: e.tenantId,
                attemptId: e.authenticationId,
                kind,
                userId: e.userId || undefined,
                clientIp: e.clientIp || undefined,
                at: event.occurredAt,
              });
              return;
            }
            case 'factors.challenge.failed': {
              const e = decodeEventPayload(event.type, event.payload);
              if (!COUNTED_FACTOR_FAILURES.has(e.reason)) return;
              await useCases.failure.execute({
                tenantId: e.tenantId,
                // Each wrong answer is its own failure (the challenge's running count tells them apart).
                attemptId: `${e.challengeId}#${e.failedAttempts}`,
                kind: 'factor',
                userId: e.userId || undefined,
                at: event.occurredAt,
              });
              return;
            }
            case 'factors.recovery_code.used':
            case 'factors.factors.reset': {
              const e = decodeEventPayload(event.type, event.payload);
              await useCases.recovery.execute(e.tenantId, e.userId, event.occurredAt);
              return;
            }
            default:
              return;
          }
        }),
    },
    logger.child({ component: 'attempt-events-consumer' }),
    faults,
  );
}
