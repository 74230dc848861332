export * from './eventually';
export * from './environment';
export * from './service-process';
export * from './kafka-probe';
export * from './dedicated-kafka';
export * from './software-authenticator';
export * from './secrets';
export * from './chromium';
