import type { Provider } from '@nestjs/common';
import type { Logger } from 'pino';

export const LOGGER = Symbol('LOGGER');

export function loggerProvider(logger: Logger): Provider {
  return { provide: LOGGER, useValue: logger };
}
