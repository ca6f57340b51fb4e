/** The owner a resource is looked up for: an account in the region it called. */
export interface Scope {
  accountId: string;
  region: string;
}

export const bool = (value: boolean): number => (value ? 1 : 0);
