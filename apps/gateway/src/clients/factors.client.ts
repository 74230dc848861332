import { factorsV1, PROTO_FILES, PROTO_PACKAGES } from '@portcullis/contracts';
import { GrpcPeer } from '@portcullis/grpc';
import { FactorsDirectory } from '../domain/ports';

/**
 * The factors service over gRPC. Requests and responses are the contract types; failures arrive
 * as DomainErrors carrying factors' own code and details (GrpcPeer maps them) and pass through.
 */
export class GrpcFactorsDirectory extends FactorsDirectory {
  private readonly peer: GrpcPeer<factorsV1.FactorsServiceClient>;

  constructor(url: string, deadlineMs: number) {
    super();
    this.peer = new GrpcPeer({
      url,
      protoPath: PROTO_FILES.factors,
      packageName: PROTO_PACKAGES.factors,
      serviceName: factorsV1.FACTORS_SERVICE_NAME,
      deadlineMs,
    });
  }

  async beginEnrollment(
    request: factorsV1.BeginEnrollmentRequest,
  ): Promise<factorsV1.BeginEnrollmentResponse> {
    return await this.peer.call('beginEnrollment', request);
  }

  async activateFactor(request: factorsV1.ActivateFactorRequest): Promise<factorsV1.ActivateFactorResponse> {
    return await this.peer.call('activateFactor', request);
  }

  async listFactors(request: factorsV1.ListFactorsRequest): Promise<factorsV1.ListFactorsResponse> {
    return await this.peer.call('listFactors', request);
  }

  async updateFactor(request: factorsV1.UpdateFactorRequest): Promise<factorsV1.UpdateFactorResponse> {
    return await this.peer.call('updateFactor', request);
  }

  async removeFactor(request: factorsV1.RemoveFactorRequest): Promise<factorsV1.RemoveFactorResponse> {
    return await this.peer.call('removeFactor', request);
  }

  async resetFactors(request: factorsV1.ResetFactorsRequest): Promise<factorsV1.ResetFactorsResponse> {
    return await this.peer.call('resetFactors', request);
  }

  async startChallenge(request: factorsV1.StartChallengeRequest): Promise<factorsV1.StartChallengeResponse> {
    return await this.peer.call('startChallenge', request);
  }

  async verifyChallenge(
    request: factorsV1.VerifyChallengeRequest,
  ): Promise<factorsV1.VerifyChallengeResponse> {
    return await this.peer.call('verifyChallenge', request);
  }

  async getFactorPolicy(
    request: factorsV1.GetFactorPolicyRequest,
  ): Promise<factorsV1.GetFactorPolicyResponse> {
    return await this.peer.call('getFactorPolicy', request);
  }

  async setFactorPolicy(
    request: factorsV1.SetFactorPolicyRequest,
  ): Promise<factorsV1.SetFactorPolicyResponse> {
    return await this.peer.call('setFactorPolicy', request);
  }

  onModuleDestroy(): void {
    this.peer.close();
  }
}
