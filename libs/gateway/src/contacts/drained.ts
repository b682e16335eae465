import type { Writable } from 'node:stream';

/** Resolves when the stream takes writes again; rejects when it closed first (the client left). */
export function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      stream.off('drain', onDrain);
      reject(new Error('the client left'));
    };
    stream.once('drain', onDrain);
    stream.once('close', onClose);
  });
}
