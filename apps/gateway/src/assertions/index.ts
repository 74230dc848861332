export * from './action-hash';
export {
  ACTION_CLAIM,
  ASSERTION_TYPE,
  AssertionSigner,
  defaultAudienceOf,
  MAX_ASSERTION_LIFETIME_SECONDS,
  type AssertionClaims,
  type AssertionExpectations,
  type AssertionSignerSettings,
  type AssuranceLevel,
  type IssuedAssertion,
  type VerifiedAssertion,
} from './assertion-signer';
export * from './assertion.errors';
export { CLOCK_TOLERANCE_SECONDS } from './jwt-verification';
export * from './device-tokens';
export * from './signing-keys';
export * from './signing-keys.setting';
