import { SIGNAL_CODES, SIGNAL_DEFAULTS, type SignalCode } from './signals';

export const MFA_MODES = ['always', 'risk_based', 'never'] as const;
export type MfaMode = (typeof MFA_MODES)[number];

export const DECISIONS = ['allow', 'challenge', 'deny'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface StepUpRule {
  readonly actionType: string;
  /** Decimal string; undefined: the rule applies to any amount. */
  readonly minAmount?: string;
  /** ISO 4217; undefined: any currency. */
  readonly currency?: string;
  readonly decision: Exclude<Decision, 'allow'>;
}

export interface SignalSetting {
  readonly code: SignalCode;
  readonly enabled: boolean;
  readonly weight: number;
}

/** A tenant's risk policy. */
export interface RiskPolicy {
  readonly mfaMode: MfaMode;
  readonly challengeThreshold: number;
  readonly denyThreshold: number;
  readonly stepUpRules: readonly StepUpRule[];
  /** Overrides of the defaults, by code. */
  readonly signals: readonly SignalSetting[];
  /** What callers do when risk cannot answer in time. */
  readonly failMode: 'challenge' | 'deny';
}

export const DEFAULT_RISK_POLICY: RiskPolicy = {
  mfaMode: 'risk_based',
  challengeThreshold: 25,
  denyThreshold: 70,
  stepUpRules: [],
  signals: [],
  failMode: 'challenge',
};

/** Every signal's weight and switch under the policy: the defaults with the tenant's overrides. */
export function effectiveSignals(policy: RiskPolicy): SignalSetting[] {
  const overrides = new Map(policy.signals.map((s) => [s.code, s]));
  return SIGNAL_CODES.map(
    (code) => overrides.get(code) ?? { code, enabled: true, weight: SIGNAL_DEFAULTS[code].weight },
  );
}

/** The weights the scorer reads: a disabled signal has no entry. */
export type SignalWeights = ReadonlyMap<SignalCode, number>;

export function signalWeights(policy: RiskPolicy): SignalWeights {
  return new Map(effectiveSignals(policy).flatMap((s) => (s.enabled ? [[s.code, s.weight] as const] : [])));
}

const RANK: Record<Decision, number> = { allow: 0, challenge: 1, deny: 2 };

export function stricter(a: Decision, b: Decision): Decision {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Compares two non-negative decimal strings ("1250.5" vs "1000") without floating point. */
export function compareDecimal(a: string, b: string): number {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const intA = ai.replace(/^0+(?=\d)/, '');
  const intB = bi.replace(/^0+(?=\d)/, '');
  if (intA.length !== intB.length) return intA.length < intB.length ? -1 : 1;
  if (intA !== intB) return intA < intB ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const fracA = af.padEnd(width, '0');
  const fracB = bf.padEnd(width, '0');
  return fracA === fracB ? 0 : fracA < fracB ? -1 : 1;
}
