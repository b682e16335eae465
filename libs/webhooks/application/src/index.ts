export * from './ports';
export * from './streams';
export * from './feed';
export * from './subscriptions';
export * from './deliveries-read-model';
export * from './webhooks-application';
