import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Dockerfile, read as Docker reads it (instructions, line continuations, comments), checked
 * for what running it in production needs: a supported Node LTS, an init process, an
 * unprivileged user that owns the data directory, and a health check.
 */
interface Instruction {
  keyword: string;
  args: string;
}

/** The instructions of a Dockerfile, one per logical line (continuations joined, comments dropped). */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (/\\\s*$/.test(line)) {
      pending += line.replace(/\\\s*$/, ' ');
      continue;
    }
    const logical = (pending + line).trim();
    pending = '';
    if (!logical) continue;
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(logical)!;
    instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return instructions;
}

/** The stages: each FROM and the instructions after it. */
function stagesOf(instructions: Instruction[]): { from: string; instructions: Instruction[] }[] {
  const stages: { from: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push({ from: instruction.args.split(/\s+/)[0], instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

/**
 * Node's LTS lines and the day each reaches its end of life (nodejs.org's release schedule).
 * A line past it is refused: move the image to a newer LTS, and add that line here.
 */
const NODE_LTS_END_OF_LIFE: Record<number, string> = { 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30', 26: '2029-04-30' };

describe('Dockerfile', () => {
  const instructions = parseDockerfile(readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8'));
  const stages = stagesOf(instructions);
  const runtime = stages.at(-1)!;
  const last = (keyword: string) => runtime.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);

  it('reads as Docker reads it', () => {
    expect(parseDockerfile('# c\nFROM a AS b\nRUN x \\\n  && y\n\nuser node\n')).toEqual([
      { keyword: 'FROM', args: 'a AS b' },
      { keyword: 'RUN', args: 'x    && y' },
      { keyword: 'USER', args: 'node' },
    ]);
  });

  it('builds and runs on one official Node image of a supported LTS line', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const images = new Set(stages.map((stage) => stage.from));
    // Native modules (better-sqlite3) are compiled in the build stage for the Node of the runtime stage.
    expect(images.size).toBe(1);
    const [image] = images;
    const match = /^node:(\d+)(\.\d+)*-[a-z]+(-slim)?$/.exec(image);
    expect(match).not.toBeNull();
    const major = Number(match![1]);
    const endOfLife = NODE_LTS_END_OF_LIFE[major];
    if (!endOfLife) throw new Error(`${image}: Node ${major} is not an LTS line (even majors are; add its end of life to NODE_LTS_END_OF_LIFE)`);
    if (new Date(`${endOfLife}T00:00:00Z`) <= new Date()) throw new Error(`${image}: Node ${major} reached its end of life on ${endOfLife}: move the Dockerfile to a newer LTS`);
  });

  it('runs the app under tini, installed in the image, so signals reach it and zombies are reaped', () => {
    expect(runtime.instructions.some((instruction) => instruction.keyword === 'RUN' && /apt-get install\b.*\btini\b/.test(instruction.args))).toBe(true);
    expect(JSON.parse(last('ENTRYPOINT')!.args)).toEqual(['/usr/bin/tini', '--']);
    // Exec form, so that tini's child is node itself rather than a shell.
    expect(JSON.parse(last('CMD')!.args)).toEqual(['node', 'dist/apps/standalone/src/main.js']);
  });

  it('runs as an unprivileged user that owns the data directory', () => {
    const user = last('USER')?.args.trim();
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(user).toBe('node');
    const index = (predicate: (instruction: Instruction) => boolean) => runtime.instructions.findIndex(predicate);
    const chown = index((instruction) => instruction.keyword === 'RUN' && /\bchown\b.*\bnode:node\b.*\/data\b/.test(instruction.args));
    expect(chown).toBeGreaterThanOrEqual(0);
    // The volume is declared after the directory is given to the user: a new volume copies that ownership.
    expect(index((instruction) => instruction.keyword === 'VOLUME' && instruction.args.trim() === '/data')).toBeGreaterThan(chown);
    expect(runtime.instructions.find((instruction) => instruction.keyword === 'ENV')?.args).toContain('DATA_DIR=/data');
  });

  it('has a health check on /health', () => {
    const healthcheck = last('HEALTHCHECK')?.args ?? '';
    expect(healthcheck).toMatch(/CMD node -e .*\/health/);
    expect(healthcheck).toMatch(/--interval=\d+s/);
  });
});
