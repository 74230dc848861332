import { Injectable } from '@nestjs/common';
import { AssertionSigner } from '../../assertions';

/** The public keys of assertions: the signing key first, older keys while their tokens live. */
@Injectable()
export class GetJwksUseCase {
  constructor(private readonly signer: AssertionSigner) {}

  execute(): ReturnType<AssertionSigner['jwks']> {
    return this.signer.jwks();
  }
}
