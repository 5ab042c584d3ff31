/**
 * Registers a default tag unless the name is taken. A class can be registered only once per
 * registry, so when a host already registered it under its own name, the default tag gets a
 * trivial subclass instead of throwing: both tags then work.
 */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  // Through an alias: the manifest analyzer takes the tags from each class's `@tagname` instead.
  const registry = globalThis.customElements;
  if (!registry || registry.get(tag)) return;
  try {
    registry.define(tag, element);
  } catch {
    registry.define(tag, class extends (element as unknown as { new (): HTMLElement }) {});
  }
}
