/**
 * Message patterns between the gateway and the services. On Kafka each pattern is a request
 * topic and `<pattern>.reply` its reply topic; in standalone mode they name in-process handlers.
 */
export const ContactsPatterns = {
  create: 'contacts.create',
  update: 'contacts.update',
  delete: 'contacts.delete',
  erase: 'contacts.erase',
  get: 'contacts.get',
  list: 'contacts.list',
  query: 'contacts.query',
  merge: 'contacts.merge',
  previewMerge: 'contacts.preview-merge',
  label: 'contacts.label',
  unlabel: 'contacts.unlabel',
  facets: 'contacts.facets',
  history: 'contacts.history',
  asOf: 'contacts.as-of',
  bulkCreate: 'contacts.bulk.create',
  bulkGet: 'contacts.bulk.get',
  bulkList: 'contacts.bulk.list',
  getEmailSubscription: 'contacts.email-subscriptions.get',
  queryEmailSubscriptions: 'contacts.email-subscriptions.query',
  upsertEmailSubscription: 'contacts.email-subscriptions.upsert',
  bulkUpsertEmailSubscriptions: 'contacts.email-subscriptions.bulk-upsert',
  createImport: 'contacts.imports.create',
  addImportRows: 'contacts.imports.add-rows',
  finishImportUpload: 'contacts.imports.finish-upload',
  failImportUpload: 'contacts.imports.fail-upload',
  getImport: 'contacts.imports.get',
  importErrors: 'contacts.imports.errors',
  createExport: 'contacts.exports.create',
  getExport: 'contacts.exports.get',
  exportPage: 'contacts.exports.page',
  health: 'contacts.health',
} as const;

export type ContactsPattern = (typeof ContactsPatterns)[keyof typeof ContactsPatterns];

/** Every service answers its health pattern with this. */
export interface HealthReport {
  service: string;
  ready: boolean;
  parts: Record<string, { ready: boolean; detail?: string }>;
}
