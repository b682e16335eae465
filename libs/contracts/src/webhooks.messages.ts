/** Message patterns of the webhooks service (subscriptions, deliveries, the change feed). */
export const WebhooksPatterns = {
  createSubscription: 'webhooks.subscriptions.create',
  listSubscriptions: 'webhooks.subscriptions.list',
  getSubscription: 'webhooks.subscriptions.get',
  updateSubscription: 'webhooks.subscriptions.update',
  deleteSubscription: 'webhooks.subscriptions.delete',
  replay: 'webhooks.subscriptions.replay',
  listDeliveries: 'webhooks.deliveries.list',
  redeliver: 'webhooks.deliveries.redeliver',
  publicKey: 'webhooks.public-key',
  feed: 'webhooks.events.feed',
  health: 'webhooks.health',
} as const;

export type WebhooksPattern = (typeof WebhooksPatterns)[keyof typeof WebhooksPatterns];
