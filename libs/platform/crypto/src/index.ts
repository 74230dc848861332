export * from './envelope';
export * from './key-ring';
export * from './keyed-hash';
export * from './random';
export * from './webhook-signature';
export * from './signing-key';
