import { createHash } from 'node:crypto';
import { DomainError } from '@portcullis/errors';
import { actionHash, canonicalActionJson, type ActionDetails } from './action-hash';

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected an error');
}

const payment: ActionDetails = { type: 'payment', amount: '120', currency: 'EUR', payee: 'ACME Ltd' };

describe('canonicalActionJson', () => {
  it('writes the documented canonical form', () => {
    expect(
      canonicalActionJson({
        type: 'payment',
        amount: '0120.500',
        currency: ' eur ',
        payee: ' ACME Ltd ',
        reference: 'INV-7',
      }),
    ).toBe('{"type":"payment","amount":"120.5","currency":"EUR","payee":"ACME Ltd","reference":"INV-7"}');
  });

  it('omits absent and empty optional fields', () => {
    expect(canonicalActionJson({ type: 'delete-account' })).toBe('{"type":"delete-account"}');
    expect(canonicalActionJson({ type: 'x', amount: ' ', currency: '', payee: '  ', reference: '' })).toBe(
      '{"type":"x"}',
    );
  });
});

describe('actionHash', () => {
  it('is the base64url SHA-256 of the canonical JSON', () => {
    const json = '{"type":"payment","amount":"120","currency":"EUR","payee":"ACME Ltd"}';
    expect(actionHash(payment)).toBe(createHash('sha256').update(json, 'utf8').digest('base64url'));
  });

  it.each(['120', '120.0', '120.00', '120.', '0120', '  120.000 '])('treats amount %p as 120', (amount) => {
    expect(actionHash({ ...payment, amount })).toBe(actionHash(payment));
  });

  it('keeps significant digits', () => {
    expect(actionHash({ ...payment, amount: '120.5' })).toBe(actionHash({ ...payment, amount: '120.50' }));
    expect(actionHash({ ...payment, amount: '12' })).not.toBe(actionHash(payment));
    expect(actionHash({ ...payment, amount: '1200' })).not.toBe(actionHash(payment));
    expect(actionHash({ ...payment, amount: '1.05' })).not.toBe(actionHash({ ...payment, amount: '1.5' }));
    expect(actionHash({ ...payment, amount: '0' })).toBe(actionHash({ ...payment, amount: '0.00' }));
  });

  it('ignores the case of the currency', () => {
    expect(actionHash({ ...payment, currency: 'eur' })).toBe(actionHash(payment));
  });

  it('does not depend on the order of the fields', () => {
    const reordered: ActionDetails = { payee: 'ACME Ltd', currency: 'EUR', amount: '120', type: 'payment' };
    expect(actionHash(reordered)).toBe(actionHash(payment));
  });

  it('NFC-normalises and trims payee and reference', () => {
    const composed = { ...payment, payee: 'Caf\u00e9 M\u00fcller', reference: 'R\u00e9f 1' };
    const decomposed = { ...payment, payee: '  Cafe\u0301 Mu\u0308ller\n', reference: 'Re\u0301f 1 ' };
    expect(actionHash(decomposed)).toBe(actionHash(composed));
  });

  it.each<[string, ActionDetails]>([
    ['type', { ...payment, type: 'transfer' }],
    ['amount', { ...payment, amount: '121' }],
    ['currency', { ...payment, currency: 'USD' }],
    ['payee', { ...payment, payee: 'Mallory Ltd' }],
    ['payee case', { ...payment, payee: 'acme ltd' }],
    ['reference', { ...payment, reference: 'INV-1' }],
    ['missing amount', { type: 'payment', currency: 'EUR', payee: 'ACME Ltd' }],
  ])('changes with the %s', (_field, other) => {
    expect(actionHash(other)).not.toBe(actionHash(payment));
  });

  it.each(['-1', '+1', '1e3', '1,00', '.5', '12 0', 'abc', '0x10', '1'.repeat(65)])(
    'refuses the amount %p with VALIDATION_FAILED',
    (amount) => {
      const error = thrown(() => actionHash({ ...payment, amount }));
      expect(error).toBeInstanceOf(DomainError);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details.violations?.[0]?.field).toBe('action.amount');
    },
  );

  it('requires a type', () => {
    expect(thrown(() => actionHash({ ...payment, type: '' })).details.violations?.[0]?.field).toBe(
      'action.type',
    );
  });
});
