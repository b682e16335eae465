import { emailAddresses, ImportOptions, ImportRowError, mapRow } from '@cp/contacts-domain';
import { RequestContext } from '@cp/contracts';
import { AppError, isAppError } from '@cp/errors';
import { ContactCommands } from './contact-commands';
import { ContactQueries } from './contact-queries';
import { DefinitionOwners } from './definitions';

/** What one row did to the site's contacts (or, in a dry run, would do). */
export type RowOutcome = { kind: 'created' | 'updated' | 'skipped' } | { kind: 'failed'; error: ImportRowError };

const NO_WAIT = { waitForProjection: false };

/**
 * One import's work on its rows: a row becomes a Create Contact request, with the import's
 * duplicate policy; labels are found or created by display name (once per name and run).
 */
export class ImportRowWriter {
  private readonly labelKeys = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly context: RequestContext,
    private readonly importId: string,
    private readonly options: ImportOptions,
    private readonly contacts: ContactCommands,
    private readonly queries: ContactQueries,
    private readonly owners: DefinitionOwners,
  ) {}

  async write(rowNumber: number, cells: Record<string, string>): Promise<RowOutcome> {
    try {
      const info = await this.infoOf(cells);
      return this.options.dryRun ? await this.tryRow(info) : await this.applyRow(rowNumber, info);
    } catch (error) {
      if (!isAppError(error) || error.kind === 'UNAVAILABLE' || error.kind === 'INTERNAL') throw error; // the import stops; it resumes at this batch
      return { kind: 'failed', error: rowError(rowNumber, error) };
    }
  }

  /**
   * The row's create. Its idempotency key is the import's and the row's, so the row a crash made
   * the runner redo answers the contact it created before (counted once: its batch was not recorded).
   */
  private async applyRow(rowNumber: number, info: Record<string, unknown>): Promise<RowOutcome> {
    const allowDuplicates = this.options.onDuplicate === 'CREATE';
    try {
      await this.contacts.create(this.context, { info, allowDuplicates, idempotencyKey: `import:${this.importId}:${rowNumber}` }, NO_WAIT);
      return { kind: 'created' };
    } catch (error) {
      if (!isAppError(error) || error.code !== 'DUPLICATE_CONTACT_EXISTS') throw error;
      if (this.options.onDuplicate === 'SKIP') return { kind: 'skipped' };
      const { labelKeys, ...rest } = info;
      const contactId = String(error.data['duplicateContactId']);
      await this.contacts.updateLatest(this.context, contactId, rest, NO_WAIT);
      const add = (labelKeys as { items: string[] } | undefined)?.items ?? [];
      if (add.length > 0) await this.contacts.relabel(this.context, contactId, add, [], NO_WAIT);
      return { kind: 'updated' };
    }
  }

  /** A dry run's row: checked as a create would check it, and the duplicate looked up by email; nothing is written. */
  private async tryRow(info: Record<string, unknown>): Promise<RowOutcome> {
    await this.contacts.checkCreate(this.context, info);
    const emails = emailAddresses({ emails: info['emails'] } as never);
    const duplicate = emails.length > 0 && this.options.onDuplicate !== 'CREATE' ? (await this.queries.matchingIds(this.context, { 'info.emails.email': { $in: emails } }, undefined)).length > 0 : false;
    if (!duplicate) return { kind: 'created' };
    return { kind: this.options.onDuplicate === 'SKIP' ? 'skipped' : 'updated' };
  }

  private async infoOf(cells: Record<string, string>): Promise<Record<string, unknown>> {
    const mapped = mapRow(cells, this.options.mapping);
    const info: Record<string, unknown> = { ...mapped.info };
    // Labels and fields of the columns join those of a whole info (see mapRow's 'info').
    const given = info as { labelKeys?: { items?: unknown }; extendedFields?: { items?: unknown } };
    const keys = (await Promise.all(mapped.labels.map((name) => this.labelKey(name)))).filter((key): key is string => key !== undefined);
    if (keys.length > 0) info['labelKeys'] = { items: [...new Set([...arrayOf(given.labelKeys?.items), ...keys])] };
    const values: Record<string, unknown> = { ...objectOf(given.extendedFields?.items) };
    for (const { ref, value } of mapped.extendedFields) {
      const field = this.options.fields[ref];
      if (field) values[field.key] = typedValue(field.key, field.dataType, value);
    }
    if (Object.keys(values).length > 0) info['extendedFields'] = { items: values };
    return info;
  }

  /** A dry run creates no label: a name it does not find is left out (the real run would create it). */
  private labelKey(displayName: string): Promise<string | undefined> {
    const name = displayName.toLowerCase();
    let key = this.labelKeys.get(name);
    if (!key) {
      key = this.options.dryRun ? this.existingLabel(name) : this.owners.findOrCreateLabel(this.context, displayName);
      this.labelKeys.set(name, key);
    }
    return key;
  }

  private async existingLabel(name: string): Promise<string | undefined> {
    return (await this.owners.labels(this.context)).find((label) => label.displayName.toLowerCase() === name)?.key;
  }
}

const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const objectOf = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** A cell as the field's type wants it; a number that is not one is the row's error. */
function typedValue(key: string, dataType: string, value: string): unknown {
  if (dataType !== 'NUMBER') return value;
  const number = Number(value.replace(/,/g, ''));
  if (value.trim() === '' || !Number.isFinite(number)) throw AppError.invalidField(`info.extendedFields.items.${key}`, `"${value}" is not a number`);
  return number;
}

function rowError(row: number, error: AppError): ImportRowError {
  const violation = error.violations[0];
  const description = violation ? `${violation.field}: ${violation.description}` : error.message;
  const contactId = error.data['duplicateContactId'];
  return { row, code: error.code, description, ...(typeof contactId === 'string' && { contactId }) };
}
