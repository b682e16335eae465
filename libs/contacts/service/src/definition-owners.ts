import { DefinitionOwners, FieldInfo, LabelSummary } from '@cp/contacts-application';
import { ExtendedFieldsPatterns, LabelsPatterns, RequestContext } from '@cp/contracts';
import { isAppError } from '@cp/errors';
import { ServiceClient } from '@cp/messaging';

/** Asks the labels and extended-fields services when the local copy of definitions misses a key. */
export class ServiceDefinitionOwners implements DefinitionOwners {
  constructor(
    private readonly labelsClient: ServiceClient,
    private readonly fields: ServiceClient,
  ) {}

  async labelExists(context: RequestContext, key: string): Promise<boolean> {
    return (await this.ask(this.labelsClient, LabelsPatterns.get, context, key)) !== undefined;
  }

  async labels(context: RequestContext): Promise<LabelSummary[]> {
    const answer = await this.labelsClient.send<{ labels: LabelSummary[] }>(LabelsPatterns.list, { context, payload: { paging: { limit: 2000 } } });
    return answer.labels;
  }

  async field(context: RequestContext, key: string): Promise<FieldInfo | undefined> {
    const answer = await this.ask<{ field: FieldInfo }>(this.fields, ExtendedFieldsPatterns.definition, context, key);
    return answer?.field;
  }

  async findOrCreateLabel(context: RequestContext, displayName: string): Promise<string> {
    const answer = await this.labelsClient.send<{ label: { key: string } }>(LabelsPatterns.findOrCreate, { context, payload: { displayName } });
    return answer.label.key;
  }

  async fieldNamed(context: RequestContext, displayName: string): Promise<FieldInfo | undefined> {
    const answer = await this.fields.send<{ fields: { key: string }[] }>(ExtendedFieldsPatterns.query, { context, payload: { filter: { displayName }, paging: { limit: 1 } } });
    return answer.fields.length > 0 ? this.field(context, answer.fields[0].key) : undefined;
  }

  /** undefined for "no such key"; any other failure (the owner is down) reaches the caller as is. */
  private async ask<T>(client: ServiceClient, pattern: string, context: RequestContext, key: string): Promise<T | undefined> {
    try {
      return await client.send<T>(pattern, { context, payload: { key } });
    } catch (error) {
      if (isAppError(error) && error.kind === 'NOT_FOUND') return undefined;
      throw error;
    }
  }
}
