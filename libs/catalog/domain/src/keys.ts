/**
 * Keys of labels and extended fields: `<namespace>.<slug of the display name>`, never changed
 * after creation. The slug is lowercase, with every run of other characters turned into one `-`.
 * When the key is taken by another definition, `-1`, `-2`, ... is appended.
 */
export function slugify(displayName: string): string {
  return displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function allocateKey(namespace: string, displayName: string, isTaken: (key: string) => boolean, maxLength: number): string {
  const room = maxLength - namespace.length - 1;
  const base = (slugify(displayName) || 'field').slice(0, room).replace(/-+$/, '') || 'field';
  let key = `${namespace}.${base}`;
  for (let n = 1; isTaken(key); n++) {
    const suffix = `-${n}`;
    key = `${namespace}.${base.slice(0, room - suffix.length)}${suffix}`;
  }
  return key;
}
