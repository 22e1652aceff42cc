import { ConfigError, isLoopbackOrigin } from '@authscale/core';

interface MailTransportSettings {
  PUBLIC_ORIGIN: string;
  SMTP_URL?: string | undefined;
  SES_REGION?: string | undefined;
}

/**
 * Password reset and email verification only work when mail leaves the process, so a deployment
 * names its transport: SMTP_URL or SES_REGION, not both. Only a loopback PUBLIC_ORIGIN may run
 * without one, and then the messages are logged without their links.
 */
export function refuseMissingMailTransport<T extends MailTransportSettings>(scope: string, config: T): T {
  if (config.SMTP_URL && config.SES_REGION) {
    throw new ConfigError(scope, ['SMTP_URL and SES_REGION: set one mail transport, not both']);
  }
  if (!config.SMTP_URL && !config.SES_REGION && !isLoopbackOrigin(config.PUBLIC_ORIGIN)) {
    throw new ConfigError(scope, [
      'SMTP_URL or SES_REGION: a mail transport is required unless PUBLIC_ORIGIN is loopback',
    ]);
  }
  return config;
}
