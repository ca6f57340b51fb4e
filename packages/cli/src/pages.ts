/** Every item of a Peerlink API list, following `nextMarker` while the answer says it is truncated. */
export async function allPages<Page extends { isTruncated: boolean; nextMarker?: string }, Item>(
  fetchPage: (args: { marker?: string }) => Promise<Page>,
  itemsOf: (page: Page) => Item[],
): Promise<Item[]> {
  const all: Item[] = [];
  let marker: string | undefined;
  do {
    const page = await fetchPage(marker ? { marker } : {});
    all.push(...itemsOf(page));
    marker = page.isTruncated ? page.nextMarker : undefined;
  } while (marker);
  return all;
}
