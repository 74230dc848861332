export * from './slice-stack';
export * from './code-inbox';
