/** Channels a code can travel on. */
export type Channel = 'sms' | 'voice' | 'email';

export const LOCALES = ['en', 'es', 'fr', 'de', 'pt'] as const;
export type Locale = (typeof LOCALES)[number];

export interface TemplateValues {
  readonly code: string;
  readonly tenant: string;
  readonly minutes: number;
  /** The step-up action being approved; empty for a sign-in or an enrolment. */
  readonly action: string;
}

interface LocaleTexts {
  readonly sms: string;
  readonly smsAction: string;
  readonly voice: string;
  readonly voiceAction: string;
  readonly emailSubject: string;
  readonly email: string;
  readonly emailAction: string;
}

/**
 * Built-in texts. Placeholders: {code}, {tenant}, {minutes}, {action}. SMS texts start with the
 * code and end with the WebOTP origin-bound line where a tenant configures one (not here).
 */
const TEXTS: Record<Locale, LocaleTexts> = {
  en: {
    sms: '{code} is your {tenant} verification code. It expires in {minutes} minutes. Never share it.',
    smsAction:
      '{code} is your {tenant} code to approve: {action}. It expires in {minutes} minutes. Never share it.',
    voice: 'Your {tenant} verification code is',
    voiceAction: 'Your {tenant} code to approve {action} is',
    emailSubject: 'Your {tenant} verification code',
    email:
      'Your {tenant} verification code is {code}. It expires in {minutes} minutes. If you did not ask for it, ignore this message.',
    emailAction:
      'Your {tenant} code to approve "{action}" is {code}. It expires in {minutes} minutes. If you did not ask for it, do not use it.',
  },
  es: {
    sms: '{code} es tu código de verificación de {tenant}. Caduca en {minutes} minutos. No lo compartas.',
    smsAction:
      '{code} es tu código de {tenant} para aprobar: {action}. Caduca en {minutes} minutos. No lo compartas.',
    voice: 'Tu código de verificación de {tenant} es',
    voiceAction: 'Tu código de {tenant} para aprobar {action} es',
    emailSubject: 'Tu código de verificación de {tenant}',
    email:
      'Tu código de verificación de {tenant} es {code}. Caduca en {minutes} minutos. Si no lo pediste, ignora este mensaje.',
    emailAction:
      'Tu código de {tenant} para aprobar "{action}" es {code}. Caduca en {minutes} minutos. Si no lo pediste, no lo uses.',
  },
  fr: {
    sms: '{code} est votre code de vérification {tenant}. Il expire dans {minutes} minutes. Ne le partagez jamais.',
    smsAction:
      '{code} est votre code {tenant} pour approuver : {action}. Il expire dans {minutes} minutes. Ne le partagez jamais.',
    voice: 'Votre code de vérification {tenant} est',
    voiceAction: 'Votre code {tenant} pour approuver {action} est',
    emailSubject: 'Votre code de vérification {tenant}',
    email:
      'Votre code de vérification {tenant} est {code}. Il expire dans {minutes} minutes. Si vous ne l’avez pas demandé, ignorez ce message.',
    emailAction:
      'Votre code {tenant} pour approuver « {action} » est {code}. Il expire dans {minutes} minutes. Si vous ne l’avez pas demandé, ne l’utilisez pas.',
  },
  de: {
    sms: '{code} ist Ihr {tenant}-Bestätigungscode. Er läuft in {minutes} Minuten ab. Geben Sie ihn nie weiter.',
    smsAction:
      '{code} ist Ihr {tenant}-Code zur Freigabe: {action}. Er läuft in {minutes} Minuten ab. Geben Sie ihn nie weiter.',
    voice: 'Ihr {tenant}-Bestätigungscode lautet',
    voiceAction: 'Ihr {tenant}-Code zur Freigabe von {action} lautet',
    emailSubject: 'Ihr {tenant}-Bestätigungscode',
    email:
      'Ihr {tenant}-Bestätigungscode lautet {code}. Er läuft in {minutes} Minuten ab. Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese Nachricht.',
    emailAction:
      'Ihr {tenant}-Code zur Freigabe von „{action}“ lautet {code}. Er läuft in {minutes} Minuten ab. Wenn Sie ihn nicht angefordert haben, verwenden Sie ihn nicht.',
  },
  pt: {
    sms: '{code} é o seu código de verificação {tenant}. Expira em {minutes} minutos. Nunca o partilhe.',
    smsAction:
      '{code} é o seu código {tenant} para aprovar: {action}. Expira em {minutes} minutos. Nunca o partilhe.',
    voice: 'O seu código de verificação {tenant} é',
    voiceAction: 'O seu código {tenant} para aprovar {action} é',
    emailSubject: 'O seu código de verificação {tenant}',
    email:
      'O seu código de verificação {tenant} é {code}. Expira em {minutes} minutos. Se não o pediu, ignore esta mensagem.',
    emailAction:
      'O seu código {tenant} para aprovar "{action}" é {code}. Expira em {minutes} minutos. Se não o pediu, não o utilize.',
  },
};

/** "pt-BR" → "pt"; anything unknown → "en". */
export function localeOf(tag: string): Locale {
  const language = tag.toLowerCase().split('-')[0] ?? '';
  return (LOCALES as readonly string[]).includes(language) ? (language as Locale) : 'en';
}

const fill = (template: string, values: TemplateValues) =>
  template
    .replaceAll('{code}', values.code)
    .replaceAll('{tenant}', values.tenant)
    .replaceAll('{minutes}', String(values.minutes))
    .replaceAll('{action}', values.action);

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const escapeXml = escapeHtml;

export interface RenderedMessage {
  readonly text: string;
  /** Email only. */
  readonly subject?: string;
  readonly html?: string;
  /** Voice only: TwiML that reads the code digit by digit, twice. */
  readonly twiml?: string;
  readonly locale: Locale;
}

/** BCP 47 voices Twilio's <Say> knows for each locale. */
const SAY_LANGUAGE: Record<Locale, string> = {
  en: 'en-US',
  es: 'es-ES',
  fr: 'fr-FR',
  de: 'de-DE',
  pt: 'pt-PT',
};

/**
 * The message of one code on one channel in the user's language; a tenant's override
 * (`templates["sms.fr"]`) replaces the built-in text of that channel and language.
 */
export function renderMessage(
  channel: Channel,
  localeTag: string,
  values: TemplateValues,
  overrides: Readonly<Record<string, string>> = {},
): RenderedMessage {
  const locale = localeOf(localeTag);
  const texts = TEXTS[locale];
  const override = overrides[`${channel}.${locale}`];
  const withAction = values.action.length > 0;
  if (channel === 'sms') {
    return { locale, text: fill(override ?? (withAction ? texts.smsAction : texts.sms), values) };
  }
  if (channel === 'voice') {
    const intro = fill(override ?? (withAction ? texts.voiceAction : texts.voice), {
      ...values,
      code: '',
    }).trim();
    const digits = values.code.split('').join(', ');
    const say = `<Say language="${SAY_LANGUAGE[locale]}">${escapeXml(intro)} ${digits}.</Say>`;
    return {
      locale,
      text: `${intro} ${digits}.`,
      twiml: `<Response>${say}<Pause length="1"/>${say}</Response>`,
    };
  }
  const body = fill(override ?? (withAction ? texts.emailAction : texts.email), values);
  return {
    locale,
    subject: fill(texts.emailSubject, values),
    text: body,
    html: `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif"><p>${escapeHtml(
      body,
    ).replace(
      escapeHtml(values.code),
      `<strong style="font-size:1.4em;letter-spacing:0.2em">${escapeHtml(values.code)}</strong>`,
    )}</p></body></html>`,
  };
}
