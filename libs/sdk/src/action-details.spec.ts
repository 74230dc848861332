import { actionDetails, actionHash, canonicalActionJson, paymentAction } from './action-details';

describe('action details', () => {
  // Expected hashes computed with the gateway's own actionHash (apps/gateway/src/assertions/action-hash.ts).
  it.each([
    [
      { type: 'payment', amount: '120.00', currency: 'eur', payee: 'ACME Ltd ' },
      '{"type":"payment","amount":"120","currency":"EUR","payee":"ACME Ltd"}',
      'rIQHApKtQJ2ZkxegDxEXLkXUtgtkrAVtR6cYdhxGU-Q',
    ],
    [
      { type: 'payee_added', payee: 'Zoe\u0308 Cafe\u0301', reference: ' ref-42 ' },
      '{"type":"payee_added","payee":"Zo\u00eb Caf\u00e9","reference":"ref-42"}',
      'HM9OZD_ZRzdE0PBDpx-1lEdGWKiBf980mj2oafv4LKo',
    ],
    [
      { type: 'payment', amount: '0120.500', currency: 'GBP', payee: '', reference: 'INV-1' },
      '{"type":"payment","amount":"120.5","currency":"GBP","reference":"INV-1"}',
      'x60pESC23FANxV8II-yWcaeMFAMxfY-VuyMt5le79AI',
    ],
    [{ type: 'email_changed' }, '{"type":"email_changed"}', '06rgYrf2xQYXgGy5uPZ0dR8GCkolK2xx-wwRHk3dN2Y'],
  ])('hashes %j as the gateway does', (action, canonical, hash) => {
    expect(canonicalActionJson(action)).toBe(canonical);
    expect(actionHash(action)).toBe(hash);
  });

  it('hashes a built action like its raw details', () => {
    const raw = { type: 'payment', amount: '120.00', currency: 'eur', payee: 'ACME Ltd ' };
    expect(actionHash(actionDetails(raw))).toBe(actionHash(raw));
  });

  it('builds a complete ActionDetails message, currency upper-cased', () => {
    expect(paymentAction({ amount: '120.00', currency: 'eur', payee: ' ACME Ltd ' })).toEqual({
      type: 'payment',
      amount: '120.00',
      currency: 'EUR',
      payee: 'ACME Ltd',
      reference: '',
    });
  });

  it('refuses what the gateway would refuse, naming every bad field', () => {
    expect(() =>
      actionDetails({
        type: 'Payment!',
        amount: '-1',
        currency: 'EURO',
        payee: ' ',
        reference: 'x'.repeat(201),
      }),
    ).toThrow(
      /type must be .*; amount must be .*; currency must be .*; payee must be 1 to 200 characters; reference must be 1 to 200 characters/,
    );
    expect(() => actionDetails({ type: 'payment', amount: '1e3' })).toThrow(RangeError);
    expect(() => canonicalActionJson({ type: 'payment', amount: '12,50' })).toThrow(RangeError);
  });
});
