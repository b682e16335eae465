import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ENVS, envExample } from './app-envs';

describe('.env.example', () => {
  it('is what the apps\' schemas generate (run `npm run env-example` after changing one)', () => {
    expect(readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8')).toBe(envExample());
  });

  it('lists every variable of every app under its heading', () => {
    const text = envExample();
    for (const spec of APP_ENVS) {
      const section = text.slice(text.indexOf(`# ${spec.app}: `));
      for (const name of Object.keys(spec.variables)) expect(section).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    }
  });
});
