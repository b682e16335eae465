import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
// The standalone app's own test harness: the CLI is tested against the server it talks to.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { Harness, startHarness } from '../../../apps/standalone/test/harness';
import { runCli } from '../program';

describe('contacts-platform import and export', () => {
  let app: Harness;
  let dir: string;
  beforeAll(async () => {
    app = await startHarness({ apiKeys: null }); // the app generates its key into its data dir, as `npm start` does
    dir = mkdtempSync(join(tmpdir(), 'cli-import-'));
  });
  afterAll(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(args: string[]) {
    let stderr = '';
    const code = await runCli(args, { stdout: process.stdout, stderr: { isTTY: false, write: (text: string) => (stderr += text) } });
    return { code, stderr };
  }

  it('uploads a file, follows it to the end and prints a summary; --errors saves the failed rows', async () => {
    const file = join(dir, 'people.csv');
    writeFileSync(file, 'Given Name,Family Name,E-mail 1 - Value\nAda,Lovelace,ada@cli.io\nGrace,Hopper,grace@cli.io\nBad,Row,nope\n');
    const errors = join(dir, 'failed.csv');
    const { code, stderr } = await run(['import', file, '--url', app.url, '--data-dir', app.dataDir, '--errors', errors]);
    expect({ code, stderr }).toMatchObject({ code: 0, stderr: expect.stringContaining('COMPLETED: 3 of 3 rows; 2 created, 0 updated, 0 skipped, 1 failed') });
    expect(readFileSync(errors, 'utf8')).toMatch(/^row,code,reason,Given Name,Family Name,E-mail 1 - Value\n3,INVALID_ARGUMENT,.*,Bad,Row,nope\n$/);

    const again = await run(['import', file, '--url', app.url, '--data-dir', app.dataDir, '--dry-run', '--on-duplicate', 'UPDATE']);
    expect(again.stderr).toContain('COMPLETED: 3 of 3 rows; 0 created, 2 updated, 0 skipped, 1 failed (dry run: nothing written)');
  });

  it('exports to a file as CSV, or to stdout as JSON Lines, with a summary', async () => {
    const out = join(dir, 'exported.csv');
    const csv = await run(['export', '--url', app.url, '--data-dir', app.dataDir, '--filter', '{"info.emails.email":{"$in":["ada@cli.io","grace@cli.io"]}}', '--out', out]);
    expect({ code: csv.code, stderr: csv.stderr }).toMatchObject({ code: 0, stderr: expect.stringContaining('exported 2 contacts to') });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^Contact ID,First Name,Last Name,Email 1,/);
    expect(lines.slice(1).map((line) => line.split(',')[1]).sort()).toEqual(['Ada', 'Grace']);

    let stdout = '';
    const jsonl = await runCli(['export', '--url', app.url, '--data-dir', app.dataDir, '--format', 'JSONL', '--search', 'Grace'], {
      stdout: new Writable({ write: (chunk, _encoding, done) => done(void (stdout += chunk)) }),
      stderr: { isTTY: false, write: () => true },
    });
    expect(jsonl).toBe(0);
    expect(stdout.trim().split('\n').map((line) => JSON.parse(line).info.name.first)).toEqual(['Grace']);
    expect((await run(['export', '--url', app.url, '--data-dir', app.dataDir, '--filter', '[1]'])).code).toBe(2);
  });

  it('says what the server refused, with exit code 1, and refuses a bad call with 2', async () => {
    const file = join(dir, 'plain.csv');
    writeFileSync(file, 'Email\na@cli.io\n');
    const refused = await run(['import', file, '--url', app.url, '--data-dir', app.dataDir, '--mapping', '{"Email":"email:NOPE"}']);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('the server answered 400: mapping.Email') });
    expect((await run(['import', join(dir, 'missing.csv'), '--url', app.url])).code).toBe(2);
    expect((await run(['import', file, '--url', app.url, '--data-dir', app.dataDir, '--mapping', '{not json'])).code).toBe(2);
  });
});
