#!/usr/bin/env node
import { main } from '../dist/main.js';

main(process.argv).catch((error) => {
  // fetch hides the network reason (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = error?.cause?.code ?? error?.cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`peerlink: ${message}${cause ? ` (${cause})` : ''}`);
  process.exit(1);
});
