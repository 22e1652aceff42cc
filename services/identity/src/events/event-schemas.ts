import { Type } from 'typebox';
import { eventCatalogue, eventTypes } from './event-catalogue.ts';

/**
 * The body of every delivery, as the Standard Webhooks specification recommends (`type`,
 * `timestamp`, `data`), plus the catalogue's `version` of `data`. One JSON Schema per event type:
 * what `docs/events.json` publishes.
 */
export function eventSchemas() {
  return Object.fromEntries(
    eventTypes.map((type) => {
      const { version, description, data } = eventCatalogue[type];
      const envelope = Type.Object(
        {
          type: Type.Literal(type),
          version: Type.Literal(version),
          timestamp: Type.String({ format: 'date-time', description: 'When the change happened.' }),
          data,
        },
        { $id: `${type}.v${version}`, title: type, description, additionalProperties: false },
      );
      return [type, JSON.parse(JSON.stringify(envelope))];
    }),
  );
}
