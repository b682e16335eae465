export * from './checkpointed-projection';
export * from './projection-checkpoints';
