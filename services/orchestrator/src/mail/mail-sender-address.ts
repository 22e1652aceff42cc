/** MAIL_FROM, or `no-reply@` and the host of the public origin. */
export function mailSenderAddress({
  MAIL_FROM,
  PUBLIC_ORIGIN,
}: {
  MAIL_FROM?: string | undefined;
  PUBLIC_ORIGIN: string;
}) {
  return MAIL_FROM ?? `no-reply@${new URL(PUBLIC_ORIGIN).hostname}`;
}
