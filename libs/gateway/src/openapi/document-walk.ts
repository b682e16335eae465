import type { OpenAPIObject, OperationObject, PathItemObject } from '@nestjs/swagger';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Every operation of the document, with its method and path. */
export function operationsOf(document: OpenAPIObject): { method: HttpMethod; path: string; operation: OperationObject }[] {
  return Object.entries(document.paths).flatMap(([path, item]) => operationsAt(item).map(({ method, operation }) => ({ method, path, operation })));
}

export function operationsAt(item: PathItemObject): { method: HttpMethod; operation: OperationObject }[] {
  return HTTP_METHODS.flatMap((method) => (item[method] ? [{ method, operation: item[method] }] : []));
}
