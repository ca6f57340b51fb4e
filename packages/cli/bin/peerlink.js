#!/usr/bin/env node
import { main } from '../dist/main.js';

main(process.argv).catch((error) => {
  console.error(`peerlink: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
