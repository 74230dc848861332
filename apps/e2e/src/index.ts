export * from './slice-stack';
export * from './code-inbox';
export * from './sign-in-load';
export * from './prometheus-text';
