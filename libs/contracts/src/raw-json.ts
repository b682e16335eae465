import { Transform } from 'class-transformer';

/**
 * A free-form JSON property (a filter, a contact's info) reaches the handler exactly as sent.
 * class-transformer would copy it key by key and leave out keys named like Object.prototype's
 * members (`toString`, `hasOwnProperty`...), and a filter without its only key matches every
 * contact; the domain checks these values in depth, so they are not the DTO's to rewrite.
 */
export const RawJson = (): PropertyDecorator => Transform(({ obj, key }) => (obj as Record<string, unknown>)[key], { toClassOnly: true });
