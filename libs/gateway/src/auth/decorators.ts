import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { RequestContext } from '@cp/contracts';
import { Permission } from './permissions';

export const PUBLIC_ROUTE = 'cp:public';
export const REQUIRED_PERMISSION = 'cp:permission';

/** No key needed (health, OpenAPI). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The scope a key needs; the OpenAPI document shows it (`x-required-scope`) with the key and site headers it takes. */
export const RequirePermission = (permission: Permission) =>
  applyDecorators(SetMetadata(REQUIRED_PERMISSION, permission), ApiSecurity({ apiKey: [], siteId: [] }), ApiExtension('x-required-scope', permission));

/** The authenticated caller's context, set by the AuthGuard. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  return ctx.switchToHttp().getRequest<{ callerContext: RequestContext }>().callerContext;
});
