import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { gatewayV1 } from '@portcullis/contracts';
import { parseOrThrow } from '@portcullis/errors';
import { toBeginFactorEnrollmentMessage } from '../api/gateway.mapper';
import {
  activateFactorSchema,
  beginFactorEnrollmentSchema,
  listFactorsSchema,
  removeFactorSchema,
  resetFactorsSchema,
  updateFactorSchema,
} from '../api/gateway.schemas';
import { Authorizer } from '../auth/authorizer';
import { actorOf } from '../auth/principal';
import { ActivateFactorUseCase } from '../use-cases/activate-factor/activate-factor.use-case';
import { BeginFactorEnrollmentUseCase } from '../use-cases/begin-factor-enrollment/begin-factor-enrollment.use-case';
import { ListFactorsUseCase } from '../use-cases/list-factors/list-factors.use-case';
import { RemoveFactorUseCase } from '../use-cases/remove-factor/remove-factor.use-case';
import { ResetFactorsUseCase } from '../use-cases/reset-factors/reset-factors.use-case';
import { UpdateFactorUseCase } from '../use-cases/update-factor/update-factor.use-case';
import { bodyWithPath, endUserIpOf } from './body-with-path';

/** A user's factors: enrolment, activation, listing, changes, removal and the admin reset. */
@Controller('v1/users/:userId')
export class FactorsHttpController {
  constructor(
    private readonly auth: Authorizer,
    private readonly beginFactorEnrollmentUseCase: BeginFactorEnrollmentUseCase,
    private readonly activateFactorUseCase: ActivateFactorUseCase,
    private readonly listFactorsUseCase: ListFactorsUseCase,
    private readonly updateFactorUseCase: UpdateFactorUseCase,
    private readonly removeFactorUseCase: RemoveFactorUseCase,
    private readonly resetFactorsUseCase: ResetFactorsUseCase,
  ) {}

  /**
   * POST /v1/users/{userId}/factors/reset. Declared first: a static segment must never be taken
   * for a {factorId} (find-my-way prefers static segments anyway; the order keeps it obvious).
   */
  @Post('factors/reset')
  @HttpCode(200)
  async reset(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(resetFactorsSchema.strict(), bodyWithPath(body, { userId }));
    this.auth.authorize(principal, input.tenantId, 'admin');
    const response = await this.resetFactorsUseCase.execute({ ...input, actor: actorOf(principal) });
    return gatewayV1.ResetFactorsResponse.toJSON(response);
  }

  /** POST /v1/users/{userId}/factors: begins an enrolment and returns its setup data. */
  @Post('factors')
  @HttpCode(201)
  async begin(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-end-user-ip') endUserIp: string | undefined,
    @Param('userId') userId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(
      beginFactorEnrollmentSchema.strict(),
      bodyWithPath(body, { userId, ...endUserIpOf(endUserIp) }),
    );
    this.auth.authorize(principal, input.tenantId, 'runtime');
    const response = await this.beginFactorEnrollmentUseCase.execute(input);
    return gatewayV1.BeginFactorEnrollmentResponse.toJSON(toBeginFactorEnrollmentMessage(response));
  }

  /** POST /v1/users/{userId}/enrollments/{enrollmentId}/activate */
  @Post('enrollments/:enrollmentId/activate')
  @HttpCode(200)
  async activate(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Param('enrollmentId') enrollmentId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(activateFactorSchema.strict(), bodyWithPath(body, { userId, enrollmentId }));
    this.auth.authorize(principal, input.tenantId, 'runtime');
    return gatewayV1.ActivateFactorResponse.toJSON(await this.activateFactorUseCase.execute(input));
  }

  /** GET /v1/users/{userId}/factors?tenantId=…&includeRemoved=true|false */
  @Get('factors')
  async list(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Query('tenantId') tenantId: unknown,
    @Query('includeRemoved') includeRemoved: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(listFactorsSchema, { tenantId, userId, includeRemoved });
    this.auth.authorize(principal, input.tenantId, 'runtime');
    return gatewayV1.ListFactorsResponse.toJSON(await this.listFactorsUseCase.execute(input));
  }

  /** PATCH /v1/users/{userId}/factors/{factorId}: renames it or makes it the preferred one. */
  @Patch('factors/:factorId')
  async update(
    @Headers('authorization') authorization: string | undefined,
    @Param('userId') userId: string,
    @Param('factorId') factorId: string,
    @Body() body: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(updateFactorSchema.strict(), bodyWithPath(body, { userId, factorId }));
    this.auth.authorize(principal, input.tenantId, 'runtime');
    return gatewayV1.UpdateFactorResponse.toJSON(await this.updateFactorUseCase.execute(input));
  }

  /**
   * DELETE /v1/users/{userId}/factors/{factorId}?tenantId=… The MFA proof travels in the
   * X-MFA-Proof header, never in the URL, which access logs record.
   */
  @Delete('factors/:factorId')
  async remove(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-mfa-proof') mfaProof: string | undefined,
    @Param('userId') userId: string,
    @Param('factorId') factorId: string,
    @Query('tenantId') tenantId: unknown,
  ) {
    const principal = await this.auth.authenticate(authorization);
    const input = parseOrThrow(removeFactorSchema, { tenantId, userId, factorId, mfaProof });
    this.auth.authorize(principal, input.tenantId, 'runtime');
    return gatewayV1.RemoveFactorResponse.toJSON(await this.removeFactorUseCase.execute(input));
  }
}
