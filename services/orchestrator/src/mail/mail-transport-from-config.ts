import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { createTransport } from 'nodemailer';
import { createMailer, type MailTransport } from './create-mailer.ts';
import { mailSenderAddress } from './mail-sender-address.ts';

interface MailTransportConfig {
  SMTP_URL?: string | undefined;
  SES_REGION?: string | undefined;
  SES_CONFIGURATION_SET?: string | undefined;
}

/**
 * The nodemailer transport the settings name: SMTP, or Amazon SES v2 with the process's AWS
 * credentials; `null` when neither is set (allowed on a loopback origin only, see
 * `refuseMissingMailTransport`). Timeouts are short: a message waits in the queue, not a socket.
 */
export function mailTransportFromConfig(config: MailTransportConfig): MailTransport | null {
  if (config.SMTP_URL) {
    return createTransport({
      url: config.SMTP_URL,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }
  if (config.SES_REGION) {
    const sesClient = new SESv2Client({ region: config.SES_REGION });
    const transport = createTransport(
      { SES: { sesClient, SendEmailCommand } },
      config.SES_CONFIGURATION_SET ? { ses: { ConfigurationSetName: config.SES_CONFIGURATION_SET } } : {},
    );
    return {
      sendMail: (message) => transport.sendMail(message),
      close: () => sesClient.destroy(),
    };
  }
  return null;
}

/** A process's mailer, from the same settings in every process that mails (the orchestrator, the admin API). */
export function mailerFromConfig(
  config: MailTransportConfig & {
    MAIL_FROM?: string | undefined;
    PUBLIC_ORIGIN: string;
    MAIL_SEND_ATTEMPTS: number;
    MAIL_RETRY_DELAY_MS: number;
  },
) {
  return createMailer({
    transport: mailTransportFromConfig(config),
    from: mailSenderAddress(config),
    attempts: config.MAIL_SEND_ATTEMPTS,
    retryDelayMs: config.MAIL_RETRY_DELAY_MS,
  });
}
