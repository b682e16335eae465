import { CanActivate, ExecutionContext, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { RateLimiter } from './rate-limiter';
import { RateLimitDecision } from './token-bucket';

export const RATE_LIMITER = Symbol('RATE_LIMITER');

interface Reply {
  header(name: string, value: string): unknown;
}

/**
 * Runs after the AuthGuard: a request it authenticated (so it has a caller context) takes a
 * token from the bucket of its key and site. Public routes have no caller context and are not
 * limited. Every limited response carries RateLimit-Limit/-Remaining/-Reset; a refused one is a
 * 429 RATE_LIMITED whose retryAfterSeconds the error filter turns into Retry-After.
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnApplicationShutdown {
  constructor(@Inject(RATE_LIMITER) private readonly limiter: RateLimiter | null) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const caller = context.switchToHttp().getRequest<{ callerContext?: RequestContext }>().callerContext;
    if (!this.limiter || !caller) return true;
    const checked = await this.limiter.check(caller.actor.id, caller.siteId);
    if (!checked) return true;
    const { limit, decision } = checked;
    setRateLimitHeaders(context.switchToHttp().getResponse<Reply>(), decision);
    if (decision.allowed) return true;
    throw new AppError(
      'RESOURCE_EXHAUSTED',
      'RATE_LIMITED',
      `Too many requests for this API key and site (${limit.rate}, bursts of ${limit.burst}); retry in ${decision.retryAfterSeconds} s`,
      { retryAfterSeconds: decision.retryAfterSeconds, limit: limit.burst, rate: limit.rate, siteId: caller.siteId },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.limiter?.close();
  }
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), in delta seconds. */
export function setRateLimitHeaders(reply: Reply, decision: RateLimitDecision): void {
  reply.header('RateLimit-Limit', String(decision.limit));
  reply.header('RateLimit-Remaining', String(decision.remaining));
  reply.header('RateLimit-Reset', String(decision.resetSeconds));
}
