import type { ListPage } from './types.js';

/**
 * Every item of a BCE list, page after page (`marker = nextMarker` while `isTruncated`), fetched
 * lazily as the caller iterates.
 */
export async function* paginate<P extends ListPage, T>(
  fetchPage: (marker: string | undefined) => Promise<P>,
  itemsOf: (page: P) => T[],
): AsyncGenerator<T, void, undefined> {
  let marker: string | undefined;
  do {
    const page = await fetchPage(marker);
    yield* itemsOf(page);
    marker = page.isTruncated ? page.nextMarker : undefined;
  } while (marker);
}
