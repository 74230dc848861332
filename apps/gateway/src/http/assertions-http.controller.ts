import { Body, Controller, Get, Header, Headers, HttpCode, Post } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { toIntrospectionMessage } from '../api/flow.mapper';
import { introspectAssertionSchema } from '../api/flow.schemas';
import { Authorizer } from '../auth/authorizer';
import { GetJwksUseCase } from '../use-cases/get-jwks/get-jwks.use-case';
import { IntrospectAssertionUseCase } from '../use-cases/introspect-assertion/introspect-assertion.use-case';

/** The JWKS (public, cacheable) and assertion introspection (runtime scope). */
@Controller()
export class AssertionsHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly jwksUseCase: GetJwksUseCase,
    private readonly introspectUseCase: IntrospectAssertionUseCase,
  ) {}

  /** GET /.well-known/jwks.json — no credential: backends fetch it to verify assertions. */
  @Get('.well-known/jwks.json')
  @Header('cache-control', 'public, max-age=300')
  jwks() {
    return this.jwksUseCase.execute();
  }

  /** POST /v1/assertions/introspect */
  @Post('v1/assertions/introspect')
  @HttpCode(200)
  async introspect(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(introspectAssertionSchema.http, body);
    this.auth.authorize(principal, input.tenantId, 'runtime');
    return gatewayV1.IntrospectAssertionResponse.toJSON(
      toIntrospectionMessage(await this.introspectUseCase.execute(input)),
    );
  }
}
