import { eventTypes } from '@authscale/identity';
import { Type } from 'typebox';

export const eventTypeSchema = Type.Union(
  eventTypes.map((type) => Type.Literal(type)),
  { description: 'An event of the catalogue (docs/events.md).' },
);

export const webhookViewSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  createdAt: Type.String(),
  /** While set, every delivery is signed with the previous secret too. */
  previousSecretExpiresAt: Type.Union([Type.String(), Type.Null()]),
});

/** The creation and rotation answer: the only times the secret is shown. */
export const webhookWithSecretSchema = Type.Object({
  ...webhookViewSchema.properties,
  secret: Type.String({ description: 'The Standard Webhooks signing secret (`whsec_...`); shown once.' }),
});

export const createWebhookBody = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      maxLength: 2048,
      description:
        'An https URL that receives POSTs, without credentials or a fragment (`http:` only where the deployment allows it, `INSECURE_WEBHOOK_HTTP`).',
    }),
    eventTypes: Type.Array(eventTypeSchema, { minItems: 1, maxItems: eventTypes.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);

export const webhookParams = Type.Object({
  tenantId: Type.String({ format: 'uuid' }),
  webhookId: Type.String({ format: 'uuid' }),
});

export const deliveryStateSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('dead'),
]);

export const webhookDeliverySchema = Type.Object({
  id: Type.String(),
  messageId: Type.String({ description: 'The `webhook-id` the receiver saw (without its `msg_` prefix).' }),
  eventType: Type.String(),
  state: deliveryStateSchema,
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the last attempt failed: `http_<status>`, `network_timeout`, `address_refused`, ...',
  }),
  settledAt: Type.Union([Type.String(), Type.Null()]),
});

export const deliveriesQuery = Type.Object(
  {
    state: Type.Optional(deliveryStateSchema),
    // Query strings are not coerced (the services' validator never coerces): digits only.
    limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|100)$' })),
    before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,17}$' })),
  },
  { additionalProperties: false },
);

/** Endpoints per tenant: enough for several consumers, few enough that fan-out stays cheap. */
export const maxWebhooksPerTenant = 20;
