import { toTimestamp } from '@portcullis/contracts';
import type { AlertCandidate, NewFailure, RiskTransaction } from './ports';
import type { VelocityCounts, VelocityThresholds } from './velocity';

export type AlertKind = AlertCandidate['kind'];

export interface AlertSettings {
  /** Quiet time after an alert before the same kind and subject may alert again. */
  readonly cooldownSeconds: number;
}

export interface RaisedAlert {
  readonly kind: AlertKind;
  readonly subject: string;
  readonly count: number;
  readonly windowSeconds: number;
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  readonly detail: string;
}

/** The waves one new failure may complete, given the windows' counts after it. */
export function failureWaves(
  failure: NewFailure,
  counts: VelocityCounts,
  t: VelocityThresholds,
): RaisedAlert[] {
  const waves: RaisedAlert[] = [];
  if (failure.ip && counts.ipUsers >= t.ipUsers) {
    waves.push({
      kind: 'CREDENTIAL_STUFFING',
      subject: failure.ip,
      count: counts.ipUsers,
      windowSeconds: t.windowSeconds,
      severity: 'high',
      detail: `${failure.ip} failed against ${counts.ipUsers} users (${counts.ipFailures} failures)`,
    });
  }
  if (failure.userId && counts.userIps >= t.userIps) {
    waves.push({
      kind: 'PASSWORD_SPRAY',
      subject: failure.userId,
      count: counts.userIps,
      windowSeconds: t.windowSeconds,
      severity: 'high',
      detail: `user ${failure.userId} failed from ${counts.userIps} IPs (${counts.userFailures} failures)`,
    });
  }
  if (counts.tenantFailures >= t.tenantFailures) {
    waves.push({
      kind: 'FAILURE_SPIKE',
      subject: 'tenant',
      count: counts.tenantFailures,
      windowSeconds: t.tenantWindowSeconds,
      severity: 'medium',
      detail: `${counts.tenantFailures} failed attempts across the tenant`,
    });
  }
  return waves;
}

/**
 * Raises each wave unless the same kind and subject alerted within the cool-down: the claim is one
 * conditional upsert, so concurrent instances raise a wave once.
 */
export async function raiseAlerts(
  tx: RiskTransaction,
  tenantId: string,
  waves: readonly RaisedAlert[],
  at: Date,
  settings: AlertSettings,
): Promise<number> {
  let raised = 0;
  for (const wave of waves) {
    const quietUntil = new Date(at.getTime() + settings.cooldownSeconds * 1000);
    const claimed = await tx.alerts.claim({
      tenantId,
      kind: wave.kind,
      subject: wave.subject,
      at,
      quietUntil,
    });
    if (!claimed) continue;
    raised += 1;
    await tx.events.record({
      type: 'risk.alert.raised',
      tenantId,
      occurredAt: at,
      payload: {
        tenantId,
        alertId: claimed.alertId,
        kind: wave.kind,
        subject: wave.subject,
        count: wave.count,
        windowSeconds: wave.windowSeconds,
        severity: wave.severity,
        detail: wave.detail,
        windowStartTime: toTimestamp(new Date(at.getTime() - wave.windowSeconds * 1000)),
        quietUntilTime: toTimestamp(quietUntil),
      },
    });
  }
  return raised;
}
