// `on…` event handler attributes (HTML §8.1.8.1) on top of EventTarget: setting one adds a
// single listener, setting it again replaces it, null removes it.
type Handler = ((this: EventTarget, ev: Event) => unknown) | null;

export class EventTargetWithHandlers extends EventTarget {
  readonly #handlers = new Map<string, { handler: Handler; listener: (ev: Event) => void }>();

  protected getHandler(type: string): Handler {
    return this.#handlers.get(type)?.handler ?? null;
  }

  protected setHandler(type: string, handler: Handler): void {
    const old = this.#handlers.get(type);
    if (old) {
      this.removeEventListener(type, old.listener);
      this.#handlers.delete(type);
    }
    if (typeof handler === 'function') {
      const listener = (ev: Event): void => {
        handler.call(this, ev);
      };
      this.#handlers.set(type, { handler, listener });
      this.addEventListener(type, listener);
    }
  }
}
