export * from './slice-stack';
