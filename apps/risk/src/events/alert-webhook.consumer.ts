import { decodeEventPayload, fromTimestamp, TOPICS } from '@portcullis/contracts';
import { signWebhook } from '@portcullis/crypto';
import { EventConsumer, type FaultInjector } from '@portcullis/messaging';
import type { Logger } from '@portcullis/observability';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';

export interface AlertWebhookSettings {
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs: number;
}

/**
 * Forwards each raised alert to the operator's webhook as signed JSON (at least once: a failed
 * POST is retried with backoff, then parked on the dead-letter topic; `id` lets the receiver drop
 * duplicates).
 */
export function createAlertWebhookConsumer(
  kafka: Kafka,
  dataSource: DataSource,
  groupId: string,
  settings: AlertWebhookSettings,
  logger: Logger,
  faults: FaultInjector,
): EventConsumer {
  return new EventConsumer(
    kafka,
    dataSource,
    {
      groupId: `${groupId}-alert-webhook`,
      topics: [TOPICS.riskEvents],
      accepts: (type) => type === 'risk.alert.raised',
      maxAttempts: 8,
      // A sink switched on later starts with new alerts, not the topic's history.
      fromBeginning: false,
      handler: async (event) => {
        if (event.type !== 'risk.alert.raised') return;
        const a = decodeEventPayload(event.type, event.payload);
        const body = JSON.stringify({
          id: a.alertId,
          type: event.type,
          tenantId: a.tenantId,
          kind: a.kind,
          subject: a.subject,
          severity: a.severity,
          count: a.count,
          windowSeconds: a.windowSeconds,
          detail: a.detail,
          raisedAt: event.occurredAt.toISOString(),
          quietUntil: fromTimestamp(a.quietUntilTime)?.toISOString(),
        });
        const response = await fetch(settings.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': a.alertId,
            ...signWebhook(settings.secret, body),
          },
          body,
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
        if (!response.ok) throw new Error(`alert webhook answered HTTP ${response.status}`);
      },
    },
    logger.child({ component: 'alert-webhook' }),
    faults,
  );
}
