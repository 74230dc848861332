import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type RegistrationResponseJSON,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { isoBase64URL, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { SoftwareAuthenticator, type SoftwareAuthenticatorOptions } from './software-authenticator';

const ORIGIN = 'http://localhost:8080';
const RP_ID = 'localhost';

async function register(authenticator: SoftwareAuthenticator, overrides?: SoftwareAuthenticatorOptions) {
  const options = await generateRegistrationOptions({
    rpName: 'Portcullis',
    rpID: RP_ID,
    userName: 'alice@example.com',
  });
  const response = await authenticator.create(options, overrides);
  const verify = (response_: RegistrationResponseJSON = response) =>
    verifyRegistrationResponse({
      response: response_,
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
    });
  return { options, response, verify };
}

async function registeredCredential(authenticator: SoftwareAuthenticator): Promise<WebAuthnCredential> {
  const verification = await (await register(authenticator)).verify();
  if (!verification.verified) throw new Error('registration not verified');
  return verification.registrationInfo.credential;
}

async function authenticate(
  authenticator: SoftwareAuthenticator,
  credential: WebAuthnCredential,
  overrides?: Parameters<SoftwareAuthenticator['get']>[1],
  requireUserVerification = true,
) {
  const options = await generateAuthenticationOptions({
    rpID: RP_ID,
    allowCredentials: [{ id: credential.id }],
  });
  const response = await authenticator.get(options, overrides);
  return {
    response,
    verify: () =>
      verifyAuthenticationResponse({
        response,
        expectedChallenge: options.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        credential,
        requireUserVerification,
      }),
  };
}

describe('SoftwareAuthenticator', () => {
  it('produces a registration that @simplewebauthn/server verifies', async () => {
    const authenticator = new SoftwareAuthenticator();
    const { options, response, verify } = await register(authenticator);

    const verification = await verify();

    expect(verification.verified).toBe(true);
    expect(verification.registrationInfo).toMatchObject({
      fmt: 'none',
      userVerified: true,
      credentialDeviceType: 'singleDevice',
      credentialBackedUp: false,
      credential: { id: response.id, counter: 0, transports: ['internal'] },
    });
    expect(authenticator.credentialIds()).toEqual([response.id]);
    expect(isoBase64URL.toBuffer(response.rawId)).toHaveLength(32);
    expect(response.response.transports).toEqual(['internal']);
    expect(options.user.id).toBeTruthy();
  });

  it('produces an assertion that verifies, with counter 1 and the user handle', async () => {
    const authenticator = new SoftwareAuthenticator();
    await register(authenticator); // a second held credential proves allowCredentials is honoured
    const { options, verify: verifyRegistration } = await register(authenticator);
    const registration = await verifyRegistration();
    if (!registration.verified) throw new Error('registration not verified');
    const { credential } = registration.registrationInfo;

    const { response, verify } = await authenticate(authenticator, credential);
    const verification = await verify();

    expect(verification.verified).toBe(true);
    expect(verification.authenticationInfo).toMatchObject({ newCounter: 1, credentialID: credential.id });
    expect(response.id).toBe(credential.id); // the allowed credential, not the first one held
    expect(response.response.userHandle).toBe(options.user.id);
  });

  it('signs for the claimed origin, so a wrong origin fails verification', async () => {
    const authenticator = new SoftwareAuthenticator();
    const credential = await registeredCredential(authenticator);

    const { verify } = await authenticate(authenticator, credential, { origin: 'https://evil.example' });

    await expect(verify()).rejects.toThrow(/origin/i);
  });

  it('BS without BE is rejected by the library as an impossible flag combination', async () => {
    const { verify } = await register(
      new SoftwareAuthenticator({ backupState: true, backupEligible: false }),
    );

    await expect(verify()).rejects.toThrow(/Single-device credential indicated that it was backed up/);
  });

  it('BE and BS together parse as a backed-up multi-device credential', async () => {
    const { verify } = await register(new SoftwareAuthenticator({ backupEligible: true, backupState: true }));

    expect((await verify()).registrationInfo).toMatchObject({
      credentialDeviceType: 'multiDevice',
      credentialBackedUp: true,
    });
  });

  it('UV=false fails when user verification is required', async () => {
    const authenticator = new SoftwareAuthenticator();
    const credential = await registeredCredential(authenticator);

    const { verify } = await authenticate(authenticator, credential, { userVerified: false }, true);

    await expect(verify()).rejects.toThrow(/user could not be verified/i);
  });

  it('a negative counterStep makes the counter go backwards (cloned authenticator)', async () => {
    const authenticator = new SoftwareAuthenticator();
    const credential = await registeredCredential(authenticator);
    authenticator.setCounter(credential.id, 100);

    const { response, verify } = await authenticate(
      authenticator,
      { ...credential, counter: 100 },
      { counterStep: -5 },
    );

    const authData = parseAuthenticatorData(isoBase64URL.toBuffer(response.response.authenticatorData));
    expect(authData.counter).toBe(95);
    await expect(verify()).rejects.toThrow(/counter value 95 was lower than expected 100/);
  });
});
