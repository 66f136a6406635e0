/** A tiny element builder: tag, attributes, children. */
export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
};

export function swatch(colour: string, shape: 'fill' | 'line' | 'dot'): HTMLElement {
  const s = h('span', { class: `swatch ${shape}` });
  s.style.setProperty('--c', colour);
  return s;
}

/** A collapsible sidebar section that remembers whether it was open across re-renders. */
export function section(
  id: string,
  title: string,
  open: Set<string>,
  ...children: (Node | string)[]
): HTMLDetailsElement {
  const d = h('details', { 'data-section': id }, h('summary', {}, title), ...children) as HTMLDetailsElement;
  d.open = open.has(id);
  d.ontoggle = () => {
    if (d.open) open.add(id);
    else open.delete(id);
  };
  return d;
}
