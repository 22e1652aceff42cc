import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailSendingProps {
  /** The domain the mail comes from: the public host name, whose `no-reply@` sends by default. */
  readonly domain: string;
}

/**
 * Amazon SES for the orchestrator's mail (verification and password-reset links): a domain
 * identity, and a configuration set that puts addresses that bounce or complain on the account's
 * suppression list, which SES then checks before every send. The identity's DKIM records go in
 * the domain's DNS (docs/deploy.md).
 */
export class MailSending extends Construct {
  public readonly configurationSetName: string;
  private readonly identity: ses.EmailIdentity;
  private readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, { domain }: MailSendingProps) {
    super(scope, id);
    const configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(domain),
      configurationSet,
    });
    this.configurationSetName = configurationSet.configurationSetName;
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** `ses:SendEmail` from this identity with this configuration set, and nothing else. */
  grantSend(grantee: iam.IGrantable): void {
    this.identity.grantSendEmail(grantee);
    iam.Grant.addToPrincipal({ grantee, actions: ['ses:SendEmail'], resourceArns: [this.configurationSetArn] });
  }
}
