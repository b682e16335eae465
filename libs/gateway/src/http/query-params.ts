/** Helpers for GET query strings in the SDK's encoding: dotted keys (`paging.limit`) and repeated keys for arrays. */
export type QueryParams = Record<string, string | string[] | undefined>;

export function listParam(params: QueryParams, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).filter((v) => v !== '');
}

export function single(params: QueryParams, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}
