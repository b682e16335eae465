export const LABELS_CATALOG = Symbol('LABELS_CATALOG');
export const LABELS_OPTIONS = Symbol('LABELS_OPTIONS');
