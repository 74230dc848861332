/**
 * The one redaction list. Any log field with one of these names, at the top level or one or
 * two levels down, is replaced by "[REDACTED]". Add names here, never in a service.
 */
export const REDACTED_KEYS: readonly string[] = [
  'password',
  'newPassword',
  'secret',
  'seed',
  'totpSecret',
  'code',
  'otp',
  'token',
  'accessToken',
  'refreshToken',
  'deviceToken',
  'assertion',
  'apiKey',
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'phoneNumber',
  'phone',
  'email',
  'recoveryCodes',
  'codes',
  'destination',
  'proof',
  'mfaProof',
  'x-mfa-proof',
  'webauthnResponseJson',
  'sealedCode',
  'sealedDestination',
  'privateKey',
  'credentials',
  // Database errors: TypeORM's QueryFailedError carries the statement's parameters, and pg's
  // error `detail` quotes the failing row ("Failing row contains (...)"): either may hold a
  // secret written as a parameter.
  'parameters',
  'detail',
];

export const REDACT_PATHS: string[] = REDACTED_KEYS.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dot = k.startsWith('[') ? k : `.${k}`;
  return [k.startsWith('[') ? k : key, `*${dot}`, `*.*${dot}`];
});
