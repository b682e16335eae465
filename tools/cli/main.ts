#!/usr/bin/env node
// The `contacts-platform` executable (package.json "bin"): `npx contacts-platform help`.
import { runCli } from './program';

// A reader that stops early (`| head`) closes the pipe: it has what it wanted, so stop quietly
// instead of dying on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  // Not process.exit(): stdout may still be flushing to a pipe.
  process.exitCode = code;
});
