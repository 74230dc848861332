import type { EventType } from '@portcullis/contracts';
import type { AuditOutcome } from './audit-event';

const FIXED: Partial<Record<EventType, AuditOutcome>> = {
  'gateway.authentication.succeeded': 'success',
  'gateway.authentication.failed': 'failure',
  'factors.challenge.verified': 'success',
  'factors.challenge.failed': 'failure',
  'factors.recovery_code.used': 'success',
  'delivery.message.sent': 'success',
  'delivery.message.delivered': 'success',
  'delivery.message.failed': 'failure',
  'delivery.message.undelivered': 'failure',
  'delivery.message.refused': 'denied',
};

const RISK_DECISIONS: Record<string, AuditOutcome> = {
  allow: 'success',
  challenge: 'challenged',
  deny: 'denied',
};

/** What an event says about the attempt it reports, so analysts can filter on it. */
export function outcomeOf(type: EventType, data: Record<string, unknown>): AuditOutcome {
  if (type === 'risk.attempt.scored') {
    const decision = typeof data['decision'] === 'string' ? data['decision'] : '';
    return RISK_DECISIONS[decision] ?? 'none';
  }
  return FIXED[type] ?? 'none';
}
