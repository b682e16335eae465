export { loadSigningKeys, SIGNING_KEY_FILE, type SigningKeys } from './signing-keys';
