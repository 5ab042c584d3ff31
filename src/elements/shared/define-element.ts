/**
 * Registers a default tag unless the name is taken. A class can be registered only once per
 * registry, so when a host already registered it under its own name, the default tag gets a
 * trivial subclass instead of throwing: both tags then work.
 */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  if (typeof customElements === 'undefined' || customElements.get(tag)) return;
  try {
    customElements.define(tag, element);
  } catch {
    customElements.define(tag, class extends (element as unknown as { new (): HTMLElement }) {});
  }
}
