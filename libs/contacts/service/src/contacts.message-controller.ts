import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ContactsApplication } from '@cp/contacts-application';
import {
  ContactsPatterns,
  CreateContactPayload,
  DeleteContactPayload,
  Envelope,
  GetContactPayload,
  HealthReport,
  ListContactsPayload,
  QueryContactsPayload,
  UpdateContactPayload,
} from '@cp/contracts';
import { EventStore } from '@cp/event-store';
import { ReadStore } from '@cp/read-store';
import { CONTACTS_APPLICATION, CONTACTS_PORTS } from './tokens';

/** Maps message patterns to the contacts application; nothing else lives here. */
@Controller()
export class ContactsMessageController {
  constructor(
    @Inject(CONTACTS_APPLICATION) private readonly app: ContactsApplication,
    @Inject(CONTACTS_PORTS) private readonly ports: { eventStore: EventStore; readStore: ReadStore },
  ) {}

  @MessagePattern(ContactsPatterns.create)
  async create(@Payload() message: Envelope<CreateContactPayload>) {
    return { contact: await this.app.commands.create(message.context, message.payload) };
  }

  @MessagePattern(ContactsPatterns.update)
  async update(@Payload() message: Envelope<UpdateContactPayload>) {
    return { contact: await this.app.commands.update(message.context, message.payload) };
  }

  @MessagePattern(ContactsPatterns.delete)
  async delete(@Payload() message: Envelope<DeleteContactPayload>) {
    await this.app.commands.delete(message.context, message.payload);
    return {};
  }

  @MessagePattern(ContactsPatterns.get)
  get(@Payload() message: Envelope<GetContactPayload>) {
    return this.app.queries.get(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.list)
  list(@Payload() message: Envelope<ListContactsPayload>) {
    return this.app.queries.list(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.query)
  query(@Payload() message: Envelope<QueryContactsPayload>) {
    return this.app.queries.query(message.context, message.payload);
  }

  @MessagePattern(ContactsPatterns.health)
  async health(): Promise<HealthReport> {
    const check = async (probe: () => Promise<void>) =>
      probe().then(
        () => ({ ready: true }),
        (error: unknown) => ({ ready: false, detail: error instanceof Error ? error.message : String(error) }),
      );
    const parts = {
      eventStore: await check(() => this.ports.eventStore.ping()),
      readStore: await check(() => this.ports.readStore.ping()),
      projection: this.app.projection.ready
        ? { ready: true }
        : { ready: false, detail: `catching up (at position ${this.app.projection.processedPosition})` },
    };
    return { service: 'contacts', ready: Object.values(parts).every((p) => p.ready), parts };
  }
}
