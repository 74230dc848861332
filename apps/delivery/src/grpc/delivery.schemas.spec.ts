import { DEFAULT_DELIVERY_POLICY } from '../domain/delivery-policy';
import { deliveryPolicySchema } from './delivery.schemas';

describe('delivery policy at the edge', () => {
  it('keeps the default block list and budgets when a policy leaves them out', () => {
    const policy = deliveryPolicySchema.parse({ allowedCountries: ['GB'], blockedPrefixes: [] });
    expect(policy.blockedPrefixes).toEqual(DEFAULT_DELIVERY_POLICY.blockedPrefixes);
    expect(policy.perNumber).toEqual(DEFAULT_DELIVERY_POLICY.perNumber);
    expect(policy.allowedCountries).toEqual(['GB']);
  });

  it('refuses malformed countries, prefixes and template keys', () => {
    const result = deliveryPolicySchema.safeParse({
      allowedCountries: ['gb'],
      blockedPrefixes: ['44'],
      templates: { 'sms.xx': 'x' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual([
      'allowedCountries',
      'blockedPrefixes',
      'templates',
    ]);
  });
});
