import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A throw-away self-signed certificate for 127.0.0.1, made with the openssl command line (Node
 * cannot issue certificates itself). `certPath` is what a child process trusts through
 * NODE_EXTRA_CA_CERTS.
 */
export function loopbackCertificate(dir: string) {
  const keyPath = join(dir, 'loopback-key.pem');
  const certPath = join(dir, 'loopback-cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}
