// The tool must find the files the standalone app writes, under the names the app gives them, so
// it reads those names from the app's own module instead of spelling them again. An app is not a
// library, hence the one exception to the module boundaries.
// eslint-disable-next-line @nx/enforce-module-boundaries
export { dataDirServedBy, dataKeysFile, eventStoreFile, markDataDirServed, readStoreFile } from '../../apps/standalone/src/data-files';
// eslint-disable-next-line @nx/enforce-module-boundaries
export { dataKeyEncryptionKeyFile, loadOrCreateDataKeyEncryptionKey } from '../../apps/standalone/src/default-key';
