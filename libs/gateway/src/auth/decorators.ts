import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { RequestContext } from '@cp/contracts';
import { Permission } from './permissions';

export const PUBLIC_ROUTE = 'cp:public';
export const REQUIRED_PERMISSION = 'cp:permission';

/** No key needed (health, OpenAPI). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export const RequirePermission = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);

/** The authenticated caller's context, set by the AuthGuard. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  return ctx.switchToHttp().getRequest<{ callerContext: RequestContext }>().callerContext;
});
