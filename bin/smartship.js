#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so the package needs no build step to start.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
