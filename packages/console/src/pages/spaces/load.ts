import type { Space } from '@peerlink/sdk';
import { api } from '../../api';

/** Every space the caller may see (administrators: all; others: those they manage), by name. */
export async function loadAllSpaces(): Promise<Space[]> {
  const spaces: Space[] = [];
  let marker: string | undefined;
  do {
    const page = await api.peerlink.listSpaces(marker ? { marker } : {});
    spaces.push(...page.spaces);
    marker = page.isTruncated ? page.nextMarker : undefined;
  } while (marker);
  return spaces.sort((a, b) => a.name.localeCompare(b.name));
}

/** The console path of a space's detail page. */
export function spacePath(spaceId: string): string {
  return `/spaces/${encodeURIComponent(spaceId)}`;
}
