import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envExample } from './app-envs';

/** Writes .env.example at the repository root (dist/tools/env-example/ is three levels below it). */
const file = join(__dirname, '..', '..', '..', '.env.example');
writeFileSync(file, envExample());
console.log(`wrote ${file}`);
