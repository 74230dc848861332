import { type Assessment, levelOf } from '../domain/assessment';
import {
  compareDecimal,
  type Decision,
  type RiskPolicy,
  type SignalWeights,
  signalWeights,
  stricter,
} from '../domain/risk-policy';
import type { Reason, SignalCode } from '../domain/signals';
import type { RiskSignal, SignalInput } from '../signals/risk-signal';

/** A policy with its weights resolved once, so scoring does no per-request policy work. */
export interface CompiledPolicy {
  readonly policy: RiskPolicy;
  readonly weights: SignalWeights;
}

export function compilePolicy(policy: RiskPolicy): CompiledPolicy {
  return { policy, weights: signalWeights(policy) };
}

/**
 * Runs every signal over one attempt and turns their findings into a score (the sum of the
 * weights, clamped to 0–100), a level and a decision under the tenant's policy. Pure: the same
 * input gives the same answer, and it does no I/O.
 */
export class RiskScorer {
  constructor(private readonly signals: readonly RiskSignal[]) {}

  assess(input: SignalInput, compiled: CompiledPolicy): Assessment {
    const reasons: Reason[] = [];
    const seen = new Set<SignalCode>();
    const hit = (code: SignalCode, detail: string) => {
      const weight = compiled.weights.get(code);
      if (weight === undefined || seen.has(code)) return;
      seen.add(code);
      reasons.push({ code, weight, detail });
    };
    for (const signal of this.signals) signal.evaluate(input, hit);
    let sum = 0;
    for (const r of reasons) sum += r.weight;
    const score = Math.max(0, Math.min(100, sum));
    const { policy } = compiled;

    let decision: Decision;
    if (score >= policy.denyThreshold) decision = 'deny';
    else if (policy.mfaMode === 'never') decision = 'allow';
    else if (policy.mfaMode === 'always') {
      decision = 'challenge';
      reasons.push({ code: 'MFA_ALWAYS', weight: 0, detail: 'the tenant asks for MFA on every sign-in' });
    } else decision = score >= policy.challengeThreshold ? 'challenge' : 'allow';

    const action = input.context.action;
    if (action.kind === 'step_up') {
      for (const rule of policy.stepUpRules) {
        if (rule.actionType !== action.type) continue;
        if (rule.currency && rule.currency !== action.currency) continue;
        if (rule.minAmount && (!action.amount || compareDecimal(action.amount, rule.minAmount) < 0)) continue;
        if (stricter(decision, rule.decision) !== decision) {
          decision = rule.decision;
          reasons.push({
            code: 'STEP_UP_RULE',
            weight: 0,
            detail: `${action.type}${rule.minAmount ? ` of at least ${rule.minAmount}${rule.currency ? ` ${rule.currency}` : ''}` : ''} needs ${rule.decision === 'deny' ? 'to be refused' : 'a challenge'}`,
          });
        }
      }
    }
    reasons.sort((a, b) => b.weight - a.weight);
    return { score, level: levelOf(score), decision, reasons };
  }
}
