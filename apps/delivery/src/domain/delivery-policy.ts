export interface Budget {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** A tenant's delivery rules: where codes may go, how many, and its own texts. */
export interface DeliveryPolicy {
  /** ISO 3166-1 alpha-2; empty: any country. Applies to SMS and voice. */
  readonly allowedCountries: readonly string[];
  /** E.164 prefixes never sent to. */
  readonly blockedPrefixes: readonly string[];
  readonly perNumber: Budget;
  readonly perUser: Budget;
  readonly perIp: Budget;
  readonly perTenant: Budget;
  readonly perCountry: Budget;
  readonly burstAlert: Budget;
  readonly templates: Readonly<Record<string, string>>;
}

export type BudgetScope = 'NUMBER' | 'USER' | 'IP' | 'TENANT' | 'COUNTRY';

/**
 * Built-in defaults: generous for people, tight for pumping. Premium-rate and satellite ranges
 * that SMS pumping favours are blocked unless a tenant lifts them.
 */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  allowedCountries: [],
  blockedPrefixes: ['+881', '+882', '+883', '+979', '+800', '+808', '+870'],
  perNumber: { limit: 5, windowSeconds: 3600 },
  perUser: { limit: 10, windowSeconds: 3600 },
  perIp: { limit: 20, windowSeconds: 3600 },
  perTenant: { limit: 10_000, windowSeconds: 3600 },
  perCountry: { limit: 2_000, windowSeconds: 3600 },
  burstAlert: { limit: 50, windowSeconds: 300 },
  templates: {},
};
