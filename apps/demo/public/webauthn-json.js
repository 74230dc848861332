/* global window, navigator, PublicKeyCredential, atob, btoa */
/*
 * Passkeys between Portcullis' JSON and the browser's WebAuthn API. Portcullis sends
 * PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON (binary fields as base64url) and
 * expects the credential back as SimpleWebAuthn's RegistrationResponseJSON /
 * AuthenticationResponseJSON, which is what PublicKeyCredential.prototype.toJSON() produces.
 *
 * Like the gateway's passkey page (apps/gateway/src/demo/passkeys.html), this uses the browser's
 * own JSON helpers (parseCreationOptionsFromJSON, parseRequestOptionsFromJSON, toJSON) when it
 * has them; for browsers without them it converts base64url <-> ArrayBuffer itself.
 */
(function (global) {
  'use strict';

  function toBuffer(base64url) {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '==='.slice((base64.length + 3) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  const descriptor = (credential) => ({ ...credential, id: toBuffer(credential.id) });

  function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return {
      ...json,
      challenge: toBuffer(json.challenge),
      user: { ...json.user, id: toBuffer(json.user.id) },
      excludeCredentials: (json.excludeCredentials || []).map(descriptor),
    };
  }

  function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return {
      ...json,
      challenge: toBuffer(json.challenge),
      allowCredentials: (json.allowCredentials || []).map(descriptor),
    };
  }

  /** RegistrationResponseJSON or AuthenticationResponseJSON. */
  function credentialJson(credential) {
    if (typeof credential.toJSON === 'function') return credential.toJSON();
    const r = credential.response;
    const common = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      ...(credential.authenticatorAttachment
        ? { authenticatorAttachment: credential.authenticatorAttachment }
        : {}),
    };
    if (r.attestationObject) {
      const publicKey = typeof r.getPublicKey === 'function' ? r.getPublicKey() : null;
      return {
        ...common,
        response: {
          clientDataJSON: toBase64url(r.clientDataJSON),
          attestationObject: toBase64url(r.attestationObject),
          transports: typeof r.getTransports === 'function' ? r.getTransports() : [],
          ...(typeof r.getAuthenticatorData === 'function'
            ? { authenticatorData: toBase64url(r.getAuthenticatorData()) }
            : {}),
          ...(typeof r.getPublicKeyAlgorithm === 'function'
            ? { publicKeyAlgorithm: r.getPublicKeyAlgorithm() }
            : {}),
          ...(publicKey ? { publicKey: toBase64url(publicKey) } : {}),
        },
      };
    }
    return {
      ...common,
      response: {
        clientDataJSON: toBase64url(r.clientDataJSON),
        authenticatorData: toBase64url(r.authenticatorData),
        signature: toBase64url(r.signature),
        ...(r.userHandle ? { userHandle: toBase64url(r.userHandle) } : {}),
      },
    };
  }

  function requireWebAuthn() {
    if (typeof PublicKeyCredential !== 'function' || !navigator.credentials) {
      const error = new Error('This browser does not support passkeys');
      error.code = 'UNSUPPORTED_BROWSER';
      throw error;
    }
  }

  function nothing() {
    const error = new Error('The authenticator returned nothing');
    error.code = 'NO_CREDENTIAL';
    return error;
  }

  /** navigator.credentials.create() from the server's creation options JSON; resolves to the JSON string to send back. */
  async function create(creationOptionsJson) {
    requireWebAuthn();
    const credential = await navigator.credentials.create({
      publicKey: creationOptions(JSON.parse(creationOptionsJson)),
    });
    if (!credential) throw nothing();
    return JSON.stringify(credentialJson(credential));
  }

  /** navigator.credentials.get() from the server's request options JSON; resolves to the JSON string to send back. */
  async function get(requestOptionsJson) {
    requireWebAuthn();
    const credential = await navigator.credentials.get({
      publicKey: requestOptions(JSON.parse(requestOptionsJson)),
    });
    if (!credential) throw nothing();
    return JSON.stringify(credentialJson(credential));
  }

  global.WebAuthnJSON = Object.freeze({ create, get, toBuffer, toBase64url });
})(window);
