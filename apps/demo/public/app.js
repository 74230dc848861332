/* global window, document */
/*
 * Acme Shop's page: talks only to the shop's own backend (/api/*), which talks to Portcullis.
 * No framework, no build step, nothing loaded from elsewhere.
 */
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const WebAuthnJSON = window.WebAuthnJSON;

  class ApiError extends Error {
    constructor(code, message, extra) {
      super(message);
      this.code = code;
      this.extra = extra || {};
    }
  }

  /** Calls the shop's backend; an error answer `{ code, message }` becomes an ApiError. */
  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const text = await response.text();
    let json = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = {};
    }
    if (!response.ok) {
      throw new ApiError(json.code || 'HTTP_' + response.status, json.message || response.statusText, json);
    }
    return json;
  }

  // Messages and the status panel

  function show(text, kind) {
    const message = $('message');
    message.textContent = text;
    message.dataset.kind = kind || 'info';
    message.hidden = false;
  }

  function describeError(error) {
    if (error instanceof ApiError) {
      const left = error.extra.attemptsRemaining;
      return `${error.code}: ${error.message}${left !== undefined ? ` (${left} attempts left)` : ''}`;
    }
    // A DOMException from WebAuthn (NotAllowedError when cancelled) or our own coded errors.
    return `${(error && (error.code || error.name)) || 'ERROR'}: ${(error && error.message) || String(error)}`;
  }

  const fill = (list, items) => {
    list.replaceChildren(
      ...items.map((text) => {
        const li = document.createElement('li');
        li.textContent = text;
        return li;
      }),
    );
  };

  const reasonText = (r) =>
    `${r.code}${r.weight ? ` (${r.weight > 0 ? '+' : ''}${r.weight})` : ''}: ${r.detail}`;

  /** The last risk decision with its reasons, and the last assertion's acr/amr/claims. */
  function updateStatus(result) {
    if (result.risk) {
      $('risk-decision').textContent =
        `${result.risk.decision}${result.risk.fallback ? ' (risk unavailable: fail mode)' : ''}`;
      $('risk-score').textContent = `${result.risk.score} (${result.risk.level})`;
      fill(
        $('risk-reasons'),
        result.reasons && result.reasons.length ? result.reasons.map(reasonText) : ['none'],
      );
    }
    if (result.acr || result.assertionClaims) {
      $('assertion-acr').textContent = result.acr || '—';
      $('assertion-amr').textContent = (result.amr || []).join(', ') || '—';
      $('assertion-claims').textContent = JSON.stringify(result.assertionClaims || {}, null, 2);
    } else if (result.status && result.status !== 'SUCCEEDED') {
      $('assertion-acr').textContent = '—';
      $('assertion-amr').textContent = '—';
      $('assertion-claims').textContent = '—';
    }
  }

  // Signed in or out

  const LABELS = {
    totp: 'Authenticator app',
    webauthn: 'Passkey',
    recovery_codes: 'Recovery code',
    sms_otp: 'Text message',
    voice_otp: 'Phone call',
    email_otp: 'Email',
  };

  async function refresh() {
    const me = await api('GET', '/api/me');
    const signedIn = Boolean(me.user);
    $('signed-out').hidden = signedIn;
    $('signed-in').hidden = !signedIn;
    $('signout').hidden = !signedIn;
    $('whoami').textContent = signedIn ? `Signed in as ${me.user.email}` : 'Not signed in';
    if (signedIn) {
      fill(
        $('factor-list'),
        me.factors.length
          ? me.factors.map(
              (f) =>
                (f.name || LABELS[f.type] || f.type) +
                (f.recoveryCodesRemaining !== undefined ? ` (${f.recoveryCodesRemaining} left)` : ''),
            )
          : ['Password only'],
      );
    }
    return me;
  }

  const DENIALS = {
    INVALID_CREDENTIALS: 'The email or password is wrong.',
    ACCOUNT_LOCKED: 'This account is locked. Contact support.',
    ACCOUNT_DISABLED: 'This account is disabled.',
    RISK_DENIED: 'This attempt looks too risky and was refused.',
    NO_FACTOR_ENROLLED: 'A second factor is required, but the account has none.',
    PASSWORD_THROTTLED: 'Too many attempts. Wait a little and try again.',
  };

  /** What a sign-in, passwordless sign-in or payment answered: done, challenge, or refused. */
  async function handleOutcome(result, context) {
    updateStatus(result);
    if (result.status === 'CHALLENGE_REQUIRED') return openChallenge(result, context);
    if (result.status === 'SUCCEEDED') {
      if (result.payment) return paymentApproved(result);
      await refresh();
      show(`Signed in as ${result.user.email} (${result.acr}).`, 'ok');
      return undefined;
    }
    const why = DENIALS[result.denialReason] || `Refused (${result.denialReason || result.status}).`;
    if (result.payment) {
      const box = $('pay-result');
      box.hidden = false;
      box.dataset.kind = 'error';
      box.textContent = `Payment refused: ${why}`;
    }
    show(why, 'error');
    return undefined;
  }

  function paymentApproved(result) {
    const p = result.payment;
    const box = $('pay-result');
    box.hidden = false;
    box.dataset.kind = 'ok';
    box.replaceChildren();
    const line = (text) => {
      const div = document.createElement('div');
      div.textContent = text;
      box.append(div);
    };
    line(`Payment approved: ${p.amount} ${p.currency} to ${p.payee}`);
    if (p.approvedAction) {
      line(`approved_action: ${JSON.stringify(p.approvedAction)}`);
      line('The assertion is bound to exactly this amount and payee (PSD2 dynamic linking).');
    } else {
      line('No extra confirmation was needed for this payment.');
    }
    show(`Payment of ${p.amount} ${p.currency} to ${p.payee} approved.`, 'ok');
  }

  // The challenge panel, shared by sign-in, payment and re-authentication

  let challenge = null;

  const TITLES = {
    sign_in: 'Second step: confirm it’s you',
    step_up: (p) => `Approve the payment of ${p.amount} ${p.currency} to ${p.payee}`,
    reauth: 'Confirm it’s you before changing your sign-in methods',
  };

  function openChallenge(result, context) {
    // While a sign-in waits for its second step, the sign-up and sign-in forms step aside.
    const formsShown = !$('signed-out').hidden;
    $('signed-out').hidden = true;
    challenge = { kind: result.kind, context: context || {}, challengeId: null, formsShown };
    const title = TITLES[result.kind] || TITLES.sign_in;
    $('challenge-title').textContent = typeof title === 'function' ? title(result.payment) : title;
    $('challenge-intro').textContent =
      result.kind === 'step_up' ? 'Your confirmation approves this amount and this payee only.' : '';
    const reasons =
      result.kind === 'reauth'
        ? ['Adding a sign-in method to an account that has one needs a fresh confirmation (an MFA proof).']
        : result.reasons.length
          ? result.reasons.map(reasonText)
          : ['Our security policy asks for a second step.'];
    fill($('why-list'), reasons);
    const buttons = result.factors.map((factor) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.dataset.testid = `factor-${factor.type}`;
      button.dataset.factorId = factor.factorId;
      button.textContent = `${LABELS[factor.type] || factor.type}${factor.destinationHint ? ` (${factor.destinationHint})` : ''}`;
      button.addEventListener(
        'click',
        run(() => chooseFactor(factor)),
      );
      return button;
    });
    $('challenge-factors').replaceChildren(...buttons);
    $('challenge-code-form').hidden = true;
    $('challenge-code').value = '';
    $('challenge').hidden = false;
    show(result.kind === 'reauth' ? 'Please confirm it’s you first.' : 'One more step is needed.', 'info');
    if (!result.factors.length) show('No second factor is available for this account.', 'error');
  }

  function closeChallenge() {
    if (challenge && challenge.formsShown) $('signed-out').hidden = false;
    challenge = null;
    $('challenge').hidden = true;
  }

  async function chooseFactor(factor) {
    const started = await api('POST', '/api/challenge', { factorId: factor.factorId });
    challenge.challengeId = started.challengeId;
    if (started.requestOptionsJson) {
      show('Waiting for your passkey…', 'info');
      const webauthnResponseJson = await WebAuthnJSON.get(started.requestOptionsJson);
      return answer({ webauthnResponseJson });
    }
    $('challenge-code-label').textContent =
      factor.type === 'recovery_codes'
        ? 'One of your recovery codes'
        : factor.type === 'totp'
          ? 'The 6-digit code from your authenticator app'
          : `The code we sent${started.destinationHint ? ` to ${started.destinationHint}` : ''}`;
    $('challenge-code-form').hidden = false;
    $('challenge-code').focus();
    return undefined;
  }

  async function answer(proof) {
    const current = challenge;
    const result = await api('POST', '/api/verify', {
      challengeId: current.challengeId,
      remember: Boolean(current.context.remember),
      ...proof,
    });
    closeChallenge();
    if (current.kind === 'reauth') {
      show('Confirmed. Continuing…', 'ok');
      return current.context.retry();
    }
    return handleOutcome(result, current.context);
  }

  /**
   * Runs a factor change; when Portcullis asks for a fresh MFA proof, re-authenticates first
   * and then runs it once more.
   */
  async function withFreshMfa(change) {
    try {
      return await change();
    } catch (error) {
      if (!(error instanceof ApiError) || !/^MFA_PROOF_(REQUIRED|INVALID)$/.test(error.code)) throw error;
      const reauth = await api('POST', '/api/reauth');
      openChallenge(reauth, { retry: change });
      return undefined;
    }
  }

  // Actions

  /** Wraps a handler: buttons off while it runs, and any failure shown as `CODE: message`. */
  function run(action) {
    return async (event) => {
      if (event && event.preventDefault) event.preventDefault();
      const buttons = [...document.querySelectorAll('button')];
      buttons.forEach((b) => (b.disabled = true));
      try {
        await action(event);
      } catch (error) {
        show(describeError(error), 'error');
      } finally {
        buttons.forEach((b) => (b.disabled = false));
      }
    };
  }

  async function signUp() {
    const email = $('signup-email').value.trim();
    const created = await api('POST', '/api/signup', { email, password: $('signup-password').value });
    $('signup-form').reset();
    $('signin-email').value = created.user.email;
    show(`Account created for ${created.user.email}. You can sign in now.`, 'ok');
  }

  async function signIn() {
    const remember = $('signin-remember').checked;
    const result = await api('POST', '/api/login', {
      email: $('signin-email').value.trim(),
      password: $('signin-password').value,
    });
    $('signin-password').value = '';
    return handleOutcome(result, { remember });
  }

  async function passwordless() {
    const remember = $('signin-remember').checked;
    const started = await api('POST', '/api/passwordless/start');
    updateStatus(started);
    show('Waiting for your passkey…', 'info');
    const webauthnResponseJson = await WebAuthnJSON.get(started.requestOptionsJson);
    const result = await api('POST', '/api/passwordless/verify', {
      challengeId: started.challengeId,
      webauthnResponseJson,
      remember,
    });
    return handleOutcome(result, { remember });
  }

  async function signOut() {
    await api('POST', '/api/logout');
    closeChallenge();
    $('totp-setup').hidden = true;
    $('recovery').hidden = true;
    $('pay-result').hidden = true;
    await refresh();
    show('Signed out.', 'info');
  }

  let totpEnrollment = null;

  async function startTotp() {
    const setup = await api('POST', '/api/factors/totp');
    totpEnrollment = setup.enrollmentId;
    $('totp-qr').src = setup.qrCodeDataUrl;
    $('totp-secret').textContent = setup.secret;
    $('totp-setup').hidden = false;
    show('Scan the QR code, then enter the code your app shows.', 'info');
  }

  async function activateTotp() {
    await api('POST', '/api/factors/totp/activate', {
      enrollmentId: totpEnrollment,
      code: $('totp-code').value.trim(),
    });
    $('totp-setup').hidden = true;
    $('totp-code').value = '';
    await refresh();
    show('Authenticator app added.', 'ok');
  }

  async function addPasskey() {
    const begun = await api('POST', '/api/factors/passkey');
    show('Follow your browser’s prompt to create the passkey…', 'info');
    const webauthnResponseJson = await WebAuthnJSON.create(begun.creationOptionsJson);
    await api('POST', '/api/factors/passkey/activate', {
      enrollmentId: begun.enrollmentId,
      webauthnResponseJson,
    });
    await refresh();
    show('Passkey added.', 'ok');
  }

  async function generateRecoveryCodes() {
    const { codes } = await api('POST', '/api/factors/recovery-codes');
    fill($('recovery-codes'), codes);
    $('recovery').hidden = false;
    await refresh();
    show('Recovery codes generated. Store them somewhere safe: they are shown only once.', 'ok');
  }

  async function pay() {
    $('pay-result').hidden = true;
    const payment = {
      amount: $('pay-amount').value.trim(),
      currency: $('pay-currency').value,
      payee: $('pay-payee').value.trim(),
    };
    const result = await api('POST', '/api/pay', payment);
    return handleOutcome(result, {});
  }

  $('signup-form').addEventListener('submit', run(signUp));
  $('signin-form').addEventListener('submit', run(signIn));
  $('passwordless').addEventListener('click', run(passwordless));
  $('signout').addEventListener('click', run(signOut));
  $('challenge-code-form').addEventListener(
    'submit',
    run(() => answer({ code: $('challenge-code').value.trim() })),
  );
  $('challenge-cancel').addEventListener(
    'click',
    run(async () => {
      closeChallenge();
      show('Cancelled.', 'info');
    }),
  );
  $('totp-start').addEventListener(
    'click',
    run(() => withFreshMfa(startTotp)),
  );
  $('totp-form').addEventListener('submit', run(activateTotp));
  $('passkey-add').addEventListener(
    'click',
    run(() => withFreshMfa(addPasskey)),
  );
  $('recovery-generate').addEventListener(
    'click',
    run(() => withFreshMfa(generateRecoveryCodes)),
  );
  $('pay-form').addEventListener('submit', run(pay));

  run(async () => {
    await refresh();
    document.body.dataset.ready = 'true';
  })();
})();
