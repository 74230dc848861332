import type { Decision } from './risk-policy';
import type { Reason } from './signals';

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Fixed bands, so a level means the same in every tenant: 0–24, 25–49, 50–74, 75–100. */
export function levelOf(score: number): RiskLevel {
  if (score >= 75) return 'critical';
  if (score >= 50) return 'high';
  if (score >= 25) return 'medium';
  return 'low';
}

export type PasswordCheck = 'not_checked' | 'passed' | 'failed';

export type Action =
  | { readonly kind: 'sign_in' }
  | { readonly kind: 'step_up'; readonly type: string; readonly amount?: string; readonly currency?: string };

/** What the caller knows about one attempt. */
export interface AttemptContext {
  readonly tenantId: string;
  readonly attemptId: string;
  readonly userId?: string;
  readonly clientIp: string;
  readonly userAgent: string;
  readonly deviceId?: string;
  readonly deviceRemembered: boolean;
  readonly action: Action;
  readonly passwordCheck: PasswordCheck;
}

export interface Assessment {
  readonly score: number;
  readonly level: RiskLevel;
  readonly decision: Decision;
  /** Strongest first. */
  readonly reasons: readonly Reason[];
}
