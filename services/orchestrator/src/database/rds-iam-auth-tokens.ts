import type { DatabaseTarget } from '@authscale/identity';
import { Signer, type SignerConfig } from '@aws-sdk/rds-signer';

export interface RdsIamAuthTokensOptions {
  region: string;
  /** @default the SDK's default chain (in ECS, the task role) */
  credentials?: SignerConfig['credentials'];
}

/**
 * The password of each new database connection: an RDS IAM authentication token for the host,
 * port and user node-postgres is connecting to. Signing is local (SigV4 presigning, no call to
 * AWS beyond fetching credentials); a token lives 15 minutes, and is only needed to open a connection.
 */
export function rdsIamAuthTokens({ region, credentials }: RdsIamAuthTokensOptions) {
  const signers = new Map<string, Signer>();
  return ({ host, port, user }: DatabaseTarget): Promise<string> => {
    const key = `${user}@${host}:${port}`;
    let signer = signers.get(key);
    if (!signer) {
      signer = new Signer({ hostname: host, port, username: user, region, ...(credentials ? { credentials } : {}) });
      signers.set(key, signer);
    }
    return signer.getAuthToken();
  };
}
