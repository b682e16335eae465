import Busboy from '@fastify/busboy';
import { CsvError, parse } from 'csv-parse';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import split2 from 'split2';
import { ContactsPatterns, CreateImportPayload } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { TimeSlice } from '@cp/event-store';
import { HttpRefusal } from '../http/http-refusals';

/** Rows per message to the contacts service (its IMPORT_BATCH_ROWS), and about the most bytes: a Kafka message is at most 1 MB by default. */
const BATCH_ROWS = 500;
const BATCH_BYTES = 256 * 1024;
/** Largest file an import reads. */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
/** Largest row (bytes of a CSV record, characters of a JSON line). */
const MAX_ROW_BYTES = 64 * 1024;
const ENCODINGS: Record<string, BufferEncoding> = { 'utf-8': 'utf8', utf8: 'utf8', latin1: 'latin1', 'iso-8859-1': 'latin1', 'utf-16le': 'utf16le' };

type Send = <T>(pattern: string, payload: unknown, options?: { retryOnTimeout?: boolean }) => Promise<T>;

/**
 * Reads an import's multipart upload as it arrives (never whole): the option fields first, then
 * the `file` (CSV, or JSON Lines), whose rows go to the contacts service in batches, each sent
 * once the one before was stored, so a slow service slows the upload instead of filling memory.
 */
export async function uploadImport(headers: IncomingHttpHeaders, body: unknown, send: Send): Promise<unknown> {
  if (!(body instanceof Readable)) throw new HttpRefusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the import as multipart/form-data: option fields, then the file in a field named file');
  const fields: Record<string, string> = {};
  const late: string[] = []; // option fields sent after the file: refused, not ignored
  const parts = multipartOf(headers);
  const bodyRead = new Promise<void>((resolve) => parts.on('finish', resolve));
  let file: Readable | undefined;
  // The file's upload once its part begins, or undefined when the body ends without one.
  const fileOrEnd = new Promise<Promise<unknown> | undefined>((resolve, reject) => {
    let upload: Promise<unknown> | undefined;
    parts.on('field', (name: string, value: string) => {
      if (!upload) fields[name] = value;
      else late.push(name);
    });
    parts.on('file', (name: string, part: Readable, fileName: string, _encoding: string, mimeType: string) => {
      if (name !== 'file' || upload) return void part.resume();
      file = part;
      part.on('limit', () => part.destroy(new HttpRefusal(413, 'FILE_TOO_LARGE', `An import file may hold at most ${MAX_IMPORT_BYTES} bytes`)));
      upload = importFile(part, fileName, mimeType, fields, () => bodyRead.then(() => late), send);
      upload.catch(() => body.unpipe(parts)); // stop reading what is left of a refused upload
      resolve(upload);
    });
    parts.on('finish', () => resolve(upload));
    // A body that breaks off (the client left, its connection dropped) or is not multipart fails
    // the file being read, so the import is marked failed instead of waiting for rows forever.
    pipeline(body, parts, (error) => {
      if (!error) return;
      const refusal = bodyFailure(error);
      if (file && !file.readableEnded) file.destroy(refusal);
      reject(refusal);
    });
  });
  const upload = await fileOrEnd;
  if (!upload) throw AppError.invalidField('file', 'send the file in a multipart field named file, after the option fields', 'REQUIRED');
  return upload;
}

function bodyFailure(error: Error): AppError {
  if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return new AppError('INVALID_ARGUMENT', 'UPLOAD_CUT_OFF', 'The upload ended before its multipart body did');
  return AppError.invalidField('file', `the multipart body is not valid: ${error.message}`);
}

function multipartOf(headers: IncomingHttpHeaders) {
  try {
    return Busboy({ headers: headers as never, limits: { files: 1, fields: 10, fieldSize: 256 * 1024, fileSize: MAX_IMPORT_BYTES } });
  } catch (error) {
    throw AppError.invalidField('file', `the multipart body cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function importFile(file: Readable, fileName: string, mimeType: string, fields: Record<string, string>, lateFields: () => Promise<string[]>, send: Send): Promise<unknown> {
  const options = optionsOf(fields);
  const format = formatOf(fields['format'], fileName, mimeType);
  const source = await sniffed(file);
  const columns: string[] = [];
  const rows = format === 'JSONL' ? jsonLines(source.stream, columns) : csvRows(source.stream, fields, source.first, columns);
  let importId: string | undefined;
  const start = async () => {
    const payload: CreateImportPayload = { ...options, format, ...(fileName && { fileName }), columns };
    importId = (await send<{ import: { id: string } }>(ContactsPatterns.createImport, payload)).import.id;
  };
  let batch: Record<string, string>[] = [];
  let count = 0;
  let batches = 0;
  const flush = async () => {
    if (!importId) await start();
    if (batch.length === 0) return;
    await send(ContactsPatterns.addImportRows, { importId, batch: batches, firstRow: count - batch.length + 1, rows: batch }, { retryOnTimeout: true });
    batches++;
    batch = [];
  };
  try {
    let bytes = 0;
    // Parsed rows arrive without a turn of the event loop between them (a chunk's records are
    // buffered): other requests get theirs every slice, as they do between an import's rows.
    const slice = new TimeSlice();
    for await (const row of rows) {
      await slice.pause();
      if (!importId) await start();
      batch.push(row);
      count++;
      bytes += Buffer.byteLength(JSON.stringify(row)); // as it crosses the transport (a control character is 6 bytes there)
      if (batch.length === BATCH_ROWS || bytes >= BATCH_BYTES) {
        await flush();
        bytes = 0;
      }
    }
    if (columns.length === 0) throw AppError.invalidField('file', 'the file has no header row (CSV) or no row (JSON Lines)', 'REQUIRED');
    await flush();
    const late = await lateFields();
    if (late.length > 0) throw AppError.invalidField(late[0], 'option fields go before the file', 'FIELD_AFTER_FILE');
    return await send(ContactsPatterns.finishImportUpload, { importId, rows: count, batches }, { retryOnTimeout: true });
  } catch (error) {
    const refusal = refusalOf(error, count);
    if (importId) await send(ContactsPatterns.failImportUpload, { importId, code: refusal.code, description: refusal.message }).catch(() => undefined);
    throw refusal;
  }
}

function optionsOf(fields: Record<string, string>): Pick<CreateImportPayload, 'onDuplicate' | 'dryRun' | 'mapping'> {
  let mapping: Record<string, string> | undefined;
  if (fields['mapping'] !== undefined) {
    try {
      mapping = JSON.parse(fields['mapping']);
    } catch {
      throw AppError.invalidField('mapping', 'must be a JSON object of column → target');
    }
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) throw AppError.invalidField('mapping', 'must be a JSON object of column → target');
  }
  const dryRun = fields['dryRun'] ?? 'false';
  if (dryRun !== 'true' && dryRun !== 'false') throw AppError.invalidField('dryRun', 'must be true or false');
  return { onDuplicate: fields['onDuplicate'] ?? 'SKIP', dryRun: dryRun === 'true', ...(mapping && { mapping }) };
}

function formatOf(given: string | undefined, fileName: string, mimeType: string): 'CSV' | 'JSONL' {
  if (given !== undefined) {
    if (given !== 'CSV' && given !== 'JSONL') throw AppError.invalidField('format', 'must be CSV or JSONL');
    return given;
  }
  return /\.(jsonl|ndjson)$/i.test(fileName) || /ndjson|jsonl|jsonlines/i.test(mimeType) ? 'JSONL' : 'CSV';
}

/**
 * The file's start, read ahead to the end of its first line (to find the delimiter) or a row's
 * worth of bytes, and the whole file as one stream again.
 */
async function sniffed(file: Readable): Promise<{ first: Buffer; stream: Readable }> {
  const chunks = file[Symbol.asyncIterator]();
  const ahead: Buffer[] = [];
  let length = 0;
  while (length < MAX_ROW_BYTES && !ahead.some((chunk) => chunk.includes(0x0a))) {
    const next = await chunks.next();
    if (next.done) break;
    ahead.push(next.value);
    length += next.value.length;
  }
  async function* whole() {
    yield* ahead;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  return { first: Buffer.concat(ahead), stream: Readable.from(whole()) };
}

/** The delimiter of the header line: the most frequent of comma, semicolon and tab (comma on a tie). */
function delimiterOf(first: Buffer): string {
  const line = first.toString('latin1').split(/\r?\n/)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, line.split(d).length - 1] as const);
  return counts.reduce((best, next) => (next[1] > best[1] ? next : best))[0];
}

async function* csvRows(stream: Readable, fields: Record<string, string>, first: Buffer, columns: string[]): AsyncGenerator<Record<string, string>> {
  const encoding = ENCODINGS[(fields['encoding'] ?? 'utf-8').toLowerCase()];
  if (!encoding) throw AppError.invalidField('encoding', `must be one of ${Object.keys(ENCODINGS).join(', ')}`);
  const delimiter = fields['delimiter'] ?? delimiterOf(first);
  if (![',', ';', '\t', '|'].includes(delimiter)) throw AppError.invalidField('delimiter', 'must be , ; | or a tab');
  const parser = piped(
    stream,
    parse({
      bom: true,
      encoding,
      delimiter,
      columns: (header: string[]) => {
        columns.push(...header.map((name) => name.trim()));
        return columns;
      },
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: MAX_ROW_BYTES,
    }),
  );
  for await (const record of parser) yield record as Record<string, string>;
}

/** `to`, fed from `from`; unlike pipe(), a file that breaks off fails it (the loop reading it throws instead of waiting). */
function piped<T extends NodeJS.ReadWriteStream>(from: Readable, to: T): T {
  return pipeline(from, to, () => undefined) as unknown as T;
}

/** A JSON Lines file: one flat object per line, its first line's keys the columns. */
async function* jsonLines(stream: Readable, columns: string[]): AsyncGenerator<Record<string, string>> {
  let line = 0;
  const tooLong = () => AppError.invalidField('file', `line ${line + 1} is longer than ${MAX_ROW_BYTES} characters`);
  // split2 holds at most one line, however long the file goes without a newline.
  const lines = piped(stream, split2(/\r?\n/, { maxLength: MAX_ROW_BYTES }));
  const texts = (async function* () {
    try {
      yield* lines as AsyncIterable<string>;
    } catch (error) {
      throw error instanceof Error && error.message === 'maximum buffer reached' ? tooLong() : error;
    }
  })();
  for await (const text of texts) {
    if (text.length > MAX_ROW_BYTES) throw tooLong();
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      throw AppError.invalidField('file', `line ${line} is not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw AppError.invalidField('file', `line ${line} is not a JSON object`);
    if (columns.length === 0) columns.push(...Object.keys(value));
    yield Object.fromEntries(Object.entries(value).map(([key, cell]) => [key, typeof cell === 'string' ? cell : cell === null ? '' : JSON.stringify(cell)]));
  }
}

function refusalOf(error: unknown, rows: number): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof CsvError) return AppError.invalidField('file', `the CSV is not valid near row ${rows + 1}: ${error.message}`, 'INVALID_CSV');
  return new AppError('INVALID_ARGUMENT', 'UPLOAD_FAILED', `The upload did not complete: ${error instanceof Error ? error.message : String(error)}`);
}
