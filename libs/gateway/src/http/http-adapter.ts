import { FastifyAdapter } from '@nestjs/platform-fastify';
import { SerializedReply } from '@cp/messaging';

const BODY_LIMIT = 5 * 1024 * 1024;

/**
 * The gateway's Fastify adapter. A service reply that is still serialized (the in-process
 * transport's) goes out as it came; everything else is serialized as usual.
 */
export function gatewayHttpAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT });
  adapter.getInstance().setReplySerializer((payload) => (payload instanceof SerializedReply ? payload.json : JSON.stringify(payload)));
  return adapter;
}
