import { localeOf, renderMessage } from './templates';

const values = { code: '482915', tenant: 'Acme', minutes: 5, action: '' };

describe('message templates', () => {
  it.each([
    ['en', '482915 is your Acme verification code. It expires in 5 minutes. Never share it.'],
    ['es', '482915 es tu código de verificación de Acme. Caduca en 5 minutos. No lo compartas.'],
    ['fr', '482915 est votre code de vérification Acme. Il expire dans 5 minutes. Ne le partagez jamais.'],
    ['de', '482915 ist Ihr Acme-Bestätigungscode. Er läuft in 5 Minuten ab. Geben Sie ihn nie weiter.'],
    ['pt', '482915 é o seu código de verificação Acme. Expira em 5 minutos. Nunca o partilhe.'],
  ])('renders the SMS in %s', (locale, text) => {
    expect(renderMessage('sms', locale, values).text).toBe(text);
  });

  it('falls back to English and reads regional tags by their language', () => {
    expect(localeOf('pt-BR')).toBe('pt');
    expect(localeOf('ja')).toBe('en');
    expect(localeOf('')).toBe('en');
    expect(renderMessage('sms', 'nl', values).locale).toBe('en');
  });

  it('names the step-up action being approved', () => {
    const text = renderMessage('sms', 'en', { ...values, action: 'Pay 120.00 EUR to ACME' }).text;
    expect(text).toContain('to approve: Pay 120.00 EUR to ACME');
  });

  it('reads the code digit by digit, twice, in the user’s language', () => {
    const voice = renderMessage('voice', 'fr', values);
    expect(voice.twiml!.match(/4, 8, 2, 9, 1, 5\./g)).toHaveLength(2);
    expect(voice.twiml).toContain(
      '<Say language="fr-FR">Votre code de vérification Acme est 4, 8, 2, 9, 1, 5.</Say>',
    );
  });

  it('escapes what goes into TwiML and HTML', () => {
    const hostile = { ...values, tenant: '<Play>evil</Play> & "co"' };
    expect(renderMessage('voice', 'en', hostile).twiml).not.toContain('<Play>');
    const email = renderMessage('email', 'en', hostile);
    expect(email.html).not.toContain('<Play>');
    expect(email.html).toContain('&lt;Play&gt;');
  });

  it('renders email with a subject, a text part and an HTML part that highlights the code', () => {
    const email = renderMessage('email', 'de', values);
    expect(email.subject).toBe('Ihr Acme-Bestätigungscode');
    expect(email.text).toContain('482915');
    expect(email.html).toContain('<strong style="font-size:1.4em;letter-spacing:0.2em">482915</strong>');
  });

  it('uses a tenant override for its channel and language only', () => {
    const overrides = { 'sms.fr': '{tenant} : {code} ({minutes} min)' };
    expect(renderMessage('sms', 'fr', values, overrides).text).toBe('Acme : 482915 (5 min)');
    expect(renderMessage('sms', 'en', values, overrides).text).toContain('is your Acme verification code');
  });
});
