import { PassThrough } from 'node:stream';
import { ContactsPatterns } from '@cp/contracts';
import { uploadImport } from './import-upload';

const BOUNDARY = 'upload-boundary';
const HEADERS = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
const partHead = (name: string, fileName?: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${fileName ? `; filename="${fileName}"` : ''}\r\n${fileName ? 'Content-Type: text/plain\r\n' : ''}\r\n`;
const closing = `\r\n--${BOUNDARY}--\r\n`;

/** The contacts service as the upload sees it: what was sent, in order, each answered as the service would. */
function service() {
  const sent: { pattern: string; payload: Record<string, unknown> }[] = [];
  const send = async <T>(pattern: string, payload: unknown): Promise<T> => {
    sent.push({ pattern, payload: payload as Record<string, unknown> });
    if (pattern === ContactsPatterns.createImport) return { import: { id: 'import-1' } } as T;
    return { import: { id: 'import-1', status: 'QUEUED' } } as T;
  };
  return { sent, send, patterns: () => sent.map((s) => s.pattern) };
}

const settled = <T>(promise: Promise<T>) => promise.then((value) => ({ value }), (error: unknown) => ({ error: error as { code?: string; message?: string } }));
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('uploadImport', () => {
  it('fails an upload whose client leaves mid-file, and marks the import failed, instead of waiting for the rest', async () => {
    const body = new PassThrough();
    const { sent, send, patterns } = service();
    const upload = settled(uploadImport(HEADERS, body, send));
    const rows = Array.from({ length: 50 }, (_, i) => `Person ${i},p${i}@example.com\n`).join('');
    body.write(`${partHead('file', 'people.csv')}First Name,Email\n${rows}`);
    await tick();
    expect(patterns()).toEqual([ContactsPatterns.createImport]); // its rows are being read
    body.destroy(); // the connection drops: no end, no closing boundary

    expect(await upload).toEqual({ error: expect.objectContaining({ code: 'UPLOAD_CUT_OFF' }) });
    expect(patterns()).toEqual([ContactsPatterns.createImport, ContactsPatterns.failImportUpload]);
    expect(sent[1].payload).toMatchObject({ importId: 'import-1', code: 'UPLOAD_CUT_OFF' });
  });

  it('fails an upload cut off before its file began, writing nothing', async () => {
    const body = new PassThrough();
    const { send, patterns } = service();
    const upload = settled(uploadImport(HEADERS, body, send));
    body.write(`${partHead('onDuplicate')}SKIP`);
    await tick();
    body.destroy();

    expect(await upload).toEqual({ error: expect.objectContaining({ code: 'UPLOAD_CUT_OFF' }) });
    expect(patterns()).toEqual([]);
  });

  it('refuses a JSON Lines file that goes on without a newline, before it ends (one line at most is held)', async () => {
    const body = new PassThrough();
    const { send } = service();
    const upload = settled(uploadImport(HEADERS, body, send));
    body.write(partHead('file', 'people.jsonl'));
    for (let i = 0; i < 16; i++) body.write(`{"note":"${'x'.repeat(16 * 1024)}`);
    // The body is still open: only the refusal can settle the upload.
    expect(await upload).toEqual({ error: expect.objectContaining({ message: expect.stringContaining('line 1 is longer than') }) });
    body.destroy();
  });

  it('finds the delimiter of a header line that arrives in several chunks', async () => {
    const body = new PassThrough();
    const { sent, send } = service();
    const upload = uploadImport(HEADERS, body, send);
    body.write(`${partHead('file', 'people.csv')}First Name`);
    await tick();
    body.write(';Email\nAda;ada@example.com\n');
    await tick();
    body.end(closing);
    await upload;

    const rows = sent.find((s) => s.pattern === ContactsPatterns.addImportRows)?.payload.rows;
    expect(rows).toEqual([{ 'First Name': 'Ada', Email: 'ada@example.com' }]);
  });

  it('sends the rows of a whole upload, then finishes it', async () => {
    const body = new PassThrough();
    const { sent, send, patterns } = service();
    const upload = uploadImport(HEADERS, body, send);
    body.end(`${partHead('onDuplicate')}UPDATE\r\n${partHead('file', 'people.jsonl')}{"name":"Ada"}\r\n\r\n{"name":"Grace","age":36}${closing}`);
    await upload;

    expect(patterns()).toEqual([ContactsPatterns.createImport, ContactsPatterns.addImportRows, ContactsPatterns.finishImportUpload]);
    expect(sent[0].payload).toMatchObject({ onDuplicate: 'UPDATE', format: 'JSONL', columns: ['name'] });
    expect(sent[1].payload.rows).toEqual([{ name: 'Ada' }, { name: 'Grace', age: '36' }]);
    expect(sent[2].payload).toMatchObject({ rows: 2, batches: 1 });
  });
});
