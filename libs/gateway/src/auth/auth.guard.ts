import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { isSiteId, RequestContext, SITE_ID_RULE } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { ApiKeyRegistry, grantsSite } from './api-keys';
import { PUBLIC_ROUTE, REQUIRED_PERMISSION } from './decorators';
import { allows, Permission, permissionsOf } from './permissions';

export const API_KEY_REGISTRY = Symbol('API_KEY_REGISTRY');

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  callerContext?: RequestContext;
  id?: string;
}

/**
 * `Authorization: <key>` (or `Bearer <key>`) plus `wix-site-id`, as Wix's SDK sends them.
 * Unknown key: 401. A key without the site or the scope: 403. Every route needs a permission
 * unless it is marked public, so a new route cannot be left open by accident.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_REGISTRY) private readonly keys: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission>(REQUIRED_PERMISSION, targets);
    if (!permission) throw new AppError('PERMISSION_DENIED', 'PERMISSION_DENIED', 'This route is not open to API keys');

    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const presented = header(request, 'authorization')?.replace(/^Bearer\s+/i, '').trim();
    if (!presented) throw new AppError('UNAUTHENTICATED', 'MISSING_API_KEY', 'Send your API key in the Authorization header');
    const key = this.keys.find(presented);
    if (!key) throw new AppError('UNAUTHENTICATED', 'INVALID_API_KEY', 'The API key is not valid');

    const siteId = header(request, 'wix-site-id')?.trim();
    if (!siteId) throw AppError.invalidField('wix-site-id', 'the wix-site-id header is required', 'REQUIRED');
    if (!isSiteId(siteId)) throw AppError.invalidField('wix-site-id', `must be a site id: ${SITE_ID_RULE}`, 'FORMAT');
    if (!grantsSite(key, siteId)) throw new AppError('PERMISSION_DENIED', 'SITE_NOT_ALLOWED', 'The API key does not grant access to this site');
    if (!allows(key.scopes, permission)) {
      throw new AppError('PERMISSION_DENIED', 'MISSING_SCOPE', `The API key lacks a scope that grants ${permission}`, { permission });
    }
    request.callerContext = {
      siteId,
      actor: { type: 'API_KEY', id: key.name ?? 'api-key' },
      correlationId: request.id ?? randomUUID(),
      permissions: permissionsOf(key.scopes),
    };
    return true;
  }
}

function header(request: GuardedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
