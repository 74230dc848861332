import type { EventType } from '@portcullis/contracts';
import type { NewEvent } from '@portcullis/messaging';
import type { UserProfile } from './profile';
import type { RiskLevel } from './assessment';
import type { Decision, RiskPolicy } from './risk-policy';
import type { VelocityCounts, VelocityThresholds } from './velocity';

export type FailureKind = 'password' | 'factor' | 'unknown_user' | 'locked';

export interface NewFailure {
  readonly tenantId: string;
  readonly attemptId: string;
  readonly kind: FailureKind;
  readonly userId?: string;
  /** Canonical address; undefined when the source event did not carry one. */
  readonly ip?: string;
  readonly subnet?: string;
  readonly at: Date;
}

export interface AlertCandidate {
  readonly tenantId: string;
  readonly kind: 'CREDENTIAL_STUFFING' | 'PASSWORD_SPRAY' | 'FAILURE_SPIKE' | 'TOLL_FRAUD_SUSPECTED';
  readonly subject: string;
  readonly at: Date;
  readonly quietUntil: Date;
}

export interface RiskTransaction {
  readonly profiles: {
    find(tenantId: string, userId: string): Promise<UserProfile | undefined>;
    /** Saves and tells every instance's cache that the profile changed (on commit). */
    save(profile: UserProfile, at: Date): Promise<void>;
  };
  readonly failures: {
    /** False when this attempt's failure of this kind was already recorded. */
    record(failure: NewFailure): Promise<boolean>;
    count(
      tenantId: string,
      keys: { ip?: string; subnet?: string; userId?: string },
      at: Date,
      thresholds: VelocityThresholds,
    ): Promise<VelocityCounts>;
  };
  readonly counters: {
    /** Adds one to the tenant's counter and returns the total over the window. */
    increment(tenantId: string, counter: string, at: Date, windowSeconds: number): Promise<number>;
    total(tenantId: string, counter: string, at: Date, windowSeconds: number): Promise<number>;
  };
  readonly assessments: {
    /** Records the attempt's assessment: true when new, or when its decision or score changed. */
    record(a: {
      tenantId: string;
      attemptId: string;
      userId?: string;
      score: number;
      decision: string;
      at: Date;
    }): Promise<boolean>;
  };
  readonly alerts: {
    /** Takes the alert's slot unless the same kind and subject is still in its cool-down. */
    claim(candidate: AlertCandidate): Promise<{ alertId: string } | undefined>;
  };
  readonly policies: {
    find(tenantId: string): Promise<RiskPolicy | undefined>;
    save(tenantId: string, policy: RiskPolicy, at: Date): Promise<void>;
  };
  readonly events: {
    record<K extends EventType>(event: NewEvent<K>): Promise<void>;
  };
}

export abstract class RiskUnitOfWork {
  abstract run<T>(work: (tx: RiskTransaction) => Promise<T>): Promise<T>;
}

/** Cached reads shared by every request; kept correct across instances by change notifications. */
export abstract class RiskReadModel {
  abstract profile(tenantId: string, userId: string): Promise<UserProfile | undefined>;
  abstract policy(tenantId: string): Promise<RiskPolicy>;
  /** This instance wrote the policy: forget it now (others hear of it by notification). */
  abstract policyChanged(tenantId: string): void;
}

export abstract class Clock {
  abstract now(): Date;
}

/** Counts risk decisions by level and decision (portcullis.risk.decisions); unit tests replace it. */
export abstract class RiskMetrics {
  abstract decision(level: RiskLevel, decision: Decision): void;
}
