/**
 * `npm run provision -w @authscale/identity`, and in AWS the data stack's provisioning task: the
 * step before the identity migrations. As an administrator (the RDS master user, through the
 * standard PG* variables or `ADMIN_DATABASE_URL`), creates the owner, application, event-dispatcher
 * and operator roles when missing, with the passwords `OWNER_ROLE_PASSWORD`, `APP_ROLE_PASSWORD`,
 * `EVENTS_ROLE_PASSWORD` and `OPERATOR_ROLE_PASSWORD` (the last two optional), and the database
 * (`IDENTITY_DATABASE`, default `authscale`) owned by the owner role. Safe to run again: existing
 * roles keep their passwords unless `RESET_ROLE_PASSWORDS=true`.
 */
import { loadProvisionConfig } from './command-config.ts';
import { provisionIdentityDatabase } from './provision-database.ts';
import { identityRoles } from './roles.ts';

const {
  ADMIN_DATABASE_URL,
  IDENTITY_DATABASE,
  OWNER_ROLE_PASSWORD,
  APP_ROLE_PASSWORD,
  EVENTS_ROLE_PASSWORD,
  OPERATOR_ROLE_PASSWORD,
  RESET_ROLE_PASSWORDS,
} = loadProvisionConfig(process.env);
await provisionIdentityDatabase({
  ...(ADMIN_DATABASE_URL ? { adminUrl: ADMIN_DATABASE_URL } : {}),
  database: IDENTITY_DATABASE,
  ownerPassword: OWNER_ROLE_PASSWORD,
  appPassword: APP_ROLE_PASSWORD,
  ...(EVENTS_ROLE_PASSWORD ? { eventsPassword: EVENTS_ROLE_PASSWORD } : {}),
  ...(OPERATOR_ROLE_PASSWORD ? { operatorPassword: OPERATOR_ROLE_PASSWORD } : {}),
  resetPasswords: RESET_ROLE_PASSWORDS,
});
console.log(`provisioned: roles ${Object.values(identityRoles).join(', ')}, database ${IDENTITY_DATABASE}`);
