/** Limits of the Contacts v4 API (API.md §13). */
export const MAX_EMAILS = 50;
export const MAX_PHONES = 50;
export const MAX_ADDRESSES = 50;
export const MAX_TEXT_LENGTH = 1000;
