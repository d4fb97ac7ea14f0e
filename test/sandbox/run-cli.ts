// Runs `smartship sandbox 11st` without the main CLI, for the spawned-process test.
import { runSandboxCommand } from '../../src/sandbox/elevenst/cli.ts';

await runSandboxCommand(process.argv.slice(2));
