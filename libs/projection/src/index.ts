export * from './checkpointed-projection';
export * from './projection-checkpoints';
export * from './checkpoint-store';
export * from './leases';
