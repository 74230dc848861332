import { Injectable } from '@nestjs/common';
import { DomainError } from '@portcullis/errors';
import type { Message } from '../../domain/message';
import { DeliveryUnitOfWork } from '../../domain/ports';

/** What became of one code's message: the sign-in flow shows a failure and offers another factor. */
@Injectable()
export class GetMessageStatusUseCase {
  constructor(private readonly uow: DeliveryUnitOfWork) {}

  async execute(tenantId: string, codeId: string): Promise<Message> {
    const message = await this.uow.run((tx) => tx.messages.find(codeId));
    if (!message || message.tenantId !== tenantId) {
      throw new DomainError('NOT_FOUND', 'MESSAGE_NOT_FOUND', 'No message for that code (yet)');
    }
    return message;
  }
}
