// A stand-in for an email delivery service (the "email tool"): its own list of recipients with
// their statuses, campaigns it "sends" (messages kept in an outbox, nothing leaves the machine),
// and a log of every status change with who made it. A real tool offers the same things: an API
// to write recipients, and a way to read what happened to a campaign (its webhooks or reports).

/** What a recipient record holds. `contactId` links it to the platform's contact, when there is one. */
export const RECIPIENT_FIELDS = ['email', 'name', 'contactId', 'source', 'subscriptionStatus', 'deliverabilityStatus'];

/** The statuses a change in the tool may carry, in the platform's words (so no mapping is needed). */
export const STATUS_FIELDS = ['subscriptionStatus', 'deliverabilityStatus'];

const DELIVERABLE = new Set(['VALID', 'NOT_SET']);

export class EmailTool {
  #recipients = new Map();
  #changes = [];
  #outbox = [];

  /** Creates the recipient or writes the fields that differ; addresses compare case-insensitively. */
  upsert(fields, actor) {
    const key = keyOf(fields.email);
    const record = this.#recipients.get(key) ?? { email: fields.email, subscriptionStatus: 'NOT_SET', deliverabilityStatus: 'NOT_SET' };
    const changed = Object.entries(pick(fields)).filter(([name, value]) => name !== 'email' && record[name] !== value);
    const created = !this.#recipients.has(key);
    for (const [name, value] of changed) record[name] = value;
    this.#recipients.set(key, record);
    if (created || changed.length > 0) {
      this.#changes.push({ sequence: this.#changes.length + 1, email: record.email, changed: Object.fromEntries(changed), actor, created });
    }
    return { ...record };
  }

  get(email) {
    const record = this.#recipients.get(keyOf(email));
    return record && { ...record };
  }

  all() {
    return [...this.#recipients.values()].map((record) => ({ ...record }));
  }

  /** Who a campaign goes to: not unsubscribed, and an address that has not bounced or complained. */
  mailable() {
    return this.all().filter((r) => r.subscriptionStatus !== 'UNSUBSCRIBED' && DELIVERABLE.has(r.deliverabilityStatus));
  }

  /**
   * "Sends" a campaign to every mailable recipient: one message each, with the headers
   * `headersFor(email)` gives (the List-Unsubscribe pair). Returns the messages.
   */
  async sendCampaign(subject, headersFor) {
    const sent = [];
    for (const recipient of this.mailable()) {
      const message = { to: recipient.email, subject, headers: await headersFor(recipient.email) };
      this.#outbox.push(message);
      sent.push(message);
    }
    return sent;
  }

  /** What came back from a campaign, as the tool learns it (its unsubscribe page, bounces, spam reports). */
  unsubscribed(email) {
    return this.upsert({ email, subscriptionStatus: 'UNSUBSCRIBED' }, 'recipient');
  }

  bounced(email) {
    return this.upsert({ email, deliverabilityStatus: 'BOUNCED' }, 'mail-server');
  }

  markedSpam(email) {
    return this.upsert({ email, deliverabilityStatus: 'SPAM_COMPLAINT' }, 'feedback-loop');
  }

  outbox() {
    return this.#outbox.map((message) => ({ ...message }));
  }

  /** Every change after `sequence`, oldest first (the sync keeps its own checkpoint). */
  changesSince(sequence = 0) {
    return this.#changes.slice(sequence).map((change) => ({ ...change, changed: { ...change.changed } }));
  }

  lastSequence() {
    return this.#changes.length;
  }
}

function keyOf(email) {
  return String(email).trim().toLowerCase();
}

function pick(fields) {
  return Object.fromEntries(RECIPIENT_FIELDS.filter((name) => fields[name] !== undefined).map((name) => [name, fields[name]]));
}
